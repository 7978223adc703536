'use strict';
// Applying for information and looking up its status keyboard-only, in both modes: Tab to move,
// arrow keys in the select and the radio groups, Space on radio buttons and buttons, Enter on links
// and buttons, typing into fields. Home → 依申请公开 (main navigation) → skip link → 填写申请 → the
// whole form (the proof file chosen with Space on the file field) → 提交申请 → the receipt → 办理进度查询 → code and secret → 查询 → 已收到.
// Every element focused on the way must show a focus indicator and be on screen.
const { describe, it } = require('node:test');
const assert = require('node:assert/strict');
const { useSuite } = require('../lib/suite');
const { newContext } = require('../lib/browser');
const { MODES, pathOf } = require('../lib/site');
const { focused, tabTo, describeFocus, pressAndNavigate, typeInto } = require('../lib/keyboard');
const ysq = require('../lib/applications');

const env = useSuite();

for (const mode of MODES) {
  describe(`依申请公开 keyboard only, ${mode} mode`, () => {
    it('apply through the whole form and look up the status, without a mouse', async () => {
      const context = await newContext(env.browser, { server: env.server, care: mode === 'care' });
      const problems = [];
      const A = ysq.APPLICANT;
      const description = ysq.uniqueDescription(`${mode === 'care' ? '关怀版' : '标准版'}下用键盘申请的政府采购项目目录`);
      try {
        const page = await context.newPage();
        // Listening early turns on Playwright's file chooser interception well before Space is
        // pressed on the file field (switching it on races with the key press otherwise).
        const chooserOpened = new Promise((resolve) => { page.once('filechooser', resolve); });
        await page.goto('/');
        // The main navigation, from the top of the page.
        await tabTo(page, (f) => f.tag === 'a' && f.text === '依申请公开', { problems, max: 10 });
        await pressAndNavigate(page, 'Enter');
        assert.equal(pathOf(page), '/ysqgk/');

        // Skip link → <main> → 填写申请.
        await page.keyboard.press('Tab');
        assert.equal((await focused(page)).text, '跳到主要内容');
        await page.keyboard.press('Enter');
        assert.equal((await focused(page)).tag, 'main');
        await tabTo(page, (f) => f.tag === 'a' && f.text === '填写申请', { problems, max: 5 });
        await pressAndNavigate(page, 'Enter');
        assert.equal(pathOf(page), '/ysqgk/apply');

        // 受理机关: the closed select changes with the arrow keys (请选择 → 乌恰县人民政府 → 办公室).
        const org = await tabTo(page, (f) => f.tag === 'select', { problems, max: 30 });
        assert.equal(org.label, '向哪个机关申请', `the first field: ${describeFocus(org)}`);
        await page.keyboard.press('ArrowDown');
        await page.keyboard.press('ArrowDown');
        assert.equal(await page.locator('#f-org').inputValue(), ysq.ORG.code, 'ArrowDown twice picks 乌恰县人民政府办公室');

        // 申请人类型: Tab lands on the checked radio button; Space keeps 自然人.
        const kind = await tabTo(page, (f) => f.type === 'radio', { problems, max: 1 });
        assert.equal(kind.label, '自然人', `the checked applicant kind: ${describeFocus(kind)}`);
        await page.keyboard.press('Space');
        assert.equal((await focused(page)).checked, true);

        await typeInto(page, '姓名或名称', A.name, problems, 1);
        await typeInto(page, '身份证号码（自然人填写）', A.idNumber, problems, 1);
        await typeInto(page, '联系电话', A.phone, problems, 3); // past 统一社会信用代码, 联系人
        await typeInto(page, '电子邮箱', A.email, problems, 1);
        await typeInto(page, '通讯地址', A.address, problems, 1);
        await typeInto(page, '邮政编码', A.postcode, problems, 1);
        await typeInto(page, '所需政府信息的内容描述', description, problems, 1);

        // 获取信息的方式: Tab to the checked 电子邮件, ArrowRight moves to and checks 网站下载.
        const delivery = await tabTo(page, (f) => f.type === 'radio', { problems, max: 2 });
        assert.equal(delivery.label, '电子邮件', `the checked delivery: ${describeFocus(delivery)}`);
        await page.keyboard.press('ArrowRight');
        const download = await focused(page);
        assert.equal(download.label, '网站下载');
        assert.equal(download.checked, true, 'ArrowRight checks 网站下载');

        // 身份证明: Space on the file field opens the chooser (the test picks the file in it).
        const fileField = await tabTo(page, (f) => f.label === '身份证明（可选）', { problems, max: 1 });
        assert.equal(fileField.type, 'file', describeFocus(fileField));
        const proof = ysq.proofPdf(`身份证-${mode}.pdf`);
        await page.keyboard.press('Space');
        let timer;
        const chooser = await Promise.race([
          chooserOpened,
          new Promise((_, reject) => { timer = setTimeout(() => reject(new Error('Space on the file field opened no file chooser')), 10_000); }),
        ]).finally(() => clearTimeout(timer));
        await chooser.setFiles(proof);
        assert.equal(await page.locator('#f-proof').evaluate((el) => el.files.length), 1);

        await typeInto(page, '设置查询密码', A.secret, problems, 1);
        await typeInto(page, '再次输入查询密码', A.secret, problems, 1);
        const send = await tabTo(page, (f) => f.tag === 'button', { problems, max: 1 });
        assert.equal(send.text, '提交申请');
        const resp = await pressAndNavigate(page, 'Enter');
        assert.equal(resp.status(), 201, `Enter on 提交申请:\n${await page.locator('main').innerText()}`);
        const r = await ysq.receipt(page);
        assert.ok(r.trackingCode, 'the receipt shows a 查询码');

        // The receipt's link to the lookup; the code and secret typed in; Space on 查询.
        await tabTo(page, (f) => f.tag === 'a' && f.text === '办理进度查询' && f.href === '/ysqgk/status', { problems });
        await pressAndNavigate(page, 'Enter');
        assert.equal(pathOf(page), '/ysqgk/status');
        await typeInto(page, '查询码', r.trackingCode, problems, 30);
        await typeInto(page, '查询密码', A.secret, problems, 1);
        assert.equal((await tabTo(page, (f) => f.tag === 'button', { problems, max: 1 })).text, '查询');
        const found = await pressAndNavigate(page, 'Space');
        assert.equal(found.status(), 200);
        const facts = await ysq.statusFacts(page);
        assert.equal(facts['查询码'], r.trackingCode);
        assert.equal(facts['当前状态'], '已收到');
        assert.equal(facts['申请内容'], description);

        // What was typed arrived: the delivery chosen with the arrow key, seen by the handler.
        const staff = await newContext(env.browser, { server: env.server });
        try {
          const sp = await staff.newPage();
          await ysq.staffLogin(sp, ysq.HANDLER);
          await ysq.openFromQueue(sp, r.trackingCode);
          const text = await sp.locator('main').innerText();
          assert.match(text, /获取方式\s*网站下载/, 'delivery 网站下载');
          assert.ok(text.includes(A.idNumber) && text.includes(A.name) && text.includes(A.phone), 'the typed applicant details');
          assert.match(text, new RegExp(`申请人提交的材料\\s*${proof.name}`), 'the proof file chosen with Space');
        } finally {
          await staff.close();
        }
        assert.deepEqual(problems, [], `focus problems:\n${problems.join('\n')}`);
      } finally {
        await context.close();
      }
    });
  });
}
