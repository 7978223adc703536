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

/** A comment text no other run has sent. */
function uniqueComment(text) {
  return `${text}（${Date.now().toString(36)}）`;
}

module.exports = { DEMO, pathOf, comment, uniqueComment };
