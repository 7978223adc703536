'use strict';
// A citizen browses the public portal.
const { describe, it } = require('node:test');
const assert = require('node:assert/strict');
const { useSuite } = require('../lib/suite');
const { newContext } = require('../lib/browser');
const { externalRequests } = require('../lib/site');

const env = useSuite();

describe('citizen journey', () => {
  it('opens the home page, follows 机构设置 and finds 乌恰县财政局 in the organisation table', async () => {
    const context = await newContext(env.browser, { server: env.server });
    try {
      const page = await context.newPage();
      const home = await page.goto('/');
      assert.equal(home.status(), 200);
      assert.match(await page.title(), /首页/);
      await assert.doesNotReject(page.getByRole('heading', { level: 1, name: '乌恰县人民政府' }).waitFor());

      await page.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '机构设置' }).click();
      await page.waitForURL('**/jigou');
      assert.match(await page.title(), /机构设置/);
      await page.getByRole('heading', { level: 1, name: '机构设置' }).waitFor();
      // The nav marks where we are.
      assert.equal(await page.getByRole('link', { name: '机构设置' }).first().getAttribute('aria-current'), 'page');

      const table = page.getByRole('table', { name: '本平台各级机构及其机构代码' });
      const row = table.getByRole('row').filter({ hasText: '乌恰县财政局' });
      assert.equal(await row.count(), 1, 'exactly one row for 乌恰县财政局');
      const cells = await row.getByRole('cell').allInnerTexts();
      assert.ok(cells.some((c) => c.trim() === '政府部门'), `乌恰县财政局 is a 政府部门: ${cells.join(' | ')}`);
      assert.ok((await table.getByRole('row').count()) > 20, 'the demo county has more than 20 organisations');

      assert.deepEqual(externalRequests(context.requests, env.server.origin), []);
    } finally {
      await context.close();
    }
  });

  it('an unknown address shows the Chinese 404 page with a way back home', async () => {
    const context = await newContext(env.browser, { server: env.server });
    try {
      const page = await context.newPage();
      const resp = await page.goto('/zhengce/no-such-record');
      assert.equal(resp.status(), 404);
      await page.getByRole('heading', { level: 1, name: '页面不存在' }).waitFor();
      const text = await page.locator('main').innerText();
      assert.match(text, /您访问的页面不存在/);
      assert.match(text, /404/);
      await page.getByRole('link', { name: '返回首页' }).click();
      await page.waitForURL(env.server.url);
      await page.getByRole('heading', { level: 1, name: '乌恰县人民政府' }).waitFor();
    } finally {
      await context.close();
    }
  });
});
