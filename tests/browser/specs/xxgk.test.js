'use strict';
// A citizen uses the 政务公开 section: from the home page to the seed document through the
// column it is published in, the catalogue metadata, a policy and its interpretation, and
// downloading an attachment.
const { describe, it, before } = require('node:test');
const assert = require('node:assert/strict');
const { useSuite } = require('../lib/suite');
const { newContext } = require('../lib/browser');
const { externalRequests } = require('../lib/site');
const rec = require('../lib/records');
const { publishThroughUi } = require('../lib/workflow');

const env = useSuite();

/** The metadata table of a record page as { 索引号: …, 发布机构: …, … }. */
function metadata(page) {
  return page.getByRole('table', { name: '信息元数据' }).evaluate((table) => {
    const out = {};
    for (const th of table.querySelectorAll('th')) {
      const td = th.nextElementSibling;
      if (td && td.tagName === 'TD') out[th.textContent.trim()] = td.textContent.trim();
    }
    return out;
  });
}

/** Click a link and wait until the URL's path is `pathname` (or matches it). */
async function follow(page, link, pathname) {
  await Promise.all([
    page.waitForURL((u) => (pathname instanceof RegExp ? pathname.test(u.pathname) : u.pathname === pathname)),
    link.click(),
  ]);
}

describe('citizen journey: 政务公开', () => {
  // Setup through the UI: a record with a PDF attachment, drafted, submitted and approved.
  const withFile = {
    title: '乌恰县2026年第一批县级财政专项资金分配结果公示',
    kind: '财政预决算',
    docNumber: '乌财预〔2026〕21号',
    writtenOn: '2026-04-01',
    theme: '财政、金融、审计\\财政',
    body: '现将2026年第一批县级财政专项资金分配结果予以公示，详见附件。\n\n公示期为5个工作日。',
    columns: ['财政预算、决算信息', '通知公告'],
  };
  const file = rec.demoAttachment('附件-第一批资金分配结果.pdf');
  let published;
  before(async () => {
    published = await publishThroughUi(env.browser, env.server, withFile, [file]);
  });

  it('home → 政务公开 → 政府信息公开制度 → the seed document with its catalogue metadata', async () => {
    const context = await newContext(env.browser, { server: env.server });
    try {
      const page = await context.newPage();
      await page.goto('/');
      await follow(page, page.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '政务公开' }), '/xxgk/');
      await page.getByRole('heading', { level: 1, name: '政务公开' }).waitFor();
      assert.match(await page.title(), /政务公开/);

      // The four required columns and the statutory sub-columns are in the section's column nav.
      const columns = page.getByRole('navigation', { name: '政务公开栏目' });
      for (const name of ['政府信息公开指南', '政府信息公开制度', '法定主动公开内容', '政府信息公开年报',
        '行政法规、规章和规范性文件', '财政预算、决算信息', '行政处罚、行政强制']) {
        assert.equal(await columns.getByRole('link', { name, exact: true }).count(), 1, `column link ${name}`);
      }

      await follow(page, columns.getByRole('link', { name: rec.DEMO.seed.column, exact: true }), '/xxgk/lanmu/zd');
      await page.getByRole('heading', { level: 1, name: rec.DEMO.seed.column }).waitFor();
      await follow(page, page.getByRole('main').getByRole('link', { name: rec.DEMO.seed.title }), `/xxgk/${rec.DEMO.seed.indexNo}`);

      await page.getByRole('heading', { level: 1, name: rec.DEMO.seed.title }).waitFor();
      const meta = await metadata(page);
      assert.equal(meta['索引号'], rec.DEMO.seed.indexNo, JSON.stringify(meta));
      assert.equal(meta['发布机构'], rec.DEMO.seed.org);
      assert.equal(meta['发布日期'], rec.DEMO.seed.published);
      assert.equal(meta['名称'], rec.DEMO.seed.title);
      assert.equal(meta['有效性'], '有效');
      // The county's order: 索引号, 主题分类, 发布机构, 发布日期, 名称, 文号, 有效性, 来源.
      const order = Object.keys(meta).filter((k) => ['索引号', '主题分类', '发布机构', '发布日期', '名称', '文号', '有效性', '来源'].includes(k));
      assert.deepEqual(order, ['索引号', '主题分类', '发布机构', '发布日期', '名称', '文号', '有效性', '来源']);
      // The breadcrumb leads back to the column.
      const crumbs = page.getByRole('navigation', { name: '当前位置' });
      assert.equal(await crumbs.getByRole('link', { name: rec.DEMO.seed.column }).getAttribute('href'), '/xxgk/lanmu/zd');
      assert.ok((await page.locator('article .body').innerText()).length > 1000, 'the body of the seed document is shown');

      assert.deepEqual(externalRequests(context.requests, env.server.origin), []);
    } finally {
      await context.close();
    }
  });

  it('a policy lists its interpretation; the interpretation links back; the browser goes back', async () => {
    const context = await newContext(env.browser, { server: env.server });
    try {
      const page = await context.newPage();
      await page.goto('/xxgk/');
      // Browse by organisation: 县财政局.
      const browse = page.getByRole('region', { name: '分类浏览' });
      await follow(page, browse.getByRole('link', { name: '县财政局', exact: true }), '/xxgk/list');
      assert.equal(new URL(page.url()).searchParams.get('org'), 'WQX004');
      await page.getByRole('heading', { level: 1, name: '乌恰县财政局' }).waitFor();
      await follow(page, page.getByRole('main').getByRole('link', { name: rec.DEMO.policy.title, exact: true }), /^\/xxgk\/WQX004-/);
      const policyUrl = page.url();
      const meta = await metadata(page);
      assert.equal(meta['文号'], '乌财发〔2026〕3号');
      assert.equal(meta['发布机构'], '乌恰县财政局');

      const interp = page.getByRole('region', { name: '政策解读' });
      assert.match(await interp.innerText(), /文字解读/, 'the interpretation is shown with its form');
      await follow(page, interp.getByRole('link', { name: rec.DEMO.interpretation.title }), /^\/xxgk\/WQX004-/);
      await page.getByRole('heading', { level: 1, name: rec.DEMO.interpretation.title }).waitFor();
      const back = page.getByRole('link', { name: rec.DEMO.policy.title, exact: true });
      assert.equal(new URL(await back.getAttribute('href'), page.url()).href, policyUrl, '本文解读 links the policy');
      assert.match(await page.locator('main').innerText(), /本文解读：/);

      await page.goBack();
      assert.equal(page.url(), policyUrl, 'back on the policy page');
      await page.getByRole('heading', { level: 1, name: rec.DEMO.policy.title }).waitFor();
      assert.deepEqual(externalRequests(context.requests, env.server.origin), []);
    } finally {
      await context.close();
    }
  });

  it('a record with an attachment: the file downloads with its name (status 200, Content-Disposition attachment)', async () => {
    const context = await newContext(env.browser, { server: env.server });
    try {
      const page = await context.newPage();
      await page.goto('/xxgk/');
      // The newest record heads 最新公开信息.
      const latest = page.getByRole('region', { name: /最新公开信息/ });
      await follow(page, latest.getByRole('link', { name: withFile.title }), published.publicPath);
      const meta = await metadata(page);
      assert.equal(meta['文号'], withFile.docNumber);
      assert.equal(meta['发布机构'], '乌恰县财政局');

      const files = page.getByRole('region', { name: '附件' });
      const link = files.getByRole('link', { name: file.name });
      assert.match(await files.innerText(), /PDF/, 'the type is shown');

      // The browser's download, and the HTTP response behind it.
      const responses = [];
      page.on('response', (r) => { if (new URL(r.url()).pathname.startsWith('/files/')) responses.push(r); });
      const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
      assert.equal(download.suggestedFilename(), file.name, 'saved under the original (Chinese) name');
      const saved = await download.path();
      assert.deepEqual(require('node:fs').readFileSync(saved), file.buffer, 'the downloaded bytes are the uploaded PDF');

      const href = await link.getAttribute('href');
      const resp = await page.request.get(href);
      assert.equal(resp.status(), 200);
      assert.equal(resp.headers()['content-type'], 'application/pdf');
      const disposition = resp.headers()['content-disposition'];
      assert.equal(rec.attachmentName(disposition), file.name, `Content-Disposition: ${disposition}`);
      assert.deepEqual(await resp.body(), file.buffer);
      if (responses.length) assert.equal(responses[0].status(), 200, 'the browser got status 200');
      assert.deepEqual(externalRequests(context.requests, env.server.origin), []);
    } finally {
      await context.close();
    }
  });

  it('a repealed record says so at the top and links the record that replaces it', async () => {
    const context = await newContext(env.browser, { server: env.server });
    try {
      const page = await context.newPage();
      await page.goto(await rec.repealedPath(page));
      const notice = page.getByRole('note').filter({ hasText: '本文件已废止' });
      assert.equal(await notice.count(), 1);
      const successor = notice.getByRole('link');
      const title = await successor.innerText();
      assert.equal((await metadata(page))['有效性'], '废止');
      await follow(page, successor, /^\/xxgk\/WQX/);
      await page.getByRole('heading', { level: 1, name: title }).waitFor();
      assert.equal((await metadata(page))['有效性'], '有效');
    } finally {
      await context.close();
    }
  });
});
