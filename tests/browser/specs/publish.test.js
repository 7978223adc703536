'use strict';
// Staff publish a record end to end through the back office (先审查后公开, 谁公开谁负责):
// demo-editor drafts it (with a 文号 and two columns), uploads a PDF and submits; the author cannot
// approve it; demo-reviewer finds it under 待审核 and approves it as 主动公开; it appears on
// /xxgk/ and in both columns, its public page lists the attachment, and the attachment downloads.
const { describe, it } = require('node:test');
const assert = require('node:assert/strict');
const { useSuite } = require('../lib/suite');
const { newContext } = require('../lib/browser');
const { DEMO_PASSWORD } = require('../lib/server');
const site = require('../lib/site');
const { externalRequests } = site;
const rec = require('../lib/records');

const env = useSuite();

const RECORD = {
  title: '关于2026年县级财政专项资金绩效评价结果的通知',
  kind: '通知公告',
  docNumber: '乌财办〔2026〕15号',
  writtenOn: '2026-04-20',
  theme: '财政、金融、审计\\财政',
  keywords: '财政 绩效评价',
  summary: '公布2026年县级财政专项资金绩效评价结果。',
  body: '各乡镇人民政府，县直各部门：\n\n现将2026年县级财政专项资金绩效评价结果通知如下，详见附件。\n\n乌恰县财政局',
  columns: ['财政预算、决算信息', '通知公告'],
  columnSlugs: ['czyjs', 'tzgg'],
};
const FILE = rec.demoAttachment('附件1-绩效评价结果.pdf');

/** The facts list (dl.facts) of the back-office record view as { 状态: …, 文号: …, … }. */
function facts(page) {
  return page.locator('dl.facts').evaluate((dl) => {
    const out = {};
    for (const dt of dl.querySelectorAll('dt')) out[dt.textContent.trim()] = dt.nextElementSibling.textContent.trim();
    return out;
  });
}

async function loginThroughForm(page, username) {
  await page.goto('/');
  await rec.clickAndWait(page, page.getByRole('link', { name: '工作人员登录' }));
  await page.getByLabel('用户名').fill(username);
  await page.getByLabel('密码').fill(DEMO_PASSWORD);
  await rec.clickAndWait(page, page.getByRole('button', { name: '登录' }));
  assert.equal(new URL(page.url()).pathname, '/admin');
}

async function adminNav(page, name) {
  await rec.clickAndWait(page, page.getByRole('navigation', { name: '管理后台导航' }).getByRole('link', { name, exact: true }));
}

describe('staff journey: draft, attach, submit, review, publish', () => {
  let adminPath;
  let publicPath;

  it('demo-editor drafts a record through the form, uploads a PDF and submits it', async () => {
    const context = await newContext(env.browser, { server: env.server });
    try {
      const page = await context.newPage();
      await loginThroughForm(page, 'demo-editor');
      await adminNav(page, '信息发布');
      await page.getByRole('heading', { level: 1, name: '信息发布' }).waitFor();
      await rec.clickAndWait(page, page.getByRole('link', { name: '起草新信息' }));
      assert.equal(new URL(page.url()).pathname, '/admin/records/new');
      await page.getByRole('heading', { level: 1, name: '起草信息' }).waitFor();

      await rec.fillRecordForm(page, RECORD);
      const resp = await rec.clickAndWait(page, page.getByRole('button', { name: '保存草稿' }));
      assert.ok(resp.status() < 400, `保存草稿: status ${resp.status()}\n${await page.locator('main').innerText()}`);
      adminPath = new URL(page.url()).pathname;
      assert.match(adminPath, /^\/admin\/records\/\d+$/);
      await page.getByRole('heading', { level: 1, name: RECORD.title }).waitFor();
      let f = await facts(page);
      assert.equal(f['状态'], '草稿');
      assert.equal(f['文号'], RECORD.docNumber);
      assert.equal(f['发布机构'], '乌恰县财政局');
      assert.equal(f['成文日期'], RECORD.writtenOn);
      assert.match(await page.getByRole('region', { name: /内容审查/ }).innerText(), /内容审查（0 处）/);

      // Attachment: a real PDF, through the multipart form.
      const files = page.getByRole('region', { name: '附件' });
      assert.match(await files.innerText(), /暂无附件/);
      await rec.uploadAttachment(page, FILE);
      assert.equal(new URL(page.url()).pathname, adminPath, `after the upload: ${page.url()}`);
      const listed = await page.getByRole('region', { name: '附件' }).innerText();
      assert.match(listed, new RegExp(`${FILE.name}（PDF`), `the attachment is listed with its type: ${listed}`);

      // 提交审核.
      await rec.clickAndWait(page, page.getByRole('button', { name: '提交审核' }));
      f = await facts(page);
      assert.equal(f['状态'], '待审核');
      assert.match(await page.getByRole('status').innerText(), /等待其他审核人员审核/);
      // The author cannot review the record (the reviewer can never be the author).
      assert.equal(await page.getByRole('button', { name: '审核通过并发布' }).count(), 0);
      assert.equal(await page.getByRole('button', { name: '提交审核' }).count(), 0);

      await page.getByRole('button', { name: '退出登录' }).click();
      await page.waitForURL('**/admin/login');
      assert.deepEqual(externalRequests(context.requests, env.server.origin), []);
    } finally {
      await context.close();
    }
  });

  // Was a known bug (the form template never saw the chosen columns), fixed in 5b93ea3.
  it('the edit form of a draft keeps its two columns ticked', async () => {
    assert.ok(adminPath, 'the draft was created by the previous test');
    const context = await newContext(env.browser, { server: env.server });
    try {
      const page = await context.newPage();
      await site.login(page, 'demo-editor');
      await page.goto(`${adminPath}/edit`);
      const group = page.getByRole('group', { name: '所属栏目' });
      for (const c of RECORD.columns) assert.ok(await group.getByLabel(c, { exact: true }).isChecked(), `column ${c} is ticked`);
    } finally {
      await context.close();
    }
  });

  it('demo-reviewer finds it under 待审核 and approves it as 主动公开', async () => {
    assert.ok(adminPath, 'the draft was created by the previous test');
    const context = await newContext(env.browser, { server: env.server });
    try {
      const page = await context.newPage();
      await loginThroughForm(page, 'demo-reviewer');
      await adminNav(page, '信息发布');
      await rec.clickAndWait(page, page.getByRole('navigation', { name: '按状态筛选' }).getByRole('link', { name: '待审核' }));
      const table = page.getByRole('table', { name: /待审核/ });
      await rec.clickAndWait(page, table.getByRole('link', { name: RECORD.title }));
      assert.equal(new URL(page.url()).pathname, adminPath);

      const review = page.getByRole('region', { name: '审核' });
      const disclosure = review.getByRole('group', { name: /公开属性/ });
      for (const name of ['主动公开', '依申请公开', '不予公开']) {
        assert.equal(await disclosure.getByRole('radio', { name }).count(), 1, `公开属性 offers ${name}`);
      }
      assert.equal(await review.getByLabel('审查说明').count(), 0, 'no findings, so no justification is asked for');
      assert.match(await page.getByRole('region', { name: '附件' }).innerText(), new RegExp(FILE.name));

      await disclosure.getByRole('radio', { name: '主动公开' }).check();
      await rec.clickAndWait(page, review.getByRole('button', { name: '审核通过并发布' }));
      const f = await facts(page);
      assert.match(f['状态'], /^已发布/, JSON.stringify(f));
      assert.match(f['索引号'] || '', /^WQX004-\d{4}-\d{6}$/, `an index number was assigned: ${JSON.stringify(f)}`);
      const link = page.getByRole('link', { name: '查看公开页面' });
      publicPath = new URL(await link.getAttribute('href'), page.url()).pathname;
      assert.equal(publicPath, `/xxgk/${f['索引号']}`);

      // The published list has it too.
      await page.goto('/admin/records?status=published');
      assert.equal(await page.getByRole('table', { name: /已发布/ }).getByRole('link', { name: RECORD.title }).count(), 1);
    } finally {
      await context.close();
    }
  });

  it('the record appears on /xxgk/ and in both columns; its public page lists the attachment, which downloads', async () => {
    assert.ok(publicPath, 'the record was published by the previous test');
    const context = await newContext(env.browser, { server: env.server });
    try {
      const page = await context.newPage();
      await page.goto('/xxgk/');
      const latest = page.getByRole('region', { name: /最新公开信息/ });
      const entry = latest.getByRole('link', { name: RECORD.title });
      assert.equal(await entry.count(), 1, 'listed under 最新公开信息');
      assert.equal(await entry.getAttribute('href'), publicPath);

      for (const slug of RECORD.columnSlugs) {
        await page.goto(`/xxgk/lanmu/${slug}`);
        assert.equal(await page.getByRole('main').getByRole('link', { name: RECORD.title }).count(), 1, `listed in column ${slug}`);
      }

      await page.goto('/xxgk/');
      await Promise.all([page.waitForURL((u) => u.pathname === publicPath), entry.click()]);
      await page.getByRole('heading', { level: 1, name: RECORD.title }).waitFor();
      const main = await page.locator('main').innerText();
      assert.match(main, new RegExp(RECORD.docNumber.replace(/[〔〕]/g, '.')));
      assert.match(main, /绩效评价结果通知如下/);

      const files = page.getByRole('region', { name: '附件' });
      const link = files.getByRole('link', { name: FILE.name });
      assert.equal(await link.count(), 1, 'the public page lists the attachment');
      const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
      assert.equal(download.suggestedFilename(), FILE.name);
      assert.deepEqual(require('node:fs').readFileSync(await download.path()), FILE.buffer);

      const resp = await page.request.get(await link.getAttribute('href'));
      assert.equal(resp.status(), 200);
      assert.equal(rec.attachmentName(resp.headers()['content-disposition']), FILE.name,
        `Content-Disposition: ${resp.headers()['content-disposition']}`);
      assert.deepEqual(await resp.body(), FILE.buffer);

      // The JSON API agrees.
      const api = await page.request.get(`/api/v1/records/${encodeURIComponent(publicPath.replace('/xxgk/', ''))}`);
      assert.equal(api.status(), 200);
      assert.equal((await api.json()).title, RECORD.title);
      assert.deepEqual(externalRequests(context.requests, env.server.origin), []);
    } finally {
      await context.close();
    }
  });
});
