'use strict';
// Knowledge about the gongkai site shared by the specs: the catalogue of page types that every
// cross-cutting check (axe, Nu HTML Checker, 360 px layout, external requests, size, screenshots)
// loops over, and the journeys' building blocks (logging in, switching the elder-friendly mode).
//
// To cover a new page type, add an entry to PAGES:
//   name        unique, used in file names and test titles
//   path        what to open (relative to the server URL)
//   resolve     optional async (page) => path, for pages whose address depends on the data (a
//               record found through the API, a draft created through the form); called after
//               signing in, the result is then opened like `path` (which stays as a label)
//   login       a demo account to sign in as first (the context stays signed in)
//   status      expected HTTP status of the page (default 200)
//   expectText  text (or array of texts) the page must show (guards against checking the wrong page)
//   open        optional async (page) => Response, for pages reached by submitting a form
//   screenshot  true to save full-page screenshots of it in both modes
//   docs        { '<name>-<mode>': 'file.png' }: desktop screenshots also copied to docs/screenshots/
//               (the README shows them; copied only when the page passed every check)
//   sizeBudget  bytes, compressed HTML+CSS+JS (default 100 KB)
const assert = require('node:assert/strict');
const { DEMO_PASSWORD } = require('./server');
const rec = require('./records');

const DEFAULT_SIZE_BUDGET = 100 * 1024;

/** Submit the login form with the given credentials (the page must be on /admin/login). */
async function fillLogin(page, username, password) {
  await page.getByLabel('用户名').fill(username);
  await page.getByLabel('密码').fill(password);
  const [response] = await Promise.all([
    page.waitForNavigation(),
    page.getByRole('button', { name: '登录' }).click(),
  ]);
  return response;
}

/** Log in through the real form, as a person would. Returns the final navigation response. */
async function login(page, username, password = DEMO_PASSWORD) {
  await page.goto('/admin/login');
  const response = await fillLogin(page, username, password);
  assert.equal(new URL(page.url()).pathname, '/admin', `login as ${username} should land on the dashboard, got ${page.url()}`);
  return response;
}

const PAGES = [
  { name: 'home', path: '/', expectText: '政府部门', screenshot: true, docs: { 'home-normal': 'home.png', 'home-care': 'home-care.png' } },
  { name: 'jigou', path: '/jigou', expectText: '乌恰县财政局', screenshot: true },
  { name: 'not-found', path: '/no-such-page/at-all', status: 404, expectText: '页面不存在' },
  { name: 'login', path: '/admin/login', expectText: '工作人员登录', screenshot: true, docs: { 'login-normal': 'login.png' } },
  {
    name: 'login-error',
    path: '/admin/login',
    status: 401,
    expectText: '用户名或密码不正确',
    // An unknown account, so the checks never lock a demo account.
    open: async (page) => {
      await page.goto('/admin/login');
      return fillLogin(page, 'no-such-user', 'not-the-password');
    },
  },
  { name: 'dashboard', path: '/admin', login: 'demo-admin', expectText: '乌恰县人民政府', screenshot: true, docs: { 'dashboard-normal': 'dashboard.png' } },
  { name: 'orgs', path: '/admin/orgs', login: 'demo-admin', expectText: '添加机构' },
  {
    name: 'orgs-invalid',
    path: '/admin/orgs',
    login: 'demo-admin',
    status: 400,
    expectText: '请更正下列标红的内容',
    // The add form sent empty: every field error and its aria-describedby is on the page.
    open: async (page) => {
      await page.goto('/admin/orgs');
      const [response] = await Promise.all([
        page.waitForNavigation(),
        page.getByRole('button', { name: '添加', exact: true }).click(),
      ]);
      return response;
    },
  },
  { name: 'users', path: '/admin/users', login: 'demo-admin', expectText: '添加账号' },
  {
    name: 'users-invalid',
    path: '/admin/users',
    login: 'demo-admin',
    status: 400,
    expectText: '请更正下列标红的内容',
    open: async (page) => {
      await page.goto('/admin/users');
      const [response] = await Promise.all([
        page.waitForNavigation(),
        page.getByRole('button', { name: '添加', exact: true }).click(),
      ]);
      return response;
    },
  },
  { name: 'audit', path: '/admin/audit', login: 'demo-admin', expectText: '哈希链校验' },

  // Proactive disclosure (政务公开): the public section.
  {
    name: 'xxgk-index',
    path: '/xxgk/',
    expectText: ['政府信息公开制度', '法定主动公开内容', '行政处罚、行政强制', '最新公开信息', '按发布机构', '按年份'],
    screenshot: true,
  },
  {
    // A column listing on its second page: needs the corpus (the demo's 200-odd texts).
    name: 'xxgk-lanmu-page2',
    path: '/xxgk/lanmu/fdzdgknr?page=2',
    expectText: ['法定主动公开内容', '第 2 /', '上一页', '下一页'],
  },
  {
    name: 'xxgk-list-filtered',
    path: `/xxgk/list?org=WQX004&theme=${encodeURIComponent('财政、金融、审计')}`,
    expectText: ['乌恰县财政局 · 主题：财政、金融、审计', rec.DEMO.policy.title],
  },
  {
    name: 'record-seed',
    path: `/xxgk/${rec.DEMO.seed.indexNo}`,
    expectText: [rec.DEMO.seed.indexNo, rec.DEMO.seed.published, rec.DEMO.seed.title],
    screenshot: true,
  },
  {
    name: 'record-policy',
    path: '/xxgk/<policy with interpretation>',
    resolve: rec.policyPath,
    expectText: [rec.DEMO.policy.title, '乌财发〔2026〕3号', '政策解读', rec.DEMO.interpretation.title],
  },
  {
    name: 'record-repealed',
    path: '/xxgk/<repealed policy>',
    resolve: rec.repealedPath,
    expectText: ['本文件已废止', '现行文件'],
  },
  { name: 'xxgk-guide', path: '/xxgk/zhinan/WQX001', expectText: ['乌恰县人民政府政府信息公开指南', '政府信息公开工作机构'] },

  // Proactive disclosure: the back office.
  { name: 'admin-records', path: '/admin/records?status=pending', login: 'demo-editor', expectText: ['待审核', rec.DEMO.pending.title] },
  { name: 'admin-record-new', path: '/admin/records/new', login: 'demo-editor', expectText: ['起草信息', '所属栏目', '保存草稿'] },
  {
    // The author's view of a draft: 修改草稿, the attachment upload form, 提交审核. The draft is
    // created through the form the first time (one per server).
    name: 'admin-record-draft',
    path: '/admin/records/<editor draft>',
    login: 'demo-editor',
    resolve: async (page) => (await rec.adminRecordPath(page, 'draft', PAGE_DRAFT.title))
      || rec.createDraft(page, PAGE_DRAFT),
    expectText: ['草稿', '修改草稿', '上传附件', '提交审核'],
    screenshot: true,
  },
  {
    // A reviewer (not the author) on the demo's pending record, whose screening found a mobile number.
    name: 'admin-record-review',
    path: '/admin/records/<pending record>',
    login: 'demo-reviewer',
    resolve: async (page) => {
      const p = await rec.adminRecordPath(page, 'pending', rec.DEMO.pending.title);
      assert.ok(p, `${rec.DEMO.pending.title} should be pending review`);
      return p;
    },
    expectText: ['内容审查（1 处）', '手机号码', rec.DEMO.pending.mobile, '公开属性', '审查说明', '审核通过并发布', '退回修改'],
    screenshot: true,
  },
  { name: 'admin-scan', path: '/admin/scan', login: 'demo-reviewer', expectText: ['网站自查', '已发布信息'] },
];

/** The draft the page checks look at (never submitted, so every spec's server can reuse it). */
const PAGE_DRAFT = {
  title: '页面检查用草稿：2026年县级财政专项资金分配结果',
  kind: '财政预决算',
  docNumber: '乌财预〔2026〕9号',
  writtenOn: '2026-03-10',
  theme: '财政、金融、审计\\财政',
  body: '根据《乌恰县县级财政专项资金管理办法》，现将2026年县级财政专项资金分配结果公开如下。\n\n一、农业产业发展资金120万元。\n\n二、城乡基础设施维护资金80万元。',
  columns: ['财政预算、决算信息'],
};

const MODES = ['normal', 'care'];

/**
 * Open one catalogue page in `page`, signing in first when needed (once per context).
 * Returns { response, html } where html is the body exactly as served.
 */
async function openCataloguePage(page, entry) {
  await signInFor(page, entry);
  const path = await entryPath(page, entry);
  const response = entry.open ? await entry.open(page) : await page.goto(path);
  assert.ok(response, `${entry.name}: no navigation response`);
  const html = await response.text();
  return { response, html, path };
}

/**
 * Sign the page's context in as `entry.login` (once per context). Switching accounts drops the
 * session cookies first (a signed-in visit to /admin/login goes to the dashboard) but keeps the
 * elder-friendly mode cookie.
 */
async function signInFor(page, entry) {
  const context = page.context();
  if (!entry.login || context.signedInAs === entry.login) return;
  if (context.signedInAs) await context.clearCookies({ name: /^(?!gk_care$)/ });
  await login(page, entry.login);
  context.signedInAs = entry.login;
}

/** The address to open for a catalogue entry (resolved, and cached per server, when it has `resolve`). */
async function entryPath(page, entry) {
  if (!entry.resolve) return entry.path;
  const origin = new URL((await page.request.get('/healthz')).url()).origin;
  entry.resolved = entry.resolved || {};
  if (!entry.resolved[origin]) entry.resolved[origin] = await entry.resolve(page);
  return entry.resolved[origin];
}

/** Checks that the page is the one expected; returns a list of problems (empty when fine). */
async function checkIdentity(page, entry, response, mode) {
  const problems = [];
  const want = entry.status || 200;
  if (response.status() !== want) problems.push(`HTTP status ${response.status()}, expected ${want}`);
  if (entry.expectText) {
    const text = await page.locator('body').innerText();
    for (const want of [].concat(entry.expectText)) {
      if (!text.includes(want)) problems.push(`page does not show "${want}"`);
    }
  }
  const htmlClass = (await page.locator('html').getAttribute('class')) || '';
  const isCare = htmlClass.split(/\s+/).includes('care');
  if (isCare !== (mode === 'care')) problems.push(`<html class="${htmlClass}"> does not match mode ${mode}`);
  const lang = await page.locator('html').getAttribute('lang');
  if (lang !== 'zh-CN') problems.push(`<html lang="${lang}">, expected zh-CN`);
  return problems;
}

/** Horizontal overflow of the document, in CSS pixels beyond the viewport width (0 when none). */
async function horizontalOverflow(page) {
  return page.evaluate(() => {
    const el = document.scrollingElement || document.documentElement;
    return { scrollWidth: el.scrollWidth, clientWidth: el.clientWidth, innerWidth: window.innerWidth };
  });
}

/** Requests that went anywhere but the test server. */
function externalRequests(requests, origin) {
  return requests.filter((u) => {
    if (u.startsWith('data:') || u.startsWith('blob:') || u === 'about:blank') return false;
    try { return new URL(u).origin !== origin; } catch { return true; }
  });
}

module.exports = {
  PAGES, MODES, DEFAULT_SIZE_BUDGET, PAGE_DRAFT,
  login, fillLogin, openCataloguePage, signInFor, entryPath, checkIdentity, horizontalOverflow, externalRequests,
};
