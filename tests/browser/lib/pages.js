'use strict';
// The page-type check behind specs/pages-*.test.js: every page type in the catalogue
// (lib/site.js PAGES) in one mode at one width: the right page with lang="zh-CN", zero axe-core
// WCAG 2.1 A/AA violations, no horizontal scrolling, no request leaving the test server, the first
// Tab on a visible skip link; screenshots are saved, and at desktop width the served HTML of every
// page type is checked with the Nu HTML Checker. One spec file per mode and width, so the four
// runs (each with its own server and browser) can go side by side.
const { describe, it, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');

const { startServer, ROOT } = require('./server');
const { launchBrowser, newContext, DESKTOP, NARROW } = require('./browser');
const site = require('./site');
const checks = require('./checks');
const { focused, describeFocus } = require('./keyboard');

const VIEWPORTS = {
  desktop: DESKTOP,
  '360px': NARROW,
};

/** Registers the tests for every page type in `mode` ('normal' or 'care') at `width` ('desktop' or '360px'). */
function checkPageTypes(mode, width) {
  const vp = { name: width, size: VIEWPORTS[width] };
  assert.ok(vp.size, `unknown width ${width}`);
  assert.ok(site.MODES.includes(mode), `unknown mode ${mode}`);
  let server;
  let browser;
  // Each mode saves its HTML in its own folder, so runs side by side never clear each other's.
  const htmlDir = path.join(checks.ARTIFACTS, 'html', mode);
  const shotDir = path.join(checks.ARTIFACTS, 'screenshots');
  const docsDir = path.join(ROOT, 'docs', 'screenshots');
  const savedHtml = [];

  before(async () => {
    if (vp.name === 'desktop') fs.rmSync(htmlDir, { recursive: true, force: true });
    checks.artifactDir('html', mode);
    checks.artifactDir('screenshots');
    server = await startServer();
    browser = await launchBrowser();
  });

  after(async () => {
    if (browser) await browser.close();
    if (server) await server.stop();
  });

  describe(`page types, ${mode} mode, ${vp.name}`, () => {
    let context;
    let page;
    let violationsTotal = 0;
    let pagesChecked = 0;

    before(async () => {
      context = await newContext(browser, { server, care: mode === 'care', viewport: vp.size });
      page = await context.newPage();
    });
    after(async () => {
      console.log(`axe summary: ${mode}/${vp.name}: ${pagesChecked} pages, ${violationsTotal} violations`);
      if (context) await context.close();
    });

    for (const entry of site.selectedPages()) {
      it(entry.name, async () => {
        const requestsBefore = context.requests.length;
        const { response, html } = await site.openCataloguePage(page, entry);
        const problems = await site.checkIdentity(page, entry, response, mode);

        const violations = await checks.axeViolations(page);
        violationsTotal += violations.length;
        pagesChecked += 1;
        if (violations.length) {
          problems.push(`axe-core: ${violations.length} WCAG 2.1 A/AA violation(s):\n${checks.formatAxe(violations)}`);
        }

        const o = await site.horizontalOverflow(page);
        if (o.scrollWidth > vp.size.width + 1) {
          problems.push(`horizontal scrolling at ${vp.size.width} px: scrollWidth ${o.scrollWidth} (clientWidth ${o.clientWidth})`);
        }

        if (entry.check) problems.push(...await entry.check(page));

        const external = site.externalRequests(context.requests.slice(requestsBefore), server.origin);
        if (external.length) problems.push(`requests left the test server: ${external.join(', ')}`);

        if (vp.name === 'desktop') {
          const file = path.join(htmlDir, `${entry.name}-${mode}.html`);
          fs.writeFileSync(file, html);
          savedHtml.push(file);
        }
        if (entry.screenshot) {
          const base = `${entry.name}-${mode}${vp.name === 'desktop' ? '' : `-${vp.name}`}`;
          const shot = path.join(shotDir, `${base}.png`);
          await page.screenshot({ path: shot, fullPage: true });
          // Only a page that passed every check is published as a README picture.
          const docsName = vp.name === 'desktop' && entry.docs && entry.docs[base];
          if (docsName && problems.length === 0) {
            fs.mkdirSync(docsDir, { recursive: true });
            fs.copyFileSync(shot, path.join(docsDir, docsName));
          }
        }

        // Keyboard: the first Tab on every page lands on a visible skip link with a focus indicator.
        await page.keyboard.press('Tab');
        const f = await focused(page);
        if (f.text !== '跳到主要内容' || !f.visibleFocus || !f.onScreen) {
          problems.push(`first Tab should focus the visible skip link with a focus indicator; got ${describeFocus(f)} (outline ${f.outline}; box-shadow ${f.boxShadow}; on screen ${f.onScreen})`);
        }

        // Further states of the same page (e.g. every <details> opened): axe, overflow and the
        // screenshot again.
        for (const state of entry.states || []) {
          await state.run(page);
          const more = await checks.axeViolations(page);
          violationsTotal += more.length;
          if (more.length) {
            problems.push(`axe-core, ${state.name}: ${more.length} WCAG 2.1 A/AA violation(s):\n${checks.formatAxe(more)}`);
          }
          const o2 = await site.horizontalOverflow(page);
          if (o2.scrollWidth > vp.size.width + 1) {
            problems.push(`${state.name}: horizontal scrolling at ${vp.size.width} px: scrollWidth ${o2.scrollWidth}`);
          }
          if (entry.screenshot && state.file) {
            const shot = path.join(shotDir, `${entry.name}-${state.file}-${mode}${vp.name === 'desktop' ? '' : `-${vp.name}`}.png`);
            await page.screenshot({ path: shot, fullPage: true });
          }
        }

        assert.ok(problems.length === 0, `${entry.name} (${mode}, ${vp.name}) at ${page.url()}:\n${problems.join('\n')}`);
      });
    }
  });

  if (vp.name !== 'desktop') return;
  describe(`Nu HTML Checker, ${mode} mode`, () => {
    it('the served HTML of every page type has zero errors', { timeout: 180_000 }, async () => {
      // Check whatever was saved even when a page failed above, so markup errors are never hidden.
      const errors = savedHtml.length ? await checks.vnuErrors(savedHtml) : [];
      const perFile = new Map(savedHtml.map((f) => [path.basename(f, '.html'), 0]));
      for (const e of errors) {
        const name = e.url ? path.basename(decodeURIComponent(e.url.replace(/^file:/, '')), '.html') : '?';
        perFile.set(name, (perFile.get(name) || 0) + 1);
      }
      console.log(`vnu: ${savedHtml.length} documents checked (${mode} mode), ${errors.length} errors: ${[...perFile].map(([f, n]) => `${f} ${n}`).join(', ')}`);
      assert.equal(errors.length, 0, `Nu HTML Checker errors:\n${checks.formatVnu(errors)}`);
      assert.equal(savedHtml.length, site.selectedPages().length,
        'every page type should have been saved (see the failures above)');
    });
  });
}

module.exports = { checkPageTypes };
