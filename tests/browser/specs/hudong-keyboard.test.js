'use strict';
// Writing a message and looking it up keyboard-only, in both modes: Tab to move, arrow keys in the
// select and the radio group, Space on the file field, the check box and a button, Enter on links
// and buttons, typing into fields. Home → 政民互动 (main navigation) → skip link → 我要写信 → 留言对象
// with ArrowDown (乌恰县人民政府办公室) → 留言类型: the checked 咨询, ArrowRight checks 建议 → 标题,
// 留言内容 → the photo chosen with Space on the file field → 姓名, 联系电话, 电子邮箱 → Space ticks
// 同意公开 → both passwords → 提交留言 (Enter) → the receipt → 留言查询 → code and password → 查询
// (Space) → 待受理, with what was chosen. Rating a reply the same way: home → 政民互动 → skip link →
// 留言查询和评价 → the code and password of an answered demo message (demo-chaxun) → 查询 (Space) →
// Tab to the rating group, Space checks 非常满意, ArrowDown moves on (满意 in normal mode, 不满意 in
// care mode) → the comment → 提交评价 (Enter) → 您的评价 with what was chosen, no second rating form.
// Every element focused on the way must show a focus indicator and be on screen.
const { describe, it } = require('node:test');
const assert = require('node:assert/strict');
const { useSuite } = require('../lib/suite');
const { newContext } = require('../lib/browser');
const { MODES, pathOf } = require('../lib/site');
const { focused, tabTo, describeFocus, pressAndNavigate, typeInto } = require('../lib/keyboard');
const ysq = require('../lib/applications');
const ly = require('../lib/messages');

const env = useSuite();

for (const mode of MODES) {
  describe(`政民互动 keyboard only, ${mode} mode`, () => {
    it('write a message through the whole form and look it up, without a mouse', async () => {
      const context = await newContext(env.browser, { server: env.server, care: mode === 'care' });
      const problems = [];
      const W = ly.WRITER;
      const phone = ly.uniquePhone();
      const title = `${mode === 'care' ? '关怀版' : '标准版'}键盘留言：建议延长县图书馆开放时间`;
      const content = ly.uniqueContent('县图书馆晚上六点闭馆，上班族下班后无法借书，建议工作日延长到晚上九点。');
      try {
        const page = await context.newPage();
        // Listening early turns on Playwright's file chooser interception well before Space is
        // pressed on the file field (switching it on races with the key press otherwise).
        const chooserOpened = new Promise((resolve) => { page.once('filechooser', resolve); });
        await page.goto('/');
        // The main navigation, from the top of the page.
        await tabTo(page, (f) => f.tag === 'a' && f.text === '政民互动', { problems, max: 12 });
        await pressAndNavigate(page, 'Enter');
        assert.equal(pathOf(page), '/hudong/');

        // Skip link → <main> → 我要写信.
        await page.keyboard.press('Tab');
        assert.equal((await focused(page)).text, '跳到主要内容');
        await page.keyboard.press('Enter');
        assert.equal((await focused(page)).tag, 'main');
        await tabTo(page, (f) => f.tag === 'a' && f.text === '我要写信', { problems, max: 5 });
        await pressAndNavigate(page, 'Enter');
        assert.equal(pathOf(page), '/hudong/write');

        // 留言对象: the closed select changes with the arrow keys (县长信箱 → 乌恰县人民政府办公室).
        const to = await tabTo(page, (f) => f.tag === 'select', { problems, max: 30 });
        assert.equal(to.label, '留言对象', `the first field: ${describeFocus(to)}`);
        await page.keyboard.press('ArrowDown');
        assert.equal(await page.locator('#f-to').inputValue(), ly.OFFICE.code, 'ArrowDown picks 乌恰县人民政府办公室');

        // 留言类型: Tab lands on the checked 咨询; ArrowRight moves to and checks 建议.
        const kind = await tabTo(page, (f) => f.type === 'radio', { problems, max: 1 });
        assert.equal(kind.label, '咨询', `the checked kind: ${describeFocus(kind)}`);
        await page.keyboard.press('ArrowRight');
        const suggest = await focused(page);
        assert.equal(suggest.label, '建议');
        assert.equal(suggest.checked, true, 'ArrowRight checks 建议');

        await typeInto(page, '标题', title, problems, 1);
        await typeInto(page, '留言内容', content, problems, 1);

        // 附件: Space on the file field opens the chooser (the test picks the file in it).
        const fileField = await tabTo(page, (f) => f.label === '附件（可选）', { problems, max: 1 });
        assert.equal(fileField.type, 'file', describeFocus(fileField));
        await page.keyboard.press('Space');
        let timer;
        const chooser = await Promise.race([
          chooserOpened,
          new Promise((_, reject) => { timer = setTimeout(() => reject(new Error('Space on the file field opened no file chooser')), 10_000); }),
        ]).finally(() => clearTimeout(timer));
        await chooser.setFiles(ly.photo(`图书馆-${mode}.png`));
        assert.equal(await page.locator('#f-attachment').evaluate((el) => el.files.length), 1);

        await typeInto(page, '姓名', W.name, problems, 1);
        await typeInto(page, '联系电话', phone, problems, 1);
        await typeInto(page, '电子邮箱', W.email, problems, 1);

        // 同意公开: a check box, ticked with Space.
        const consent = await tabTo(page, (f) => f.type === 'checkbox', { problems, max: 1 });
        assert.match(consent.label, /^同意在“留言选登”中公开/, describeFocus(consent));
        assert.equal(consent.checked, false, 'not ticked as served');
        await page.keyboard.press('Space');
        assert.equal((await focused(page)).checked, true, 'Space ticks it');

        await typeInto(page, '设置查询密码', W.secret, problems, 1);
        await typeInto(page, '再次输入查询密码', W.secret, problems, 1);
        const send = await tabTo(page, (f) => f.tag === 'button', { problems, max: 1 });
        assert.equal(send.text, '提交留言');
        const resp = await pressAndNavigate(page, 'Enter');
        assert.equal(resp.status(), 201, `Enter on 提交留言:\n${await page.locator('main').innerText()}`);
        const r = await ysq.receipt(page);
        assert.match(r.trackingCode, /^LY/, 'the receipt shows a 查询码');
        assert.equal(r.facts['留言对象'], ly.OFFICE.name);
        assert.match(r.dueOn, /（7 个工作日）$/, `答复期限 ${r.dueOn} (建议: 7 working days)`);

        // The receipt's link to the lookup; the code and password typed in; Space on 查询.
        await tabTo(page, (f) => f.tag === 'a' && f.text === '留言查询' && f.href === '/hudong/status', { problems });
        await pressAndNavigate(page, 'Enter');
        assert.equal(pathOf(page), '/hudong/status');
        await typeInto(page, '查询码', r.trackingCode, problems, 30);
        await typeInto(page, '查询密码', W.secret, problems, 1);
        assert.equal((await tabTo(page, (f) => f.tag === 'button', { problems, max: 1 })).text, '查询');
        const found = await pressAndNavigate(page, 'Space');
        assert.equal(found.status(), 200);
        const facts = await ly.facts(page);
        assert.equal(facts['查询码'], r.trackingCode);
        assert.equal(facts['当前状态'], '待受理');
        assert.equal(facts['标题'], title);
        assert.equal(facts['留言类型'], '建议', 'the kind chosen with the arrow key');
        assert.equal(facts['留言对象'], ly.OFFICE.name, 'the organisation chosen with the arrow key');
        assert.ok((await page.getByRole('region', { name: '留言内容' }).innerText()).includes(content), 'the typed text');
        assert.deepEqual(problems, [], `focus problems:\n${problems.join('\n')}`);
      } finally {
        await context.close();
      }
    });

    it('look up an answered message and rate the reply, without a mouse', async () => {
      const title = ly.DEMO_REPLIED.keyboard[mode];
      // Normal mode: 满意 (one ArrowDown); care mode: 不满意 (three), which opens a rectification.
      const [rating, downs] = mode === 'care' ? ['不满意', 3] : ['满意', 1];
      const comment = mode === 'care' ? '答复只说会转交，没有说明何时处理。' : '答复及时，说明清楚。';
      const context = await newContext(env.browser, { server: env.server, care: mode === 'care' });
      const problems = [];
      try {
        const page = await context.newPage();
        const m = await ly.demoMessage(page, title);
        await page.goto('/');
        await tabTo(page, (f) => f.tag === 'a' && f.text === '政民互动', { problems, max: 12 });
        await pressAndNavigate(page, 'Enter');
        assert.equal(pathOf(page), '/hudong/');
        await page.keyboard.press('Tab');
        assert.equal((await focused(page)).text, '跳到主要内容');
        await page.keyboard.press('Enter');
        await tabTo(page, (f) => f.tag === 'a' && f.text === '留言查询和评价', { problems, max: 6 });
        await pressAndNavigate(page, 'Enter');
        assert.equal(pathOf(page), '/hudong/status');

        await typeInto(page, '查询码', m.trackingCode, problems, 30);
        await typeInto(page, '查询密码', m.secret, problems, 1);
        assert.equal((await tabTo(page, (f) => f.tag === 'button', { problems, max: 1 })).text, '查询');
        const found = await pressAndNavigate(page, 'Space');
        assert.equal(found.status(), 200);
        const before = await ly.facts(page);
        assert.equal(before['标题'], title);
        assert.equal(before['当前状态'], '已答复');

        // The rating group: nothing checked, so Tab lands on the first radio; Space checks it and
        // ArrowDown moves the choice on.
        const first = await tabTo(page, (f) => f.type === 'radio', { problems, max: 60 });
        assert.equal(first.label, '非常满意', describeFocus(first));
        assert.equal(first.checked, false, 'no rating chosen as served');
        await page.keyboard.press('Space');
        assert.equal((await focused(page)).checked, true, 'Space checks 非常满意');
        for (let i = 0; i < downs; i += 1) await page.keyboard.press('ArrowDown');
        const chosen = await focused(page);
        assert.equal(chosen.label, rating, describeFocus(chosen));
        assert.equal(chosen.checked, true, `ArrowDown checks ${rating}`);

        // Tab leaves the group for the comment, then the button.
        await typeInto(page, '评价意见（可选）', comment, problems, 1);
        assert.equal((await tabTo(page, (f) => f.tag === 'button', { problems, max: 1 })).text, '提交评价');
        const rated = await pressAndNavigate(page, 'Enter');
        assert.equal(rated.status(), 200, `Enter on 提交评价:\n${await page.locator('main').innerText()}`);
        const yours = await page.getByRole('region', { name: '您的评价' }).innerText();
        assert.ok(yours.includes(`${rating}：${comment}`), `您的评价 shows the rating and comment:\n${yours}`);
        if (mode === 'care') assert.match(yours, /整改期限为 \d{4}-\d{2}-\d{2}/, 'a bad rating opens a rectification');
        assert.equal(await page.getByRole('region', { name: '评价答复' }).count(), 0, 'no second rating form');
        assert.deepEqual(problems, [], `focus problems:\n${problems.join('\n')}`);
      } finally {
        await context.close();
      }
    });
  });
}
