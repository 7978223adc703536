'use strict';
// With JavaScript switched off in the browser the portal still works: login and the mode switch.
const { describe, it } = require('node:test');
const assert = require('node:assert/strict');
const { useSuite } = require('../lib/suite');
const { newContext } = require('../lib/browser');
const { DEMO_PASSWORD } = require('../lib/server');

const env = useSuite();

describe('JavaScript disabled', () => {
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

  it('login, back-office navigation and logout work', async () => {
    const context = await newContext(env.browser, { server: env.server, javaScriptEnabled: false });
    try {
      const page = await context.newPage();
      await page.goto('/admin/login');
      await page.getByLabel('用户名').fill('demo-supervisor');
      await page.getByLabel('密码').fill(DEMO_PASSWORD);
      await page.getByRole('button', { name: '登录' }).click();
      await page.waitForURL((u) => u.pathname === '/admin');
      const main = await page.locator('main').innerText();
      assert.match(main, /工作台/);
      assert.match(main, /政务公开办/);
      await page.getByRole('link', { name: '审计日志' }).click();
      await page.waitForURL('**/admin/audit');
      assert.match(await page.locator('main').innerText(), /哈希链校验通过/);
      await page.getByRole('button', { name: '退出登录' }).click();
      await page.waitForURL('**/admin/login');
      await page.getByRole('heading', { level: 1, name: '工作人员登录' }).waitFor();
    } finally {
      await context.close();
    }
  });

  it('the elder-friendly mode switch works and is remembered', async () => {
    const context = await newContext(env.browser, { server: env.server, javaScriptEnabled: false });
    try {
      const page = await context.newPage();
      await page.goto('/jigou');
      assert.equal(await page.locator('html.care').count(), 0);
      await page.getByRole('link', { name: /关怀版/ }).click();
      await page.waitForURL('**/jigou');
      assert.equal(await page.locator('html.care').count(), 1, 'care mode after the switch');
      await page.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '首页' }).click();
      await page.waitForURL(env.server.url);
      assert.equal(await page.locator('html.care').count(), 1, 'care mode is remembered on the next page');
      await page.getByRole('link', { name: '切换到标准版' }).click();
      await page.waitForURL(env.server.url);
      assert.equal(await page.locator('html.care').count(), 0, 'back to the normal mode');
    } finally {
      await context.close();
    }
  });
});
