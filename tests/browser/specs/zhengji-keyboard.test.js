'use strict';
// Commenting on a consultation (征求意见) keyboard-only, in both modes: home → Tab to 征求意见 in the
// main navigation (Enter) → skip link (Enter, focus on <main>) → the open demo consultation (Enter)
// → 对第二条提出意见 (Enter: the page comes back with 第二条 chosen, the next Tab goes into the
// comment form) → 意见针对 with ArrowDown (第三条) → typing 意见或建议, 姓名, 联系方式 → 提交意见
// (Enter, 201) → the receipt's 意见查询 (Enter) → the comment, 待审核. Every element focused on the
// way must show a focus indicator and be on screen.
const { describe, it } = require('node:test');
const assert = require('node:assert/strict');
const { useSuite } = require('../lib/suite');
const { newContext } = require('../lib/browser');
const { MODES, externalRequests, pathOf } = require('../lib/site');
const { focused, tabTo, describeFocus, pressAndNavigate, typeInto } = require('../lib/keyboard');
const zj = require('../lib/zhengji');

const env = useSuite();

for (const mode of MODES) {
  describe(`征求意见 keyboard only, ${mode} mode`, () => {
    it('comment on an article of the open consultation and look the comment up, without a mouse', async () => {
      const context = await newContext(env.browser, { server: env.server, care: mode === 'care' });
      const problems = [];
      const body = zj.uniqueComment(`${mode === 'care' ? '关怀版' : '标准版'}键盘意见：建议写明县财政局和主管部门审核的时限`);
      try {
        const page = await context.newPage();
        await page.goto('/');
        await tabTo(page, (f) => f.tag === 'a' && f.text === '征求意见', { problems, max: 12 });
        await pressAndNavigate(page, 'Enter');
        assert.equal(pathOf(page), '/zhengji/');

        await page.keyboard.press('Tab');
        assert.equal((await focused(page)).text, '跳到主要内容');
        await page.keyboard.press('Enter');
        assert.equal((await focused(page)).tag, 'main');
        const open = await tabTo(page, (f) => f.tag === 'a' && f.text === zj.DEMO.open.title, { problems, max: 20 });
        await pressAndNavigate(page, 'Enter');
        assert.equal(pathOf(page), open.href);
        await page.getByRole('heading', { level: 1, name: zj.DEMO.open.title }).waitFor();

        // 对第二条提出意见 reloads the page with the article chosen and #comment-form as the target,
        // so the next Tab is in the form.
        await tabTo(page, (f) => f.tag === 'a' && f.text === '对第二条提出意见', { problems, max: 60 });
        await pressAndNavigate(page, 'Enter');
        assert.equal(new URL(page.url()).searchParams.get('article'), '2');
        assert.equal(new URL(page.url()).hash, '#comment-form');
        const select = await tabTo(page, (f) => f.tag === 'select', { problems, max: 3 });
        assert.equal(select.label, '意见针对', describeFocus(select));
        assert.equal(await page.locator('#f-article').inputValue(), '2', '第二条 is chosen for the citizen');
        await page.keyboard.press('ArrowDown');
        assert.equal(await page.locator('#f-article').inputValue(), '3', 'ArrowDown picks 第三条');

        await typeInto(page, '意见或建议', body, problems, 1);
        await typeInto(page, '姓名（可选，不公开）', '阿依古丽', problems, 1);
        await typeInto(page, '联系方式（可选，不公开）', 'ayiguli@example.com', problems, 1);
        const send = await tabTo(page, (f) => f.tag === 'button', { problems, max: 1 });
        assert.equal(send.text, '提交意见');
        const resp = await pressAndNavigate(page, 'Enter');
        assert.equal(resp.status(), 201, `Enter on 提交意见:\n${await page.locator('main').innerText()}`);
        await page.getByRole('heading', { level: 1, name: '意见已收到' }).waitFor();
        const code = (await page.locator('.receipt .code').innerText()).trim();
        assert.match(code, /^ZJ[A-Z0-9]{8}$/, `查询码 ${code}`);
        assert.match(await page.locator('.receipt').innerText(), /意见针对\s*第三条/);

        // The receipt links the lookup with the code filled in.
        await tabTo(page, (f) => f.tag === 'a' && f.text === '意见查询', { problems, max: 30 });
        await pressAndNavigate(page, 'Enter');
        assert.equal(pathOf(page), '/zhengji/chaxun');
        const facts = await page.locator('main dl.facts').innerText();
        assert.match(facts, /意见针对\s*第三条/);
        assert.match(facts, /审核结果\s*待审核/);
        assert.ok(facts.includes(body), 'the comment as typed');
        assert.ok(!facts.includes('阿依古丽'), 'the name is not shown');
        assert.deepEqual(externalRequests(context.requests, env.server.origin), []);
        assert.deepEqual(problems, [], `focus problems:\n${problems.join('\n')}`);
      } finally {
        await context.close();
      }
    });
  });
}
