'use strict';
// The body editor (static/editor.js) and documents that keep their structure: the record form's
// body becomes an editable area with a toolbar; typed paragraphs and a paste from Word (HTML on
// the clipboard, crates/content/fixtures/word_paste.html, plus a wide table) keep their
// paragraphs, list and tables after saving and publishing; axe passes on the form; at 360 px the
// public page with the wide table does not scroll sideways, the table scrolls in its own box.
const { describe, it } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { useSuite } = require('../lib/suite');
const { newContext, NARROW } = require('../lib/browser');
const { login, horizontalOverflow } = require('../lib/site');
const { axeViolations, formatAxe } = require('../lib/checks');
const rec = require('../lib/records');

const env = useSuite();

const WORD_PASTE = fs.readFileSync(
  path.resolve(__dirname, '..', '..', '..', 'crates', 'content', 'fixtures', 'word_paste.html'), 'utf8');
const WIDE_CELLS = Array.from({ length: 8 }, (_, i) => `<td>WQX004-2026-00000${i}-SUPPLEMENT</td>`).join('');
const WIDE_TABLE = `<table class=MsoTableGrid border=1><tr>${WIDE_CELLS}</tr><tr>${WIDE_CELLS}</tr></table>`;

const RECORD = {
  title: '关于做好冬季供暖保障工作的通知（编辑器）',
  kind: '通知公告',
  writtenOn: '2026-11-20',
  theme: '综合政务\\政务公开',
  columns: ['通知公告'],
};

describe('the body editor keeps a document\'s structure', () => {
  let publicPath;

  it('the form shows the editor, passes axe, and typing and a Word paste survive saving', async () => {
    const context = await newContext(env.browser, { server: env.server });
    try {
      const page = await context.newPage();
      await login(page, 'demo-editor');
      await page.goto('/admin/records/new');
      const toolbar = page.getByRole('toolbar', { name: '正文格式' });
      await toolbar.waitFor();
      for (const name of ['段落', '标题', '加粗', '有序列表', '无序列表']) {
        assert.equal(await toolbar.getByRole('button', { name, exact: true }).count(), 1, name);
      }
      const area = page.getByRole('textbox', { name: '正文', exact: true });
      assert.equal(await area.getAttribute('contenteditable'), 'true');
      assert.equal(await page.locator('textarea[name=body]').isHidden(), true);
      const violations = await axeViolations(page);
      assert.deepEqual(violations, [], `axe on the record form:\n${formatAxe(violations)}`);

      await rec.fillRecordForm(page, { ...RECORD, body: '' });
      await area.click();
      await page.keyboard.type('第一段。');
      await page.keyboard.press('Enter');
      await page.keyboard.type('第二段。');
      await page.keyboard.press('Enter');
      await area.evaluate((el, html) => {
        const dt = new DataTransfer();
        dt.setData('text/html', html);
        dt.setData('text/plain', '粘贴的文字');
        el.dispatchEvent(new ClipboardEvent('paste', { clipboardData: dt, bubbles: true, cancelable: true }));
      }, WORD_PASTE + WIDE_TABLE);
      const editing = await area.innerHTML();
      assert.match(editing, /<table>/, editing);
      assert.doesNotMatch(editing, /Mso|mso-|<o:p|<style/, editing);

      const resp = await rec.clickAndWait(page, page.getByRole('button', { name: '保存草稿' }));
      assert.ok(resp.status() < 400, `保存草稿: ${resp.status()}\n${await page.locator('main').innerText()}`);
      await rec.clickAndWait(page, page.getByRole('button', { name: '提交审核' }));
      const adminPath = new URL(page.url()).pathname;

      const reviewer = await newContext(env.browser, { server: env.server });
      try {
        const rp = await reviewer.newPage();
        await login(rp, 'demo-reviewer');
        await rp.goto(adminPath);
        await rec.approve(rp);
        const link = rp.getByRole('link', { name: '查看公开页面' });
        publicPath = new URL(await link.getAttribute('href'), rp.url()).pathname;
      } finally {
        await reviewer.close();
      }
    } finally {
      await context.close();
    }
  });

  it('the public page keeps paragraphs, the list and the tables', async () => {
    assert.ok(publicPath, 'published by the previous step');
    const context = await newContext(env.browser, { server: env.server });
    try {
      const page = await context.newPage();
      await page.goto(publicPath);
      const body = page.locator('article .body');
      const paragraphs = await body.locator('p').allInnerTexts();
      assert.ok(paragraphs.includes('第一段。') && paragraphs.includes('第二段。'), JSON.stringify(paragraphs));
      assert.match(await body.locator('ol > li, ul > li').first().innerText(), /谁公开谁审查/);
      assert.equal(await body.locator('table').count(), 2);
    } finally {
      await context.close();
    }
  });

  it('at 360 px the page does not scroll sideways; the wide table scrolls in its own box', async () => {
    const context = await newContext(env.browser, { server: env.server, viewport: NARROW });
    try {
      const page = await context.newPage();
      await page.goto(publicPath);
      const o = await horizontalOverflow(page);
      assert.ok(o.scrollWidth <= o.clientWidth, `page scrolls sideways: ${JSON.stringify(o)}`);
      const wide = page.locator('article .body table').last();
      const box = await wide.evaluate((t) => ({ scroll: t.scrollWidth, client: t.clientWidth, overflow: getComputedStyle(t).overflowX }));
      assert.ok(box.scroll > box.client && box.overflow === 'auto', JSON.stringify(box));
    } finally {
      await context.close();
    }
  });
});
