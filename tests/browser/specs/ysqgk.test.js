'use strict';
// Disclosure on application (依申请公开), end to end in the browser.
// Citizen: home → 依申请公开 → 填写申请 → the form (with a proof PDF) → the receipt (查询码, 收到日期, 答复期限) →
// 办理进度查询 with the code and secret → 已收到. A wrong secret: status 404, the error tied to
// both fields, the typed code kept. Staff: demo-handler signs in through the form, opens the
// application from the queue (the proof downloads), 登记, 补正告知 with a reason, 登记收到补正, 答复 予以公开; the
// citizen's status page then says 已答复 with both letters, and a letter's PDF downloads.
// With JavaScript off: the form and the lookup work.
const { describe, it } = require('node:test');
const assert = require('node:assert/strict');
const { useSuite } = require('../lib/suite');
const { newContext } = require('../lib/browser');
const { DEMO_PASSWORD } = require('../lib/server');
const { externalRequests, pathOf } = require('../lib/site');
const ysq = require('../lib/applications');
const { attachmentName } = require('../lib/records');

const env = useSuite();

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

/** What the two shared journeys leave behind for the later tests. */
const shared = {};

describe('依申请公开: citizen', () => {
  it('applies through the form, gets a receipt, and looks up the status (已收到)', async () => {
    const context = await newContext(env.browser, { server: env.server });
    try {
      const page = await context.newPage();
      await page.goto('/');
      await follow(page, page.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '依申请公开' }), '/ysqgk/');
      await page.getByRole('heading', { level: 1, name: '依申请公开' }).waitFor();
      await follow(page, page.getByRole('link', { name: '填写申请' }), '/ysqgk/apply');

      const description = ysq.uniqueDescription('城乡居民最低生活保障标准调整文件');
      const proof = ysq.proofPdf();
      await ysq.fillApplyForm(page, { description, docHint: '乌政办发〔2026〕8号', proof: [proof] });
      const resp = await ysq.submit(page, '提交申请');
      assert.equal(resp.status(), 201, `the receipt answers 201:\n${await page.locator('main').innerText()}`);
      await page.getByRole('heading', { level: 1, name: '申请已收到' }).waitFor();
      const r = await ysq.receipt(page);
      assert.match(r.trackingCode, /^[A-Z0-9]{6,}$/, `查询码 ${r.trackingCode}`);
      assert.match(r.receivedOn, /^\d{4}-\d{2}-\d{2}$/, `收到日期 ${r.receivedOn}`);
      assert.match(r.dueOn, /^\d{4}-\d{2}-\d{2}(（暂定）)?（20 个工作日/, `答复期限 ${r.dueOn}`);
      assert.ok(r.dueOn.slice(0, 10) > r.receivedOn, 'the due date is after the day received');
      assert.equal(r.facts['受理机关'], ysq.ORG.name);
      // Nothing personal on the receipt.
      const receiptText = await page.locator('main').innerText();
      for (const secret of [ysq.APPLICANT.idNumber, ysq.APPLICANT.phone, ysq.APPLICANT.secret]) {
        assert.ok(!receiptText.includes(secret), `the receipt does not show ${secret}`);
      }

      // The receipt links the status lookup.
      await follow(page, page.getByRole('main').getByRole('link', { name: '办理进度查询' }), '/ysqgk/status');
      await page.getByLabel('查询码').fill(r.trackingCode);
      await page.getByLabel('查询密码').fill(ysq.APPLICANT.secret);
      const found = await ysq.submit(page, '查询');
      assert.equal(found.status(), 200);
      await page.getByRole('heading', { level: 1, name: '办理进度' }).waitFor();
      const facts = await ysq.statusFacts(page);
      assert.equal(facts['查询码'], r.trackingCode);
      assert.equal(facts['当前状态'], '已收到');
      assert.equal(facts['受理机关'], ysq.ORG.name);
      assert.equal(facts['收到日期'], r.receivedOn);
      assert.equal(facts['答复期限'].slice(0, 10), r.dueOn.slice(0, 10));
      assert.equal(facts['申请内容'], description);
      const statusText = await page.locator('main').innerText();
      assert.ok(!statusText.includes(ysq.APPLICANT.idNumber) && !statusText.includes(ysq.APPLICANT.name),
        'the status page shows no personal data');

      // The session lasts: opening the lookup again shows the status, not the form.
      await page.goto('/ysqgk/status');
      assert.equal((await ysq.statusFacts(page))['查询码'], r.trackingCode);
      assert.deepEqual(externalRequests(context.requests, env.server.origin), []);
      shared.citizen = { trackingCode: r.trackingCode, description, proof };
    } finally {
      await context.close();
    }
  });

  it('a wrong secret: 404, 查询码或查询密码不正确 tied to both fields, the code kept', async () => {
    assert.ok(shared.citizen, 'the previous test applied');
    const context = await newContext(env.browser, { server: env.server });
    try {
      const page = await context.newPage();
      const resp = await ysq.lookUp(page, shared.citizen.trackingCode, 'wrong-secret-1');
      assert.equal(resp.status(), 404);
      assert.equal(pathOf(page), '/ysqgk/status');
      const alert = page.getByRole('alert');
      assert.match(await alert.innerText(), /查询码或查询密码不正确/);
      const alertId = await alert.getAttribute('id');
      assert.ok(alertId, 'the error has an id to point at');
      for (const label of ['查询码', '查询密码']) {
        const field = page.getByLabel(label);
        const d = await description(field);
        assert.ok(d.ids.includes(alertId), `${label}: aria-describedby="${d.ids.join(' ')}" includes ${alertId}`);
        assert.match(d.text, /查询码或查询密码不正确/, `${label} is described by the message`);
        assert.equal(await field.getAttribute('aria-invalid'), 'true', `${label} is aria-invalid`);
      }
      assert.equal(await page.getByLabel('查询码').inputValue(), shared.citizen.trackingCode, 'the typed code is kept');
      assert.equal(await page.getByLabel('查询密码').inputValue(), '', 'the secret is not echoed back');
      assert.equal(await page.locator('dl.facts').count(), 0, 'no status is shown');

      // An unknown code gets exactly the same answer (no hint which part was wrong).
      const unknown = await ysq.lookUp(page, 'NOSUCHCODE1', ysq.APPLICANT.secret);
      assert.equal(unknown.status(), 404);
      assert.match(await page.getByRole('alert').innerText(), /查询码或查询密码不正确/);

      // The right pair still works afterwards.
      await page.getByLabel('查询码').fill(shared.citizen.trackingCode);
      await page.getByLabel('查询密码').fill(ysq.APPLICANT.secret);
      assert.equal((await ysq.submit(page, '查询')).status(), 200);
      assert.equal((await ysq.statusFacts(page))['当前状态'], '已收到');
    } finally {
      await context.close();
    }
  });

  it('the form sent with mistakes: 400, every error tied to its field, what was typed kept', async () => {
    const context = await newContext(env.browser, { server: env.server });
    try {
      const page = await context.newPage();
      await page.goto('/ysqgk/apply');
      await ysq.fillApplyForm(page, {
        description: '文件', idNumber: '110105194912310021', secretAgain: 'something-else', proof: [ysq.BAD_PROOF],
      });
      const resp = await ysq.submit(page, '提交申请');
      assert.equal(resp.status(), 400);
      assert.match(await page.getByRole('main').innerText(), /申请尚未提交/);
      assert.deepEqual(await ysq.errorsTiedToFields(page), []);
      for (const [label, message] of [
        ['身份证号码（自然人填写）', /身份证|校验/],
        ['所需政府信息的内容描述', /至少 5 个字/],
        ['再次输入查询密码', /不一致/],
        ['身份证明（可选）', /./],
      ]) {
        const field = page.getByLabel(label);
        assert.equal(await field.getAttribute('aria-invalid'), 'true', `${label} is aria-invalid`);
        assert.match((await description(field)).text, message, `${label} is described by its error`);
      }
      assert.equal(await page.getByLabel('姓名或名称').inputValue(), ysq.APPLICANT.name, 'the name is kept');
      assert.equal(await page.getByLabel('向哪个机关申请').inputValue(), ysq.ORG.code, 'the organisation is kept');
      assert.equal(await page.getByLabel('设置查询密码').inputValue(), '', 'the secret is not echoed back');
    } finally {
      await context.close();
    }
  });
});

describe('依申请公开: staff handle the application, the citizen sees the answer', () => {
  it('demo-handler: queue → application → 登记 → 补正告知 → 收到补正 → 答复 予以公开', async () => {
    assert.ok(shared.citizen, 'the citizen applied in the first test');
    const { trackingCode, description: wanted } = shared.citizen;
    const context = await newContext(env.browser, { server: env.server });
    try {
      const page = await context.newPage();
      await page.goto('/admin/login');
      await page.getByLabel('用户名').fill(ysq.HANDLER);
      await page.getByLabel('密码').fill(DEMO_PASSWORD);
      await ysq.submit(page, '登录');
      assert.equal(pathOf(page), '/admin');

      // The queue, from the back-office navigation: the application with a masked ID number.
      await follow(page, page.getByRole('navigation', { name: '管理后台导航' }).getByRole('link', { name: '依申请公开' }), '/admin/applications');
      const table = page.getByRole('table', { name: /申请/ });
      const row = table.getByRole('row').filter({ hasText: trackingCode });
      assert.equal(await row.count(), 1, 'the queue lists the new application');
      const rowText = await row.innerText();
      assert.match(rowText, /已收到/);
      assert.ok(rowText.includes(ysq.APPLICANT.idMasked), `the ID number is masked: ${rowText}`);
      assert.ok(!(await table.innerText()).includes(ysq.APPLICANT.idNumber), 'no full ID number in the queue');
      // The queue is sorted by due date, overdue ones marked.
      assert.match(await table.innerText(), /已超期/);
      const dues = (await table.locator('tbody tr td:nth-child(7)').allInnerTexts())
        .map((t) => (t.match(/\d{4}-\d{2}-\d{2}/) || [])[0]).filter(Boolean);
      assert.deepEqual(dues, [...dues].sort(), `queue by due date: ${dues.join(', ')}`);

      const href = await row.getByRole('link', { name: trackingCode, exact: true }).getAttribute('href');
      await follow(page, row.getByRole('link', { name: trackingCode, exact: true }), href);
      const adminPath = pathOf(page);
      await page.getByRole('heading', { level: 1, name: `申请 ${trackingCode}` }).waitFor();
      assert.equal(await ysq.staffStatus(page), '已收到');
      const main = await page.locator('main').innerText();
      assert.ok(main.includes(wanted), 'the detail page shows the request');
      assert.ok(main.includes(ysq.APPLICANT.idNumber), 'staff see the full ID number on the detail page');
      assert.match(main, /期限是如何计算的/);

      // The proof of identity the citizen attached: listed, and it downloads as sent.
      const proofLink = page.getByRole('main').getByRole('link', { name: shared.citizen.proof.name });
      assert.equal(await proofLink.count(), 1, `身份证明 lists ${shared.citizen.proof.name}`);
      const proofResp = await page.request.get(await proofLink.getAttribute('href'));
      assert.equal(proofResp.status(), 200);
      assert.equal(proofResp.headers()['content-type'], 'application/pdf');
      assert.equal(attachmentName(proofResp.headers()['content-disposition']), shared.citizen.proof.name);
      assert.deepEqual(await proofResp.body(), shared.citizen.proof.buffer);

      await ysq.register(page);
      assert.equal(pathOf(page), adminPath);
      const explanation = await page.getByRole('region', { name: '期限是如何计算的' }).innerText();
      assert.ok(explanation.split('\n').length > 1, `the due date is explained:\n${explanation}`);

      // The event forms are folded away until opened.
      const correction = page.locator('details').filter({ hasText: '补正告知' });
      assert.equal(await correction.evaluate((d) => d.open), false);
      const reason = '请补充所需信息的文号或者成文时间，以便查找。';
      await ysq.requestCorrection(page, reason);
      await ysq.correctionReceived(page);
      await ysq.reply(page, '予以公开');
      const done = await page.locator('main').innerText();
      assert.match(done, /（一）予以公开/);
      const history = await page.getByRole('region', { name: '办理记录' }).innerText();
      for (const step of ['登记', '补正告知', '收到补正', '答复']) assert.ok(history.includes(step), `办理记录 lists ${step}:\n${history}`);
      const letters = page.getByRole('region', { name: '文书' });
      assert.equal(await letters.getByRole('article').count(), 2, 'two letters: the correction notice and the reply');
      assert.ok((await letters.innerText()).includes(reason), 'the correction notice carries the reason');
      assert.equal(await page.locator('main form[action$="/events"]').count(), 0, 'no event forms once answered');

      // The queue no longer marks it as open work.
      await page.goto('/admin/applications');
      const after = page.getByRole('table', { name: /申请/ }).getByRole('row').filter({ hasText: trackingCode });
      if (await after.count()) assert.match(await after.innerText(), /已答复/);
      shared.staff = { adminPath };
    } finally {
      await context.close();
    }
  });

  it('the citizen sees 已答复 and the two letters; a letter PDF downloads (200, application/pdf)', async () => {
    assert.ok(shared.staff, 'the staff journey answered the application');
    const { trackingCode } = shared.citizen;
    const context = await newContext(env.browser, { server: env.server });
    try {
      const page = await context.newPage();
      await ysq.lookUp(page, trackingCode, ysq.APPLICANT.secret);
      const facts = await ysq.statusFacts(page);
      assert.match(facts['当前状态'], /^已答复：（一）予以公开/);
      const steps = await page.getByRole('region', { name: '办理过程' }).getByRole('listitem').allInnerTexts();
      for (const step of ['登记', '补正告知', '收到补正', '答复']) {
        assert.ok(steps.some((s) => s.endsWith(step)), `办理过程 lists ${step}: ${steps.join(' / ')}`);
      }
      const letters = page.getByRole('region', { name: '告知书和答复书' });
      const titles = await letters.getByRole('heading', { level: 3 }).allInnerTexts();
      assert.deepEqual([...titles].sort(), ['政府信息公开申请答复书', '政府信息公开申请补正告知书'].sort(), `letters: ${titles.join(', ')}`);
      const body = await letters.innerText();
      assert.match(body, /行政复议|行政诉讼/, 'the reply states the rights of review and litigation');

      // The reply letter's PDF: a real download, and the response behind it.
      const link = letters.getByRole('link', { name: /^下载 PDF\s*：政府信息公开申请答复书$/ });
      const href = await link.getAttribute('href');
      assert.match(href, /^\/ysqgk\/letters\/\d+\.pdf$/);
      const seen = [];
      page.on('response', (r) => { if (new URL(r.url()).pathname === href) seen.push(r); });
      const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
      assert.match(download.suggestedFilename(), new RegExp(`^${trackingCode}-\\d+\\.pdf$`));
      const saved = require('node:fs').readFileSync(await download.path());
      assert.equal(saved.subarray(0, 5).toString('latin1'), '%PDF-', 'the download is a PDF');
      if (seen.length) {
        assert.equal(seen[0].status(), 200, 'the browser got status 200');
        assert.equal((await seen[0].allHeaders())['content-type'], 'application/pdf');
      }
      const resp = await page.request.get(href);
      assert.equal(resp.status(), 200);
      assert.equal(resp.headers()['content-type'], 'application/pdf');
      assert.match(resp.headers()['content-disposition'] || '', /^attachment/);
      assert.equal((await resp.body()).subarray(0, 5).toString('latin1'), '%PDF-');

      // Without the applicant's session the letter is not there for anyone.
      const stranger = await newContext(env.browser, { server: env.server });
      try {
        const other = await stranger.request.get(href);
        assert.equal(other.status(), 404, 'a letter needs the applicant session');
      } finally {
        await stranger.close();
      }
      assert.deepEqual(externalRequests(context.requests, env.server.origin), []);
    } finally {
      await context.close();
    }
  });
});

describe('依申请公开 with JavaScript disabled', () => {
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

  it('the application form and the status lookup work', async () => {
    const context = await newContext(env.browser, { server: env.server, javaScriptEnabled: false });
    try {
      const page = await context.newPage();
      await page.goto('/ysqgk/');
      await follow(page, page.getByRole('link', { name: '填写申请' }), '/ysqgk/apply');
      // A mistake first: the server answers the form again with the errors.
      const description = ysq.uniqueDescription('乡村振兴衔接资金项目库（无脚本）');
      await ysq.fillApplyForm(page, { description, secretAgain: 'not-the-same' });
      assert.equal((await ysq.submit(page, '提交申请')).status(), 400);
      assert.match(await page.getByRole('main').innerText(), /两次输入的查询密码不一致/);
      await page.getByLabel('设置查询密码').fill(ysq.APPLICANT.secret);
      await page.getByLabel('再次输入查询密码').fill(ysq.APPLICANT.secret);
      assert.equal(await page.getByLabel('所需政府信息的内容描述').inputValue(), description, 'kept after the error');
      const resp = await ysq.submit(page, '提交申请');
      assert.equal(resp.status(), 201);
      const r = await ysq.receipt(page);
      assert.ok(r.trackingCode);

      await follow(page, page.getByRole('main').getByRole('link', { name: '办理进度查询' }), '/ysqgk/status');
      await page.getByLabel('查询码').fill(r.trackingCode);
      await page.getByLabel('查询密码').fill('wrong-secret');
      assert.equal((await ysq.submit(page, '查询')).status(), 404);
      assert.equal(await page.getByLabel('查询码').inputValue(), r.trackingCode);
      await page.getByLabel('查询密码').fill(ysq.APPLICANT.secret);
      assert.equal((await ysq.submit(page, '查询')).status(), 200);
      const facts = await ysq.statusFacts(page);
      assert.equal(facts['查询码'], r.trackingCode);
      assert.equal(facts['当前状态'], '已收到');
      assert.equal(facts['申请内容'], description);
    } finally {
      await context.close();
    }
  });
});
