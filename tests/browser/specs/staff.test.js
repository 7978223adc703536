'use strict';
// Staff sign in through the back-office form and use it.
const { describe, it } = require('node:test');
const assert = require('node:assert/strict');
const { useSuite } = require('../lib/suite');
const { newContext } = require('../lib/browser');
const { DEMO_PASSWORD } = require('../lib/server');
const { externalRequests } = require('../lib/site');

const env = useSuite();

async function adminNavClick(page, name, urlGlob) {
  await page.getByRole('navigation', { name: '管理后台导航' }).getByRole('link', { name }).click();
  await page.waitForURL(urlGlob);
  await page.getByRole('heading', { level: 1, name }).waitFor();
}

describe('staff journey', () => {
  it('demo-admin logs in, adds an organisation, visits users and audit, logs out', async () => {
    const context = await newContext(env.browser, { server: env.server });
    try {
      const page = await context.newPage();
      await page.goto('/');
      await page.getByRole('link', { name: '工作人员登录' }).click();
      await page.waitForURL('**/admin/login');

      await page.getByLabel('用户名').fill('demo-admin');
      await page.getByLabel('密码').fill(DEMO_PASSWORD);
      await page.getByRole('button', { name: '登录' }).click();
      await page.waitForURL((u) => u.pathname === '/admin');

      await page.getByRole('heading', { level: 1, name: '工作台' }).waitFor();
      const dash = await page.locator('main').innerText();
      assert.match(dash, /乌恰县人民政府/);
      assert.match(dash, /管理员/);

      // 机构管理: add an organisation through the form and see it listed.
      await adminNavClick(page, '机构管理', '**/admin/orgs');
      const table = page.getByRole('table', { name: /全部机构/ });
      const before = await table.locator('tbody tr').count();
      assert.equal(await table.getByRole('row').filter({ hasText: 'WQX201' }).count(), 0);
      await page.getByLabel('机构代码').fill('WQX201');
      await page.getByLabel('机构全称').fill('乌恰县测试局');
      await page.getByLabel('上级机构').selectOption('WQX001');
      await page.getByRole('button', { name: '添加', exact: true }).click();
      await page.waitForLoadState();
      const row = page.getByRole('table', { name: /全部机构/ }).getByRole('row').filter({ hasText: 'WQX201' });
      await row.waitFor();
      const cells = await row.getByRole('cell').allInnerTexts();
      assert.deepEqual(cells.slice(0, 2), ['WQX201', '乌恰县测试局']);
      assert.equal(cells[4], 'WQX001', `parent column: ${cells.join(' | ')}`);
      assert.equal(await page.getByRole('table', { name: /全部机构/ }).locator('tbody tr').count(), before + 1);

      // The public organisation list shows it too.
      const pub = await context.newPage();
      await pub.goto('/jigou');
      assert.equal(await pub.getByRole('row').filter({ hasText: '乌恰县测试局' }).count(), 1);
      await pub.close();

      // 用户管理 and 审计日志.
      await adminNavClick(page, '用户管理', '**/admin/users');
      const users = page.getByRole('table', { name: /工作人员账号/ });
      for (const u of ['demo-editor', 'demo-reviewer', 'demo-handler', 'demo-supervisor', 'demo-admin']) {
        assert.equal(await users.getByRole('row').filter({ hasText: u }).count(), 1, `${u} is listed`);
      }
      await adminNavClick(page, '审计日志', '**/admin/audit');
      const audit = await page.locator('main').innerText();
      assert.match(audit, /哈希链校验通过/);
      assert.match(audit, /WQX201/, 'adding the organisation was audited');

      // 退出登录 (a POST form button), then the back office is closed again.
      await page.getByRole('button', { name: '退出登录' }).click();
      await page.waitForURL('**/admin/login');
      await page.goto('/admin');
      assert.equal(new URL(page.url()).pathname, '/admin/login', 'after logout /admin sends to the login form');

      assert.deepEqual(externalRequests(context.requests, env.server.origin), []);
    } finally {
      await context.close();
    }
  });

  it('a wrong password shows 用户名或密码不正确 tied to the fields and keeps the username', async () => {
    const context = await newContext(env.browser, { server: env.server });
    try {
      const page = await context.newPage();
      await page.goto('/admin/login');
      await page.getByLabel('用户名').fill('demo-editor');
      await page.getByLabel('密码').fill('Wrong-password-1');
      const [resp] = await Promise.all([
        page.waitForNavigation(),
        page.getByRole('button', { name: '登录' }).click(),
      ]);
      assert.equal(resp.status(), 401);
      assert.equal(new URL(page.url()).pathname, '/admin/login');

      const alert = page.getByRole('alert');
      await alert.waitFor();
      assert.match(await alert.innerText(), /用户名或密码不正确/);
      const alertId = await alert.getAttribute('id');
      assert.ok(alertId, 'the error message has an id to point at');

      for (const label of ['用户名', '密码']) {
        const field = page.getByLabel(label);
        const describedBy = ((await field.getAttribute('aria-describedby')) || '').split(/\s+/);
        assert.ok(describedBy.includes(alertId), `${label}: aria-describedby="${describedBy.join(' ')}" should include ${alertId}`);
        assert.equal(await field.getAttribute('aria-invalid'), 'true', `${label} is marked invalid`);
      }
      // The accessible description of the field is the message itself.
      const description = await page.getByLabel('用户名').evaluate((el) =>
        el.getAttribute('aria-describedby').split(/\s+/).map((id) => document.getElementById(id)?.textContent || '').join(' '));
      assert.match(description, /用户名或密码不正确/);

      assert.equal(await page.getByLabel('用户名').inputValue(), 'demo-editor', 'the typed username is kept');
      assert.equal(await page.getByLabel('密码').inputValue(), '', 'the password is not echoed back');

      // The right password still works afterwards.
      await page.getByLabel('密码').fill(DEMO_PASSWORD);
      await page.getByRole('button', { name: '登录' }).click();
      await page.waitForURL((u) => u.pathname === '/admin');
      assert.match(await page.locator('main').innerText(), /编辑/);
    } finally {
      await context.close();
    }
  });
});
