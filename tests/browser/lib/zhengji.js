'use strict';
// 征求意见 in the browser: the demo's consultations and the steps the specs and page checks share.
const assert = require('node:assert/strict');

/** The demo's two consultations (crates/cli/src/demo.rs). */
const DEMO = {
  open: { title: '乌恰县惠民惠农财政补贴资金“一卡通”管理办法（征求意见稿）', org: '乌恰县财政局' },
  closed: { title: '乌恰县县级财政专项资金管理办法（征求意见稿）', decision: '乌恰县县级财政专项资金管理办法' },
};

/** The address of a demo consultation, found through the public list as a visitor would. */
async function pathOf(page, which) {
  await page.goto('/zhengji/');
  const href = await page.getByRole('main').getByRole('link', { name: DEMO[which].title, exact: true }).first().getAttribute('href');
  assert.match(href || '', /^\/zhengji\/\d+$/, `the list links ${DEMO[which].title}`);
  return href;
}

/** Sends a comment through the form on a consultation's page; returns the response. */
async function comment(page, { article, body }) {
  if (article) await page.getByLabel('意见针对').selectOption({ label: article });
  await page.getByLabel('意见或建议').fill(body);
  const [response] = await Promise.all([
    page.waitForNavigation(),
    page.getByRole('button', { name: '提交意见' }).click(),
  ]);
  return response;
}

/**
 * The draft consultation the page checks look at (demo-editor drafts it through the form once per
 * server; never opened for comments).
 */
const PAGE_DRAFT = {
  title: '乌恰县城区绿化管理办法（征求意见稿，页面检查用）',
  draftText: '乌恰县城区绿化管理办法（征求意见稿）\n第一条　为了加强城区绿化管理，改善人居环境，制定本办法。\n第二条　县住房和城乡建设局负责城区绿化的监督管理。\n第三条　本办法自发布之日起施行。',
  background: '城区绿地逐年增加，管护责任需要明确。',
  basis: '《城市绿化条例》。',
  mainContent: '明确管理职责、绿地管护和公众参与。',
};

/**
 * `/admin/zhengji/<id>` of the page checks' draft consultation (page signed in as demo-editor):
 * found in the staff list, or drafted through the form (保存草稿) the first time.
 */
async function draftPath(page, draft = PAGE_DRAFT) {
  await page.goto('/admin/zhengji');
  const link = page.getByRole('main').getByRole('link', { name: draft.title, exact: true });
  if (await link.count()) return link.first().getAttribute('href');
  await page.goto('/admin/zhengji/new');
  await page.getByLabel('草案名称').fill(draft.title);
  await page.getByLabel('草案全文').fill(draft.draftText);
  await page.getByLabel('起草说明：起草背景').fill(draft.background);
  await page.getByLabel('起草说明：起草依据').fill(draft.basis);
  await page.getByLabel('起草说明：主要内容').fill(draft.mainContent);
  const [response] = await Promise.all([
    page.waitForNavigation(),
    page.getByRole('button', { name: '保存草稿' }).click(),
  ]);
  assert.ok(response.status() < 400, `保存草稿: ${response.status()}\n${await page.locator('main').innerText()}`);
  const path = new URL(page.url()).pathname;
  assert.match(path, /^\/admin\/zhengji\/\d+$/, `保存草稿 leads to the draft's page, got ${path}`);
  return path;
}

/** A comment text no other run has sent. */
function uniqueComment(text) {
  return `${text}（${Date.now().toString(36)}）`;
}

module.exports = { DEMO, PAGE_DRAFT, pathOf, comment, draftPath, uniqueComment };
