'use strict';
// Knowledge about the gongkai site shared by the specs: the catalogue of page types that every
// cross-cutting check (axe, Nu HTML Checker, 360 px layout, external requests, size, screenshots)
// loops over, and the journeys' building blocks (logging in, switching the elder-friendly mode).
//
// To cover a new page type, add an entry to PAGES:
//   name        unique, used in file names and test titles
//   path        what to open (relative to the server URL)
//   login       a demo account to sign in as first (the context stays signed in)
//   status      expected HTTP status of the page (default 200)
//   expectText  text the page must show (guards against checking the wrong page)
//   open        optional async (page) => Response, for pages reached by submitting a form
//   screenshot  true to save full-page screenshots of it in both modes
//   docs        { '<name>-<mode>': 'file.png' }: desktop screenshots also copied to docs/screenshots/
//               (the README shows them; copied only when the page passed every check)
//   sizeBudget  bytes, compressed HTML+CSS+JS (default 100 KB)
const assert = require('node:assert/strict');
const { DEMO_PASSWORD } = require('./server');

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
];

const MODES = ['normal', 'care'];

/**
 * Open one catalogue page in `page`, signing in first when needed (once per context).
 * Returns { response, html } where html is the body exactly as served.
 */
async function openCataloguePage(page, entry) {
  const context = page.context();
  if (entry.login && context.signedInAs !== entry.login) {
    await login(page, entry.login);
    context.signedInAs = entry.login;
  }
  const response = entry.open ? await entry.open(page) : await page.goto(entry.path);
  assert.ok(response, `${entry.name}: no navigation response`);
  const html = await response.text();
  return { response, html };
}

/** Checks that the page is the one expected; returns a list of problems (empty when fine). */
async function checkIdentity(page, entry, response, mode) {
  const problems = [];
  const want = entry.status || 200;
  if (response.status() !== want) problems.push(`HTTP status ${response.status()}, expected ${want}`);
  if (entry.expectText) {
    const text = await page.locator('body').innerText();
    if (!text.includes(entry.expectText)) problems.push(`page does not show "${entry.expectText}"`);
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
  PAGES, MODES, DEFAULT_SIZE_BUDGET,
  login, fillLogin, openCataloguePage, checkIdentity, horizontalOverflow, externalRequests,
};
