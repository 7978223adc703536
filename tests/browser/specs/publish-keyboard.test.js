'use strict';
// The publication journey keyboard-only, in both modes: Tab / Shift+Tab to move, typing into
// fields, arrow keys in a select, Space on check boxes and buttons, Enter on links and buttons.
// demo-editor: login → 信息发布 → 起草新信息 → the form → 保存草稿 → 提交审核 → 退出登录;
// demo-reviewer: login → 信息发布 → 待审核 → the record → 主动公开 → 审核通过并发布 → 查看公开页面.
// Every element focused on the way must show a focus indicator and be on screen.
const { describe, it } = require('node:test');
const assert = require('node:assert/strict');
const { useSuite } = require('../lib/suite');
const { newContext } = require('../lib/browser');
const { DEMO_PASSWORD } = require('../lib/server');
const { MODES, pathOf } = require('../lib/site');
const { focused, tabTo, describeFocus, pressAndNavigate } = require('../lib/keyboard');

const env = useSuite();

/** From the login page: skip link, 用户名, 密码, Space on 登录. */
async function keyboardLogin(page, username, problems) {
  await page.goto('/admin/login');
  await page.keyboard.press('Tab');
  const skip = await focused(page);
  assert.equal(skip.text, '跳到主要内容', `first Tab: ${describeFocus(skip)}`);
  await page.keyboard.press('Enter');
  assert.equal((await focused(page)).tag, 'main');
  const user = await tabTo(page, (f) => f.tag === 'input', { problems, max: 3 });
  assert.equal(user.label, '用户名');
  await page.keyboard.type(username);
  assert.equal((await tabTo(page, (f) => f.tag === 'input', { problems, max: 1 })).label, '密码');
  await page.keyboard.type(DEMO_PASSWORD);
  assert.equal((await tabTo(page, (f) => f.tag === 'button', { problems, max: 1 })).text, '登录');
  await pressAndNavigate(page, 'Space');
  assert.equal(pathOf(page), '/admin', `Space on 登录 signs ${username} in`);
}

/** Shift+Tab back up to 退出登录 in the back-office nav, Space on it. */
async function keyboardLogout(page, problems) {
  await tabTo(page, (f) => f.tag === 'button' && f.text === '退出登录', { problems, shift: true, max: 120 });
  await pressAndNavigate(page, 'Space');
  assert.equal(pathOf(page), '/admin/login', 'logged out');
}

const statusOf = (page) => page.locator('dl.facts dd').first().locator('strong').innerText();

for (const mode of MODES) {
  describe(`publication keyboard only, ${mode} mode`, () => {
    const title = `键盘操作测试：${mode === 'care' ? '关怀版' : '标准版'}下起草并发布的通知`;
    let adminPath;

    it('demo-editor: login → new record form → save draft → submit, without a mouse', async () => {
      const context = await newContext(env.browser, { server: env.server, care: mode === 'care' });
      const problems = [];
      try {
        const page = await context.newPage();
        await keyboardLogin(page, 'demo-editor', problems);

        await tabTo(page, (f) => f.tag === 'a' && f.text === '信息发布', { problems });
        await pressAndNavigate(page, 'Enter');
        assert.equal(pathOf(page), '/admin/records');
        await tabTo(page, (f) => f.tag === 'a' && f.text === '起草新信息', { problems });
        await pressAndNavigate(page, 'Enter');
        assert.equal(pathOf(page), '/admin/records/new');

        // The form, field by field.
        await tabTo(page, (f) => f.label === '名称', { problems });
        await page.keyboard.type(title);
        const kind = await tabTo(page, (f) => f.tag === 'select', { problems, max: 1 });
        assert.equal(kind.label, '信息类别', `after 名称 comes ${describeFocus(kind)}`);
        // Arrow keys change a closed select: 通知公告 (the default) → 工作动态 → back to 通知公告.
        await page.keyboard.press('ArrowDown');
        assert.equal(await page.locator('#f-kind').inputValue(), 'news', 'ArrowDown picks the next kind');
        await page.keyboard.press('ArrowUp');
        assert.equal(await page.locator('#f-kind').inputValue(), 'notice');
        await tabTo(page, (f) => f.label === '文号', { problems, max: 3 });
        await page.keyboard.type(`乌财办〔2026〕${mode === 'care' ? 32 : 31}号`);
        // The body is the rich-text editor's editing area (a textarea without JavaScript).
        await tabTo(page, (f) => (f.tag === 'textarea' || f.role === 'textbox') && f.label === '正文', { problems });
        await page.keyboard.type('各乡镇人民政府，县直各部门：\n\n本通知全程使用键盘起草、提交和审核。\n\n乌恰县财政局');
        for (const column of ['财政预算、决算信息', '通知公告']) {
          const box = await tabTo(page, (f) => f.type === 'checkbox' && f.label === column, { problems });
          assert.equal(box.checked, false);
          await page.keyboard.press('Space');
          assert.equal((await focused(page)).checked, true, `Space ticks ${column}`);
        }
        await tabTo(page, (f) => f.tag === 'button' && f.text === '保存草稿', { problems });
        const saved = await pressAndNavigate(page, 'Enter');
        assert.ok(saved.status() < 400, `保存草稿: ${saved.status()}\n${await page.locator('main').innerText()}`);
        adminPath = pathOf(page);
        assert.match(adminPath, /^\/admin\/records\/\d+$/);
        assert.equal(await statusOf(page), '草稿');

        await tabTo(page, (f) => f.tag === 'button' && f.text === '提交审核', { problems });
        await pressAndNavigate(page, 'Space');
        assert.equal(pathOf(page), adminPath);
        assert.equal(await statusOf(page), '待审核');

        await keyboardLogout(page, problems);
        assert.deepEqual(problems, [], `focus problems:\n${problems.join('\n')}`);
      } finally {
        await context.close();
      }
    });

    it('demo-reviewer: 待审核 → the record → 主动公开 → 审核通过并发布 → 查看公开页面, without a mouse', async () => {
      assert.ok(adminPath, 'the editor submitted a record in the previous test');
      const context = await newContext(env.browser, { server: env.server, care: mode === 'care' });
      const problems = [];
      try {
        const page = await context.newPage();
        await keyboardLogin(page, 'demo-reviewer', problems);
        await tabTo(page, (f) => f.tag === 'a' && f.text === '信息发布', { problems });
        await pressAndNavigate(page, 'Enter');
        await tabTo(page, (f) => f.tag === 'a' && f.text === '待审核', { problems });
        await pressAndNavigate(page, 'Enter');
        assert.equal(new URL(page.url()).searchParams.get('status'), 'pending');
        await tabTo(page, (f) => f.tag === 'a' && f.text === title, { problems });
        await pressAndNavigate(page, 'Enter');
        assert.equal(pathOf(page), adminPath);

        // Tab reaches the checked radio of the group; Space keeps 主动公开 selected.
        const radio = await tabTo(page, (f) => f.type === 'radio', { problems });
        assert.equal(radio.label, '主动公开', `the checked 公开属性: ${describeFocus(radio)}`);
        await page.keyboard.press('Space');
        assert.equal((await focused(page)).checked, true);
        await tabTo(page, (f) => f.tag === 'button' && f.text === '审核通过并发布', { problems });
        await pressAndNavigate(page, 'Enter');
        assert.match(await statusOf(page), /^已发布/);

        await tabTo(page, (f) => f.tag === 'a' && f.text === '查看公开页面', { problems });
        await pressAndNavigate(page, 'Enter');
        assert.match(pathOf(page), /^\/xxgk\/WQX004-\d{4}-\d{6}$/);
        await page.getByRole('heading', { level: 1, name: title }).waitFor();
        assert.deepEqual(problems, [], `focus problems:\n${problems.join('\n')}`);
      } finally {
        await context.close();
      }
    });
  });
}
