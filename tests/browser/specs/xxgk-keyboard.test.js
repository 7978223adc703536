'use strict';
// The citizen's 政务公开 journey keyboard-only, in both modes: home → Tab to 政务公开 in the main
// navigation (Enter) → skip link (Enter, focus on <main>) → the column 财政预算、决算信息 in the
// column navigation (Enter) → the record in the column's listing (Enter) → the attachment link
// (Enter): the browser downloads the file under its Chinese name, with the bytes uploaded. Every
// element focused on the way must show a focus indicator and be on screen. The record is
// published through the staff forms first (editor drafts with a PDF attached, reviewer approves).
const { describe, it, before } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const { useSuite } = require('../lib/suite');
const { newContext } = require('../lib/browser');
const { MODES, externalRequests, pathOf } = require('../lib/site');
const { focused, tabTo, pressAndNavigate } = require('../lib/keyboard');
const rec = require('../lib/records');
const { publishThroughUi } = require('../lib/workflow');

const env = useSuite();

const COLUMN = '财政预算、决算信息';

describe('政务公开 keyboard only', () => {
  const record = {
    title: '乌恰县2026年县级部门预算公开目录（键盘测试用）',
    kind: '财政预决算',
    docNumber: '乌财预〔2026〕31号',
    writtenOn: '2026-04-10',
    theme: '财政、金融、审计\\财政',
    body: '现将2026年县级部门预算公开目录予以公布，各部门预算详见附件。',
    columns: [COLUMN],
  };
  const file = rec.demoAttachment('附件-县级部门预算公开目录.pdf');
  let published;
  before(async () => {
    published = await publishThroughUi(env.browser, env.server, record, [file]);
  });

  for (const mode of MODES) {
    it(`${mode} mode: home → 政务公开 → ${COLUMN} → the record → the attachment downloads, without a mouse`, async () => {
      const context = await newContext(env.browser, { server: env.server, care: mode === 'care' });
      const problems = [];
      try {
        const page = await context.newPage();
        await page.goto('/');
        await tabTo(page, (f) => f.tag === 'a' && f.text === '政务公开' && f.href === '/xxgk/', { problems, max: 12 });
        await pressAndNavigate(page, 'Enter');
        assert.equal(pathOf(page), '/xxgk/');

        await page.keyboard.press('Tab');
        assert.equal((await focused(page)).text, '跳到主要内容');
        await page.keyboard.press('Enter');
        assert.equal((await focused(page)).tag, 'main');
        const column = await tabTo(page, (f) => f.tag === 'a' && f.text === COLUMN, { problems, max: 40 });
        await pressAndNavigate(page, 'Enter');
        assert.equal(pathOf(page), column.href);
        await page.getByRole('heading', { level: 1, name: COLUMN }).waitFor();

        // The newest record of the column is the one just published.
        await tabTo(page, (f) => f.tag === 'a' && f.text === record.title, { problems, max: 60 });
        await pressAndNavigate(page, 'Enter');
        assert.equal(pathOf(page), published.publicPath);
        await page.getByRole('heading', { level: 1, name: record.title }).waitFor();

        // The attachment: Enter on its link downloads it.
        const link = await tabTo(page, (f) => f.tag === 'a' && f.text === file.name, { problems, max: 60 });
        assert.match(link.href, /^\/files\//);
        const [download] = await Promise.all([page.waitForEvent('download'), page.keyboard.press('Enter')]);
        assert.equal(download.suggestedFilename(), file.name, 'saved under the original (Chinese) name');
        assert.deepEqual(fs.readFileSync(await download.path()), file.buffer, 'the downloaded bytes are the uploaded PDF');
        assert.equal(pathOf(page), published.publicPath, 'the page stays on the record');
        assert.deepEqual(externalRequests(context.requests, env.server.origin), []);
        assert.deepEqual(problems, [], `focus problems:\n${problems.join('\n')}`);
      } finally {
        await context.close();
      }
    });
  }
});
