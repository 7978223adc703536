'use strict';
// Keyboard only (Tab, Shift+Tab, Enter, Space; typing into fields): no clicks anywhere.
const { describe, it } = require('node:test');
const assert = require('node:assert/strict');
const { useSuite } = require('../lib/suite');
const { newContext } = require('../lib/browser');
const { DEMO_PASSWORD } = require('../lib/server');
const { MODES } = require('../lib/site');
const { focused, tabTo, describeFocus } = require('../lib/keyboard');

const env = useSuite();

/** Press a key that navigates, and wait for the new page. */
async function pressAndNavigate(page, key) {
  const [resp] = await Promise.all([page.waitForNavigation(), page.keyboard.press(key)]);
  return resp;
}

/** First Tab lands on the skip link, which is visible; Enter moves focus to <main>. */
async function skipToMain(page, problems) {
  await page.keyboard.press('Tab');
  const skip = await focused(page);
  assert.equal(skip.text, '跳到主要内容', `the first Tab should focus the skip link, got ${describeFocus(skip)}`);
  assert.ok(skip.focusVisible, 'the skip link matches :focus-visible');
  assert.ok(skip.visibleFocus, `the skip link shows a focus indicator (outline ${skip.outline}; box-shadow ${skip.boxShadow})`);
  assert.ok(skip.onScreen, 'the focused skip link is on screen');
  await page.keyboard.press('Enter');
  const main = await focused(page);
  assert.equal(main.tag, 'main', `Enter on the skip link moves focus to <main>, got ${describeFocus(main)}`);
  assert.match(page.url(), /#main$/);
  return problems;
}

for (const mode of MODES) {
  describe(`keyboard only, ${mode} mode`, () => {
    it('skip link, login with Tab/typing/Space, back-office navigation with Enter, logout with Space', async () => {
      const context = await newContext(env.browser, { server: env.server, care: mode === 'care' });
      const problems = [];
      try {
        const page = await context.newPage();
        await page.goto('/');
        await skipToMain(page, problems);

        // From the home page to the login form through the footer link.
        await tabTo(page, (f) => f.tag === 'a' && f.text === '工作人员登录', { problems });
        await pressAndNavigate(page, 'Enter');
        assert.equal(new URL(page.url()).pathname, '/admin/login');

        // The login form: skip link, then the first field in <main> is the username.
        await skipToMain(page, problems);
        const user = await tabTo(page, (f) => f.tag === 'input', { problems, max: 3 });
        assert.equal(user.label, '用户名', `first field after the skip link: ${describeFocus(user)}`);
        await page.keyboard.type('demo-admin');
        const pass = await tabTo(page, (f) => f.tag === 'input', { problems, max: 1 });
        assert.equal(pass.label, '密码');
        await page.keyboard.type(DEMO_PASSWORD);
        const submit = await tabTo(page, (f) => f.tag === 'button', { problems, max: 1 });
        assert.equal(submit.text, '登录');
        await pressAndNavigate(page, 'Space');
        assert.equal(new URL(page.url()).pathname, '/admin', 'Space on 登录 signs in');
        assert.match(await page.locator('main').innerText(), /乌恰县人民政府/);

        // Back-office navigation with Enter.
        for (const [name, path] of [['机构管理', '/admin/orgs'], ['用户管理', '/admin/users'], ['审计日志', '/admin/audit']]) {
          await tabTo(page, (f) => f.tag === 'a' && f.text === name, { problems });
          await pressAndNavigate(page, 'Enter');
          assert.equal(new URL(page.url()).pathname, path);
        }

        // The wide audit table's scroll region is reachable by keyboard.
        await tabTo(page, (f) => f.tag === 'div' && /操作记录/.test(f.text), { problems });

        // The mode switch works from the keyboard as well, and back.
        const switchText = mode === 'care' ? '切换到标准版' : '关怀版（大字模式）';
        await page.keyboard.press('Shift+Tab');
        await tabTo(page, (f) => f.tag === 'a' && f.text === switchText, { problems, shift: true, max: 80 });
        await pressAndNavigate(page, 'Enter');
        const cls = (await page.locator('html').getAttribute('class')) || '';
        assert.equal(cls.includes('care'), mode !== 'care', `the mode switched (html class "${cls}")`);
        assert.equal(new URL(page.url()).pathname, '/admin/audit', 'the switch returns to the same page');

        // 退出登录 with Space.
        await tabTo(page, (f) => f.tag === 'button' && f.text === '退出登录', { problems });
        await pressAndNavigate(page, 'Space');
        assert.equal(new URL(page.url()).pathname, '/admin/login', 'logged out');

        assert.deepEqual(problems, [], `focus problems:\n${problems.join('\n')}`);
      } finally {
        await context.close();
      }
    });
  });
}
