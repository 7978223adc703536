'use strict';
// The 政务公开 section with JavaScript switched off: browsing the section, a column's pagination
// links (next, a page number, previous), browsing by year, and the record page with its metadata.
// Needs the demo corpus for listings longer than one page (lib/server.js points the demo at it).
const { describe, it } = require('node:test');
const assert = require('node:assert/strict');
const { useSuite } = require('../lib/suite');
const { newContext } = require('../lib/browser');
const { externalRequests } = require('../lib/site');

const env = useSuite();

/** Click a link and wait for the page it leads to; resolves to the new URL. */
async function follow(page, link) {
  const [resp] = await Promise.all([page.waitForNavigation(), link.click()]);
  assert.ok(resp && resp.status() === 200, `${page.url()}: status ${resp && resp.status()}`);
  return new URL(page.url());
}

/** "共 N 条，第 P / M 页" of a listing, as numbers. */
async function pageInfo(page) {
  const text = await page.locator('main').innerText();
  const m = text.match(/共 (\d+) 条(?:，第 (\d+) \/ (\d+) 页)?/);
  assert.ok(m, `no "共 N 条" on ${page.url()}`);
  return { total: Number(m[1]), page: Number(m[2] || 1), pages: Number(m[3] || 1) };
}

describe('政务公开 with JavaScript disabled', () => {
  it('the context really runs no page script', async () => {
    const context = await newContext(env.browser, { server: env.server, javaScriptEnabled: false });
    try {
      const page = await context.newPage();
      await page.goto('/xxgk/');
      await page.setContent('<title>before</title><script>document.title = "script ran"</script>');
      assert.equal(await page.title(), 'before');
    } finally {
      await context.close();
    }
  });

  it('section → column → pagination (下一页, a page number, 上一页) → a record page → back to the column', async () => {
    assert.ok(env.server.corpus, 'the demo loaded the corpus (needed for a column longer than one page)');
    const context = await newContext(env.browser, { server: env.server, javaScriptEnabled: false });
    try {
      const page = await context.newPage();
      await page.goto('/');
      let url = await follow(page, page.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '政务公开' }));
      assert.equal(url.pathname, '/xxgk/');
      url = await follow(page, page.getByRole('navigation', { name: '政务公开栏目' }).getByRole('link', { name: '法定主动公开内容', exact: true }));
      assert.equal(url.pathname, '/xxgk/lanmu/fdzdgknr');
      const first = await pageInfo(page);
      assert.ok(first.pages >= 3, `法定主动公开内容 has at least 3 pages: ${JSON.stringify(first)}`);
      const pager = () => page.getByRole('navigation', { name: '分页' });
      assert.equal(await pager().getByRole('link', { name: '上一页' }).count(), 0, 'no 上一页 on page 1');

      url = await follow(page, pager().getByRole('link', { name: '下一页' }));
      assert.equal(url.searchParams.get('page'), '2');
      assert.deepEqual(await pageInfo(page), { ...first, page: 2 });
      assert.equal(await pager().locator('[aria-current="page"]').innerText(), '2', 'the current page is marked');
      assert.equal(await page.locator('main .record-list > li > a').count(), 20, 'a full page of 20 records');

      url = await follow(page, pager().getByRole('link', { name: '3', exact: true }));
      assert.equal(url.searchParams.get('page'), '3');
      assert.equal((await pageInfo(page)).page, 3);
      url = await follow(page, pager().getByRole('link', { name: '上一页' }));
      assert.equal(url.searchParams.get('page'), '2');
      const columnUrl = page.url();

      // A record page from the listing: the metadata table and the body, all without script.
      const link = page.locator('main .record-list a').first();
      const title = (await link.innerText()).trim();
      url = await follow(page, link);
      assert.match(url.pathname, /^\/xxgk\/WQX\d{3}-\d{4}-\d{6}$/);
      await page.getByRole('heading', { level: 1, name: title }).waitFor();
      const table = page.getByRole('table', { name: '信息元数据' });
      const meta = await table.innerText();
      for (const label of ['索引号', '主题分类', '发布机构', '发布日期', '名称', '文号', '有效性', '来源']) {
        assert.match(meta, new RegExp(label), `metadata table has ${label}`);
      }
      assert.match(meta, new RegExp(decodeURIComponent(url.pathname.slice('/xxgk/'.length))));
      assert.ok((await page.locator('article .body').innerText()).trim().length > 0, 'the body is shown');

      // The breadcrumb goes back to a column listing.
      url = await follow(page, page.getByRole('navigation', { name: '当前位置' }).getByRole('link').nth(2));
      assert.match(url.pathname, /^\/xxgk\/lanmu\//);
      await page.goto(columnUrl);
      assert.equal((await pageInfo(page)).page, 2);
      assert.deepEqual(externalRequests(context.requests, env.server.origin), []);
    } finally {
      await context.close();
    }
  });

  // Was a known bug (page 2 of the parent column repeated the last record of page 1), fixed in
  // 5b93ea3.
  it('consecutive pages of 法定主动公开内容 do not repeat a record', async () => {
    const context = await newContext(env.browser, { server: env.server, javaScriptEnabled: false });
    try {
      const page = await context.newPage();
      const hrefs = async (n) => {
        await page.goto(`/xxgk/lanmu/fdzdgknr?page=${n}`);
        return page.locator('main .record-list > li > a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
      };
      const [p1, p2, p3] = [await hrefs(1), await hrefs(2), await hrefs(3)];
      assert.deepEqual(p2.filter((h) => p1.includes(h)), [], 'records on both page 1 and page 2');
      assert.deepEqual(p3.filter((h) => p2.includes(h)), [], 'records on both page 2 and page 3');
    } finally {
      await context.close();
    }
  });

  it('browse by year and by organisation from the section index, with pagination', async () => {
    const context = await newContext(env.browser, { server: env.server, javaScriptEnabled: false });
    try {
      const page = await context.newPage();
      await page.goto('/xxgk/');
      const browse = page.getByRole('region', { name: '分类浏览' });
      const year = (await browse.getByRole('link', { name: /^\d{4} 年$/ }).first().innerText()).trim();
      let url = await follow(page, browse.getByRole('link', { name: year, exact: true }));
      assert.equal(url.pathname, '/xxgk/list');
      assert.equal(url.searchParams.get('year'), year.replace(/\D/g, ''));
      await page.getByRole('heading', { level: 1, name: year }).waitFor();
      const info = await pageInfo(page);
      assert.ok(info.total > 0, `${year} has records`);
      for (const d of await page.locator('main .record-list time').allInnerTexts()) {
        assert.ok(d.startsWith(year.replace(/\D/g, '')), `listed record dated ${d} is from ${year}`);
      }
      if (info.pages > 1) {
        url = await follow(page, page.getByRole('navigation', { name: '分页' }).getByRole('link', { name: '下一页' }));
        assert.equal(url.searchParams.get('page'), '2');
        assert.equal(url.searchParams.get('year'), year.replace(/\D/g, ''), 'the filter is kept across pages');
      }

      await page.goto('/xxgk/');
      url = await follow(page, page.getByRole('region', { name: '分类浏览' }).getByRole('link', { name: '县财政局', exact: true }));
      assert.equal(url.searchParams.get('org'), 'WQX004');
      const orgs = await page.locator('main .record-list .meta').allInnerTexts();
      assert.ok(orgs.length > 0 && orgs.every((t) => t.includes('乌恰县财政局')), 'only 乌恰县财政局 records are listed');
    } finally {
      await context.close();
    }
  });
});
