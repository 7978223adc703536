'use strict';
// Transferred size: for every page type, the compressed bytes of the HTML plus every stylesheet and
// script the browser loads for it, fetched with Accept-Encoding: gzip. A page reached by a plain
// GET is fetched again with gzip; for a page reached by submitting a form (`open`), the document
// is the browser's own response as received (its encoded body size).
const { describe, it, after } = require('node:test');
const assert = require('node:assert/strict');
const http = require('node:http');
const { useSuite } = require('../lib/suite');
const { newContext } = require('../lib/browser');
const site = require('../lib/site');

const env = useSuite();
const rows = [];

/** GET `url` asking for gzip; resolves to { bytes (as transferred), encoding, status }. */
function transferred(url, cookie) {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { headers: { 'Accept-Encoding': 'gzip', ...(cookie ? { Cookie: cookie } : {}) } }, (res) => {
      let bytes = 0;
      res.on('data', (chunk) => { bytes += chunk.length; });
      res.on('end', () => resolve({ bytes, encoding: res.headers['content-encoding'] || 'identity', status: res.statusCode }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.setTimeout(15_000, () => req.destroy(new Error(`timeout fetching ${url}`)));
  });
}

const kb = (n) => `${(n / 1024).toFixed(1)} KB`;

/** The Cookie header the browser would send to `url` (cookies are filtered by their path). */
async function cookieFor(context, url) {
  return (await context.cookies(url)).map((c) => `${c.name}=${c.value}`).join('; ');
}

after(() => {
  if (!rows.length) return;
  console.log('transferred size (Accept-Encoding: gzip; budget HTML+CSS+JS < 100 KB per page):');
  console.log('| page | address | HTML | CSS | JS | HTML+CSS+JS | other (icons) |');
  console.log('| --- | --- | --- | --- | --- | --- | --- |');
  for (const r of rows) {
    console.log(`| ${r.name} | \`${decodeURIComponent(r.path)}\` | ${r.html} B (${r.htmlEnc}) | ${r.css} B | ${r.js} B | ${r.total} B = ${kb(r.total)} | ${r.other} B |`);
  }
});

describe('transferred size', () => {
  for (const entry of site.selectedPages()) {
    it(`${entry.name} (${entry.path}) is under its budget`, async () => {
      const context = await newContext(env.browser, { server: env.server });
      try {
        const page = await context.newPage();
        await site.signInFor(page, entry);
        const path = await site.entryPath(page, entry);
        const resources = [];
        page.on('request', (r) => resources.push({ url: r.url(), type: r.resourceType() }));
        const sums = { html: 0, css: 0, js: 0, other: 0 };
        let doc;
        let url = path;
        if (!entry.open) {
          const resp = await page.goto(path, { waitUntil: 'networkidle' });
          assert.equal(resp.status(), entry.status || 200);
          const cookie = await cookieFor(context, new URL(path, env.server.url).href);
          doc = await transferred(new URL(path, env.server.url).href, cookie);
          assert.equal(doc.status, entry.status || 200, 'the fetched document is the same page');
        } else {
          // A page reached by submitting a form: the browser's own figure for the response body
          // as received (Chromium asks for gzip/deflate over http), and the stylesheets, scripts
          // and icons the final page links, fetched like those of the GET pages.
          const resp = await entry.open(page, path);
          await page.waitForLoadState('networkidle');
          assert.equal(resp.status(), entry.status || 200);
          const sizes = await resp.request().sizes();
          doc = { bytes: sizes.responseBodySize, encoding: (await resp.allHeaders())['content-encoding'] || 'identity', status: resp.status() };
          url = `${resp.request().method()} ${new URL(resp.url()).pathname}`;
          resources.length = 0;
          const linked = await page.evaluate(() => [
            ...[...document.querySelectorAll('link[rel~="stylesheet"][href]')].map((l) => ({ url: l.href, type: 'stylesheet' })),
            ...[...document.querySelectorAll('script[src]')].map((x) => ({ url: x.src, type: 'script' })),
            ...[...document.querySelectorAll('link[rel~="icon"][href]')].map((l) => ({ url: l.href, type: 'other' })),
          ]);
          resources.push(...linked);
        }
        sums.html = doc.bytes;
        const seen = new Set();
        for (const r of resources) {
          if (r.type === 'document' || seen.has(r.url)) continue;
          seen.add(r.url);
          const { bytes, status } = await transferred(r.url, await cookieFor(context, r.url));
          assert.equal(status, 200, `${r.url} loads`);
          const key = r.type === 'stylesheet' ? 'css' : r.type === 'script' ? 'js' : 'other';
          sums[key] += bytes;
        }
        const total = sums.html + sums.css + sums.js;
        const budget = entry.sizeBudget || site.DEFAULT_SIZE_BUDGET;
        rows.push({ name: entry.name, path: url, ...sums, total, htmlEnc: doc.encoding });
        console.log(`size ${entry.name}: HTML ${sums.html} B (${doc.encoding}) + CSS ${sums.css} B + JS ${sums.js} B = ${total} B (${kb(total)}), other ${sums.other} B, budget ${kb(budget)}`);
        assert.ok(sums.html > 0, 'the document was counted');
        assert.ok(sums.css > 0, 'the stylesheet was counted');
        assert.ok(total < budget, `${entry.name}: ${total} B transferred is over the ${budget} B budget`);
      } finally {
        await context.close();
      }
    });
  }
});
