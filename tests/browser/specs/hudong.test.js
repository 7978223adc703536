'use strict';
// Public messages (政民互动), end to end in the browser.
// Citizen: home → 政民互动 → 我要写信 → the form (县长信箱, 咨询, a photo, the writer's name and phone
// planted in the text) → the receipt (查询码 LY…, 收到日期, 答复期限) → 留言查询 with the code and
// password → 待受理. A wrong password: 404, the error tied to both fields, the code kept. The form
// with mistakes: 400, every error tied to its field; the same text again from the same phone: 409.
// 留言选登 masks the writer's name and phone of a demo exchange.
// Staff: demo-supervisor 受理 and 交办 乌恰县人民政府办公室 (the photo downloads), demo-handler
// 提交答复审核 (and may not approve it), demo-supervisor 审核通过并答复, published. Citizen: the reply,
// rated 不满意 with a comment → 整改期限, no second rating. demo-handler 登记整改完成, demo-supervisor
// 核查通过; the citizen sees the outcome, and the public page shows the exchange with the name and
// phone masked. The rating of a demo reply, on its own. With JavaScript off: the form and the lookup.
const { describe, it } = require('node:test');
const assert = require('node:assert/strict');
const { useSuite } = require('../lib/suite');
const { newContext } = require('../lib/browser');
const { externalRequests, pathOf } = require('../lib/site');
const ysq = require('../lib/applications');
const ly = require('../lib/messages');
const { attachmentName } = require('../lib/records');

const env = useSuite();

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Click a link and wait until the URL's path is `pathname`. */
async function follow(page, link, pathname) {
  await Promise.all([page.waitForURL((u) => u.pathname === pathname), link.click()]);
}

/** The ids an element's aria-describedby names, and the text they describe it with. */
async function description(locator) {
  return locator.evaluate((el) => {
    const ids = (el.getAttribute('aria-describedby') || '').split(/\s+/).filter(Boolean);
    return { ids, text: ids.map((id) => document.getElementById(id)?.textContent || '').join(' ') };
  });
}

/** The items of the 办理过程 (public) or 办理记录 (staff) list. */
function steps(page, name) {
  return page.getByRole('region', { name }).getByRole('listitem').allInnerTexts();
}

/**
 * On the writer's status page of an answered message: rate the reply 不满意 with `comment`; the
 * page then shows the rating and the 整改 deadline, and the rating form is gone, also when the
 * page is opened again and after a new lookup. Resolves to the deadline (YYYY-MM-DD).
 */
async function rateUnsatisfied(page, trackingCode, secret, comment) {
  const rating = page.getByRole('region', { name: '评价答复' });
  assert.equal(await rating.count(), 1, 'an answered message offers the rating form');
  const choices = await rating.getByRole('group', { name: /您对答复是否满意/ }).getByRole('radio').count();
  assert.equal(choices, 5, '非常满意, 满意, 基本满意, 不满意, 非常不满意');
  const resp = await ly.rate(page, '不满意', comment);
  assert.equal(resp.status(), 200, `提交评价:\n${await page.locator('main').innerText()}`);
  const rated = page.getByRole('region', { name: '您的评价' });
  const text = await rated.innerText();
  assert.ok(text.includes(`不满意：${comment}`), `您的评价 shows the rating and the comment:\n${text}`);
  const due = (text.match(/整改期限为 (\d{4}-\d{2}-\d{2})/) || [])[1];
  assert.ok(due, `a bad rating shows the 整改 deadline:\n${text}`);
  assert.ok(due > new Date().toISOString().slice(0, 10), `the 整改 deadline ${due} lies ahead`);
  // Rated once: no rating form, now, on the page opened again (writer session), or after a lookup.
  for (const when of ['after rating', 'opened again', 'after a new lookup']) {
    if (when === 'opened again') await page.goto('/hudong/status');
    if (when === 'after a new lookup') await ly.lookUp(page, trackingCode, secret);
    assert.equal((await ly.facts(page))['查询码'], trackingCode, when);
    assert.equal(await page.getByRole('region', { name: '评价答复' }).count(), 0, `no second rating offered (${when})`);
    assert.equal(await page.getByRole('button', { name: '提交评价' }).count(), 0, `no 提交评价 (${when})`);
    assert.match(await page.getByRole('region', { name: '您的评价' }).innerText(), /整改期限为/, `the deadline stays (${when})`);
  }
  return due;
}

/** What the journeys leave behind for the later tests. */
const shared = {};

describe('政民互动: citizen', () => {
  it('writes to 县长信箱 through the form with a photo, gets a receipt, and looks it up (待受理)', async () => {
    const context = await newContext(env.browser, { server: env.server });
    try {
      const page = await context.newPage();
      await page.goto('/');
      await follow(page, page.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '政民互动' }), '/hudong/');
      await page.getByRole('heading', { level: 1, name: '政民互动' }).waitFor();
      await follow(page, page.getByRole('main').getByRole('link', { name: '我要写信' }), '/hudong/write');

      // As served: 县长信箱 and 咨询 chosen, publication not agreed to.
      assert.equal(await page.getByLabel('留言对象').inputValue(), ly.HEAD_MAILBOX);
      assert.equal(await page.getByRole('group', { name: /留言类型/ }).getByLabel('咨询', { exact: true }).isChecked(), true);
      assert.equal(await page.getByLabel(/同意在“留言选登”中公开/).isChecked(), false);

      const phone = ly.uniquePhone();
      const title = '城西社区路灯损坏何时维修';
      const content = ly.uniqueContent(`我是城西社区居民${ly.WRITER.name}，电话${phone}。城西社区幸福路的路灯损坏已有半个月，夜间出行很不方便，请问什么时候维修？`);
      const photo = ly.photo('路灯现场照片.png');
      await ly.fillWriteForm(page, { title, content, phone, files: [photo] });
      const resp = await ysq.submit(page, '提交留言');
      assert.equal(resp.status(), 201, `the receipt answers 201:\n${await page.locator('main').innerText()}`);
      await page.getByRole('heading', { level: 1, name: '留言已收到' }).waitFor();
      const r = await ysq.receipt(page);
      assert.match(r.trackingCode, /^LY[A-Z0-9]{8}$/, `查询码 ${r.trackingCode}`);
      assert.equal(r.facts['留言对象'], '县长信箱');
      assert.match(r.receivedOn, DATE, `收到日期 ${r.receivedOn}`);
      assert.match(r.dueOn, /^\d{4}-\d{2}-\d{2}(（暂定）)?（15 个工作日）$/, `答复期限 ${r.dueOn} (咨询: 15 working days)`);
      assert.ok(r.dueOn.slice(0, 10) > r.receivedOn, 'the due date is after the day received');
      const receiptText = await page.locator('main').innerText();
      for (const secret of [ly.WRITER.name, phone, ly.WRITER.email, ly.WRITER.secret]) {
        assert.ok(!receiptText.includes(secret), `the receipt does not show ${secret}`);
      }

      // The receipt links the lookup.
      await follow(page, page.getByRole('main').getByRole('link', { name: '留言查询' }), '/hudong/status');
      await page.getByLabel('查询码').fill(r.trackingCode);
      await page.getByLabel('查询密码').fill(ly.WRITER.secret);
      const found = await ysq.submit(page, '查询');
      assert.equal(found.status(), 200);
      await page.getByRole('heading', { level: 1, name: '留言办理情况' }).waitFor();
      const facts = await ly.facts(page);
      assert.equal(facts['查询码'], r.trackingCode);
      assert.equal(facts['标题'], title);
      assert.equal(facts['留言类型'], '咨询');
      assert.equal(facts['留言对象'], '县长信箱');
      assert.equal(facts['当前状态'], '待受理');
      assert.equal(facts['收到日期'], r.receivedOn);
      assert.equal(facts['答复期限'].slice(0, 10), r.dueOn.slice(0, 10));
      assert.equal((await page.getByRole('region', { name: '留言内容' }).innerText()).replace(/^留言内容\s*/, ''), content,
        'the writer sees their own text as written');
      assert.deepEqual(await steps(page, '办理过程'), ['已收到，等待受理。']);
      assert.equal(await page.getByRole('region', { name: '评价答复' }).count(), 0, 'nothing to rate before a reply');

      // The writer session lasts: the lookup address shows the message, not the form.
      await page.goto('/hudong/status');
      assert.equal((await ly.facts(page))['查询码'], r.trackingCode);
      assert.deepEqual(externalRequests(context.requests, env.server.origin), []);
      shared.citizen = { trackingCode: r.trackingCode, dueOn: r.dueOn.slice(0, 10), title, content, phone, photo };
    } finally {
      await context.close();
    }
  });

  it('a wrong password: 404, 查询码或查询密码不正确 tied to both fields, the code kept', async () => {
    assert.ok(shared.citizen, 'the previous test wrote a message');
    const context = await newContext(env.browser, { server: env.server });
    try {
      const page = await context.newPage();
      const resp = await ly.lookUp(page, shared.citizen.trackingCode, 'wrong-secret-1');
      assert.equal(resp.status(), 404);
      assert.equal(pathOf(page), '/hudong/status');
      const alert = page.getByRole('alert');
      assert.match(await alert.innerText(), /查询码或查询密码不正确/);
      const alertId = await alert.getAttribute('id');
      assert.ok(alertId, 'the error has an id to point at');
      for (const label of ['查询码', '查询密码']) {
        const field = page.getByLabel(label);
        const d = await description(field);
        assert.ok(d.ids.includes(alertId), `${label}: aria-describedby="${d.ids.join(' ')}" includes ${alertId}`);
        assert.equal(await field.getAttribute('aria-invalid'), 'true', `${label} is aria-invalid`);
      }
      assert.equal(await page.getByLabel('查询码').inputValue(), shared.citizen.trackingCode, 'the typed code is kept');
      assert.equal(await page.getByLabel('查询密码').inputValue(), '', 'the password is not echoed back');
      assert.equal(await page.locator('main dl.facts').count(), 0, 'no message is shown');
      assert.equal((await context.cookies()).filter((c) => c.name === ly.WRITER_COOKIE).length, 0, 'no writer session');

      // An unknown code gets exactly the same answer (no hint which part was wrong).
      const unknown = await ly.lookUp(page, 'LYNOSUCH01', ly.WRITER.secret);
      assert.equal(unknown.status(), 404);
      assert.match(await page.getByRole('alert').innerText(), /查询码或查询密码不正确/);

      // The right pair still works afterwards.
      await page.getByLabel('查询码').fill(shared.citizen.trackingCode);
      await page.getByLabel('查询密码').fill(ly.WRITER.secret);
      assert.equal((await ysq.submit(page, '查询')).status(), 200);
      assert.equal((await ly.facts(page))['当前状态'], '待受理');
    } finally {
      await context.close();
    }
  });

  it('the form with mistakes: 400, every error tied to its field, what was typed kept; the same text again: 409', async () => {
    assert.ok(shared.citizen, 'the first test wrote a message');
    const context = await newContext(env.browser, { server: env.server });
    try {
      const page = await context.newPage();
      await page.goto('/hudong/write');
      const content = ly.uniqueContent('县城第二小学门口上下学时段交通拥堵，建议增派交警疏导。');
      await ly.fillWriteForm(page, {
        to: ly.OFFICE.code, kind: '建议', title: '', content, phone: '12345', email: 'not-an-address', secretAgain: 'something-else',
      });
      const resp = await ysq.submit(page, '提交留言');
      assert.equal(resp.status(), 400);
      assert.match(await page.getByRole('main').innerText(), /留言尚未提交/);
      assert.deepEqual(await ysq.errorsTiedToFields(page), []);
      for (const [label, message] of [
        [/^标题/, /请填写标题/],
        ['联系电话', /11 位手机号码/],
        ['电子邮箱', /电子邮箱格式不正确/],
        ['再次输入查询密码', /不一致/],
      ]) {
        const field = page.getByLabel(label);
        assert.equal(await field.getAttribute('aria-invalid'), 'true', `${label} is aria-invalid`);
        assert.match((await description(field)).text, message, `${label} is described by its error`);
      }
      assert.equal(await page.getByLabel('留言对象').inputValue(), ly.OFFICE.code, '留言对象 is kept');
      assert.equal(await page.getByRole('group', { name: /留言类型/ }).getByLabel('建议', { exact: true }).isChecked(), true, '留言类型 is kept');
      assert.equal(await page.getByLabel('留言内容').inputValue(), content, 'the text is kept');
      assert.equal(await page.getByLabel(/^姓名/).inputValue(), ly.WRITER.name, 'the name is kept');
      assert.equal(await page.getByLabel(/同意在“留言选登”中公开/).isChecked(), true, 'the consent is kept');
      assert.equal(await page.getByLabel('设置查询密码').inputValue(), '', 'the password is not echoed back');

      // The first test's text again, from the same phone: refused as a repeat (409), on the
      // content field.
      await page.goto('/hudong/write');
      await ly.fillWriteForm(page, { title: shared.citizen.title, content: shared.citizen.content, phone: shared.citizen.phone });
      const again = await ysq.submit(page, '提交留言');
      assert.equal(again.status(), 409, `the same text from the same phone:\n${await page.locator('main').innerText()}`);
      assert.deepEqual(await ysq.errorsTiedToFields(page), []);
      assert.equal(await page.getByLabel('留言内容').getAttribute('aria-invalid'), 'true', 'the content field carries the refusal');
    } finally {
      await context.close();
    }
  });

  it('留言选登 masks personal data: a demo exchange naming its writer and phone shows 某某 and 139******78', async () => {
    const context = await newContext(env.browser, { server: env.server });
    try {
      const page = await context.newPage();
      const planted = { title: '建议在县人民医院门口增设公交站点', name: '李建国', phone: '13912345678' };
      await page.goto('/hudong/');
      const list = page.getByRole('region', { name: '留言选登' });
      const listText = await list.innerText();
      assert.ok(!listText.includes(planted.name) && !listText.includes(planted.phone), 'the list shows no name or phone');
      await follow(page, list.getByRole('link', { name: planted.title, exact: true }), await list.getByRole('link', { name: planted.title, exact: true }).getAttribute('href'));
      await page.getByRole('heading', { level: 1, name: planted.title }).waitFor();
      assert.equal((await ly.facts(page))['留言人'], '某某');
      const message = await page.getByRole('region', { name: '留言内容' }).innerText();
      assert.ok(message.includes('某某') && message.includes(ly.maskedPhone(planted.phone)), `masked in the text:\n${message}`);
      const main = await page.locator('main').innerText();
      assert.ok(!main.includes(planted.name), `the writer's name ${planted.name} is not on the page`);
      assert.ok(!main.includes(planted.phone), `the phone ${planted.phone} is not on the page`);
      assert.match(await page.getByRole('region', { name: '答复内容' }).innerText(), /已收悉/);
    } finally {
      await context.close();
    }
  });
});

describe('政民互动: staff handle the message, the citizen rates the reply', () => {
  it('demo-supervisor 受理 and 交办; demo-handler 提交答复审核; demo-supervisor 审核通过并答复 (published)', async () => {
    assert.ok(shared.citizen, 'the citizen wrote in the first test');
    const { trackingCode, title, phone, photo } = shared.citizen;
    let adminPath;
    await ly.asStaff(env.browser, env.server.url, ly.SUPERVISOR, async (page) => {
      // The queue, from the back-office navigation.
      await follow(page, page.getByRole('navigation', { name: '管理后台导航' }).getByRole('link', { name: '政民互动' }), '/admin/messages');
      const row = page.getByRole('table', { name: /留言/ }).getByRole('row').filter({ hasText: trackingCode });
      assert.equal(await row.count(), 1, 'the queue lists the new message');
      assert.match(await row.innerText(), /县长信箱[\s\S]*待受理/);
      adminPath = await row.getByRole('link', { name: trackingCode }).getAttribute('href');
      await follow(page, row.getByRole('link', { name: trackingCode }), adminPath);

      assert.equal(await page.getByRole('heading', { level: 1 }).innerText(), title, 'the page names the message');
      let facts = await ly.facts(page);
      assert.equal(facts['查询码'], trackingCode);
      assert.equal(await ly.staffStatus(page), '待受理');
      assert.equal(facts['留言对象'], '县长信箱');
      assert.ok(facts['留言人'].includes(ly.WRITER.name) && facts['留言人'].includes(phone), `staff see the writer: ${facts['留言人']}`);
      assert.equal(facts['是否同意公开'], '同意');
      assert.equal(facts['答复期限'].slice(0, 10), shared.citizen.dueOn);

      // The photo the citizen attached: listed, and it downloads as sent.
      const link = page.getByRole('main').getByRole('link', { name: photo.name });
      assert.equal(await link.count(), 1, `附件 lists ${photo.name}`);
      const file = await page.request.get(await link.getAttribute('href'));
      assert.equal(file.status(), 200);
      assert.equal(file.headers()['content-type'], 'image/png');
      assert.equal(attachmentName(file.headers()['content-disposition']), photo.name);
      assert.deepEqual(await file.body(), photo.buffer);

      await ly.accept(page);
      const assign = page.locator('details').filter({ hasText: '交办承办单位' });
      assert.equal(await assign.evaluate((d) => d.open), false, '交办 is folded away until opened');
      await ly.assign(page, ly.OFFICE.name);
      assert.equal(pathOf(page), adminPath);
      facts = await ly.facts(page);
      assert.match(facts['承办单位'], new RegExp(`^${ly.OFFICE.name}（\\d{4}-\\d{2}-\\d{2} 交办）$`));
      const history = await steps(page, '办理记录');
      assert.ok(history.some((s) => /受理（demo-supervisor）$/.test(s)), `办理记录 lists 受理:\n${history.join('\n')}`);
      assert.ok(history.some((s) => s.includes(`交办（demo-supervisor）：交办${ly.OFFICE.name}`)), `办理记录 lists 交办:\n${history.join('\n')}`);
    });

    // The reply names a date as staff often write it (YYYY-MM-DD); the public page must keep it.
    const repairBy = shared.citizen.dueOn;
    const reply = `您好！您反映的城西社区幸福路路灯损坏问题已转县住建局，路灯将于${repairBy}前修复。感谢您的监督！`;
    await ly.asStaff(env.browser, env.server.url, ly.HANDLER, async (page) => {
      // The department's queue lists what was assigned to it.
      await follow(page, page.getByRole('navigation', { name: '管理后台导航' }).getByRole('link', { name: '政民互动' }), '/admin/messages');
      const row = page.getByRole('table', { name: /留言/ }).getByRole('row').filter({ hasText: trackingCode });
      assert.equal(await row.count(), 1, 'demo-handler\'s queue lists the assigned message');
      assert.match(await row.innerText(), new RegExp(`承办：${ly.OFFICE.name}[\\s\\S]*办理中`));
      await follow(page, row.getByRole('link', { name: trackingCode }), adminPath);
      await ly.draftReply(page, reply);
      // The author may not approve their own reply.
      assert.equal(await page.getByRole('button', { name: '审核通过并答复' }).count(), 0, 'no 审核通过并答复 for the author');
      assert.match(await ly.actions(page).innerText(), /答复须由拟稿人以外的政务公开办工作人员审核/);
    });

    await ly.asStaff(env.browser, env.server.url, ly.SUPERVISOR, async (page) => {
      await page.goto(adminPath);
      const draft = page.getByRole('region', { name: /^答复（待审核，拟稿人 demo-handler）/ });
      assert.ok((await draft.innerText()).includes(reply), 'the reviewer reads the draft');
      const publish = page.getByLabel(/在“留言选登”中公开/);
      assert.equal(await publish.isChecked(), true, 'publication is offered, ticked (the writer agreed)');
      await ly.approveReply(page, { publish: true });
      assert.match(await page.locator('main').innerText(), /答复（\d{4}-\d{2}-\d{2} 答复，已公开）/);
      assert.equal(await page.getByRole('button', { name: '提交答复审核' }).count(), 0, 'no reply form once answered');
    });
    shared.staff = { adminPath, reply, repairBy };
  });

  it('the citizen sees the reply, rates it 不满意 with a comment, sees the 整改 deadline; no second rating', async () => {
    assert.ok(shared.staff, 'the staff journey answered the message');
    const { trackingCode } = shared.citizen;
    const context = await newContext(env.browser, { server: env.server });
    try {
      const page = await context.newPage();
      assert.equal((await ly.lookUp(page, trackingCode, ly.WRITER.secret)).status(), 200);
      const facts = await ly.facts(page);
      assert.equal(facts['当前状态'], '已答复');
      assert.equal(facts['答复单位'], ly.OFFICE.name);
      assert.match(facts['答复日期'], DATE);
      assert.ok((await page.getByRole('region', { name: '答复内容' }).innerText()).includes(shared.staff.reply), 'the reply as approved');
      const done = await steps(page, '办理过程');
      for (const step of ['受理', '交办', '审核通过并答复']) {
        assert.ok(done.some((s) => s.endsWith(` ${step}`)), `办理过程 lists ${step}: ${done.join(' / ')}`);
      }
      assert.ok(!done.some((s) => s.includes('拟写答复')), 'the internal draft is not a public step');
      const published = page.getByRole('region', { name: '答复内容' }).getByRole('link', { name: '留言选登' });
      assert.equal(await published.count(), 1, 'the page says the exchange is published and links it');
      shared.publicPath = await published.getAttribute('href');

      const comment = '路灯至今仍未修复，夜间依然漆黑。';
      shared.rectifyDue = await rateUnsatisfied(page, trackingCode, ly.WRITER.secret, comment);
      shared.comment = comment;
      assert.deepEqual(externalRequests(context.requests, env.server.origin), []);
    } finally {
      await context.close();
    }
  });

  it('demo-handler 登记整改完成, demo-supervisor 核查通过; the citizen and the public page show the outcome, name and phone masked', async () => {
    assert.ok(shared.rectifyDue, 'the citizen rated the reply 不满意');
    const { trackingCode, title, phone } = shared.citizen;
    const outcome = '经现场核查，幸福路路灯线路老化，已更换线路，路灯恢复照明。';
    await ly.asStaff(env.browser, env.server.url, ly.HANDLER, async (page) => {
      await page.goto('/admin/messages?view=rectify');
      const row = page.getByRole('table', { name: /留言/ }).getByRole('row').filter({ hasText: trackingCode });
      assert.equal(await row.count(), 1, '差评整改 lists the message');
      assert.ok((await row.innerText()).includes(`整改期限 ${shared.rectifyDue}`), `with its deadline: ${await row.innerText()}`);
      await follow(page, row.getByRole('link', { name: trackingCode }), shared.staff.adminPath);
      const rating = await page.getByRole('region', { name: /^留言人评价：不满意/ }).innerText();
      assert.ok(rating.includes(shared.comment) && rating.includes(`整改期限：${shared.rectifyDue}`), `the rating and deadline:\n${rating}`);
      await ly.rectifyDone(page, outcome);
      assert.match(await page.getByRole('region', { name: /^留言人评价/ }).innerText(), /\d{4}-\d{2}-\d{2} 完成整改/);
      assert.equal(await page.getByRole('button', { name: '登记整改完成' }).count(), 0, 'registered once');
    });
    await ly.asStaff(env.browser, env.server.url, ly.SUPERVISOR, async (page) => {
      await page.goto(shared.staff.adminPath);
      await ly.rectifyCheck(page, '已电话回访，留言人确认路灯已恢复照明。');
      assert.match(await page.getByRole('region', { name: /^留言人评价/ }).innerText(), /\d{4}-\d{2}-\d{2} 政务公开办核查/);
      assert.equal(await page.getByRole('button', { name: '核查通过' }).count(), 0, 'checked once');
      const history = await steps(page, '办理记录');
      for (const step of ['整改完成（demo-handler）', '整改核查（demo-supervisor）']) {
        assert.ok(history.some((s) => s.includes(step)), `办理记录 lists ${step}:\n${history.join('\n')}`);
      }
    });

    const context = await newContext(env.browser, { server: env.server });
    try {
      const page = await context.newPage();
      await ly.lookUp(page, trackingCode, ly.WRITER.secret);
      const rated = await page.getByRole('region', { name: '您的评价' }).innerText();
      assert.match(rated, /承办单位已于 \d{4}-\d{2}-\d{2} 完成整改，政务公开办已于 \d{4}-\d{2}-\d{2} 核查/);
      assert.ok(rated.includes(outcome), `the writer reads the outcome:\n${rated}`);

      // The public page: the exchange and the outcome, the writer's name and phone masked.
      await page.goto('/hudong/');
      const link = page.getByRole('region', { name: '留言选登' }).getByRole('link', { name: title, exact: true });
      assert.equal(await link.getAttribute('href'), shared.publicPath, '留言选登 lists the exchange');
      await follow(page, link, shared.publicPath);
      await page.getByRole('heading', { level: 1, name: title }).waitFor();
      const facts = await ly.facts(page);
      assert.equal(facts['留言人'], '某某');
      assert.equal(facts['留言对象'], '县长信箱');
      assert.equal(facts['答复单位'], ly.OFFICE.name);
      assert.equal(facts['留言人评价'], '不满意');
      const message = await page.getByRole('region', { name: '留言内容' }).innerText();
      assert.ok(message.includes(`居民某某，电话${ly.maskedPhone(phone)}`), `masked in the text:\n${message}`);
      const answer = await page.getByRole('region', { name: '答复内容' }).innerText();
      assert.ok(answer.includes('您反映的城西社区幸福路路灯损坏问题已转县住建局'), `the reply:\n${answer}`);
      const rectified = await page.getByRole('region', { name: '整改情况' }).innerText();
      assert.ok(rectified.includes(outcome), `整改情况 shows the outcome:\n${rectified}`);
      const main = await page.locator('main').innerText();
      for (const secret of [ly.WRITER.name, phone, ly.WRITER.email]) {
        assert.ok(!main.includes(secret), `the public page does not show ${secret}`);
      }
      shared.published = true;
    } finally {
      await context.close();
    }
  });

  it('the public page keeps the date in the reply (a date is not a phone number)', async () => {
    assert.ok(shared.published, 'the exchange was published and rectified');
    const context = await newContext(env.browser, { server: env.server });
    try {
      const page = await context.newPage();
      await page.goto(shared.publicPath);
      const answer = await page.getByRole('region', { name: '答复内容' }).innerText();
      assert.ok(answer.includes(`路灯将于${shared.staff.repairBy}前修复`), `the reply's date ${shared.staff.repairBy} is shown as written:\n${answer}`);
    } finally {
      await context.close();
    }
  });

  it('the rating form on a demo reply: 不满意 with a comment → 整改期限; no second rating', async () => {
    const context = await newContext(env.browser, { server: env.server });
    try {
      const page = await context.newPage();
      const m = await ly.demoMessage(page, ly.DEMO_REPLIED.journey);
      assert.equal((await ly.lookUp(page, m.trackingCode, m.secret)).status(), 200);
      const facts = await ly.facts(page);
      assert.equal(facts['标题'], ly.DEMO_REPLIED.journey);
      assert.equal(facts['当前状态'], '已答复');
      // Sending the form without a choice: 400, the error tied to the group.
      const empty = await ysq.submit(page, '提交评价');
      assert.equal(empty.status(), 400);
      assert.match(await page.getByRole('alert').innerText(), /请选择评价等级/);
      const group = page.getByRole('group', { name: /您对答复是否满意/ });
      assert.match((await description(group)).text, /请选择评价等级/, 'the error describes the radio group');
      await rateUnsatisfied(page, m.trackingCode, m.secret, '答复只说已公开，没有告诉我如何注册。');
    } finally {
      await context.close();
    }
  });
});

describe('政民互动 with JavaScript disabled', () => {
  it('the context really runs no page script', async () => {
    const context = await newContext(env.browser, { server: env.server, javaScriptEnabled: false });
    try {
      const page = await context.newPage();
      await page.setContent('<title>before</title><script>document.title = "script ran"</script>');
      assert.equal(await page.title(), 'before');
    } finally {
      await context.close();
    }
  });

  it('the message form and the tracking lookup work', async () => {
    const context = await newContext(env.browser, { server: env.server, javaScriptEnabled: false });
    try {
      const page = await context.newPage();
      await page.goto('/hudong/');
      await follow(page, page.getByRole('main').getByRole('link', { name: '我要写信' }), '/hudong/write');
      // A mistake first: the server answers the form again with the errors.
      const content = ly.uniqueContent('请问县城冬季清雪由哪个部门负责？小区门口积雪多日无人清理。');
      await ly.fillWriteForm(page, {
        to: ly.OFFICE.code, title: '小区门口积雪无人清理（无脚本）', content, phone: ly.uniquePhone(), secretAgain: 'not-the-same',
      });
      assert.equal((await ysq.submit(page, '提交留言')).status(), 400);
      assert.match(await page.getByRole('main').innerText(), /两次输入的查询密码不一致/);
      assert.equal(await page.getByLabel('留言内容').inputValue(), content, 'kept after the error');
      await page.getByLabel('设置查询密码').fill(ly.WRITER.secret);
      await page.getByLabel('再次输入查询密码').fill(ly.WRITER.secret);
      const resp = await ysq.submit(page, '提交留言');
      assert.equal(resp.status(), 201, await page.locator('main').innerText());
      const r = await ysq.receipt(page);
      assert.match(r.trackingCode, /^LY/);
      assert.equal(r.facts['留言对象'], ly.OFFICE.name);

      await follow(page, page.getByRole('main').getByRole('link', { name: '留言查询' }), '/hudong/status');
      await page.getByLabel('查询码').fill(r.trackingCode);
      await page.getByLabel('查询密码').fill('wrong-secret');
      assert.equal((await ysq.submit(page, '查询')).status(), 404);
      assert.equal(await page.getByLabel('查询码').inputValue(), r.trackingCode);
      await page.getByLabel('查询密码').fill(ly.WRITER.secret);
      assert.equal((await ysq.submit(page, '查询')).status(), 200);
      const facts = await ly.facts(page);
      assert.equal(facts['查询码'], r.trackingCode);
      assert.equal(facts['当前状态'], '待受理');
      assert.equal(facts['留言对象'], ly.OFFICE.name);
    } finally {
      await context.close();
    }
  });
});
