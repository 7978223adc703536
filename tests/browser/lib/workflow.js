'use strict';
// The whole publication workflow through the back-office forms, as a setup step for journeys that
// need a published record of their own (e.g. one with an attachment to download): demo-editor
// drafts, uploads and submits; demo-reviewer approves it as 主动公开. Each role in its own context.
const assert = require('node:assert/strict');
const { newContext } = require('./browser');
const { login } = require('./site');
const rec = require('./records');

/**
 * Publish `fields` (see records.fillRecordForm) with `files` attached. Resolves to
 * { adminPath, publicPath } where publicPath is /xxgk/<索引号>.
 */
async function publishThroughUi(browser, server, fields, files = []) {
  let adminPath;
  const editor = await newContext(browser, { server });
  try {
    const page = await editor.newPage();
    await login(page, 'demo-editor');
    adminPath = await rec.createDraft(page, fields);
    for (const f of files) await rec.uploadAttachment(page, f);
    await rec.clickAndWait(page, page.getByRole('button', { name: '提交审核' }));
  } finally {
    await editor.close();
  }
  const reviewer = await newContext(browser, { server });
  try {
    const page = await reviewer.newPage();
    await login(page, 'demo-reviewer');
    await page.goto(adminPath);
    await rec.approve(page);
    const link = page.getByRole('link', { name: '查看公开页面' });
    assert.equal(await link.count(), 1, `the approved record links its public page:\n${await page.locator('main').innerText()}`);
    const publicPath = new URL(await link.getAttribute('href'), page.url()).pathname;
    return { adminPath, publicPath };
  } finally {
    await reviewer.close();
  }
}

module.exports = { publishThroughUi };
