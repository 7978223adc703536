'use strict';
// Site search (站内搜索, /search) in the browser: the header box every page has, the results page
// (hits with highlighted titles and snippets, facets, pages) and the advanced form.
const assert = require('node:assert/strict');

/** A word the demo's records use often: enough hits for a second page and several facets. */
const WORD = '财政';
/** An organisation with hits for WORD (the demo policy 乌恰县县级财政专项资金管理办法 among them). */
const ORG = { code: 'WQX004', name: '乌恰县财政局' };
/** A query nothing matches. */
const NOTHING = 'qxzvwkjh';

/**
 * Waits until the search index has caught up with the demo data. The server indexes in the
 * background, following the change feed (every 300 ms), so right after `serve --demo` starts a
 * search finds nothing for a few seconds. Done when WORD's hit count (through /api/v1/search) is
 * above zero and the same on two looks 700 ms apart; at most `timeoutMs`.
 */
async function indexed(page, timeoutMs = 60_000) {
  const url = `/api/v1/search?q=${encodeURIComponent(WORD)}&per_page=1`;
  const end = Date.now() + timeoutMs;
  let last = -1;
  for (;;) {
    const resp = await page.request.get(url);
    assert.equal(resp.status(), 200, `GET ${url}`);
    const { total } = await resp.json();
    if (total > 0 && total === last) return total;
    if (Date.now() > end) throw new Error(`the search index did not settle within ${timeoutMs} ms (${WORD}: ${total} hits)`);
    last = total;
    await new Promise((r) => { setTimeout(r, 700); });
  }
}

/** The hits of a results page as [{ title, titleHtml, snippetHtml, meta, href }]. */
function hits(page) {
  return page.locator('main ol.hits > li').evaluateAll((items) => items.map((li) => {
    const a = li.querySelector(':scope > a');
    return {
      title: a.textContent.trim(),
      titleHtml: a.innerHTML,
      snippetHtml: (li.querySelector('.snippet') || { innerHTML: '' }).innerHTML,
      meta: (li.querySelector('.meta') || { textContent: '' }).textContent.trim(),
      href: a.getAttribute('href'),
    };
  }));
}

/** The result count line: { total, page, pages } read from `共找到 N 条结果，第 P / M 页`. */
async function summary(page) {
  const text = (await page.getByRole('main').getByRole('status').innerText()).replace(/\s+/g, ' ');
  const m = text.match(/共找到 (\d+) 条结果(?:，第 (\d+) \/ (\d+) 页)?/);
  assert.ok(m, `the result count line: ${text}`);
  return { total: Number(m[1]), page: m[2] ? Number(m[2]) : 1, pages: m[3] ? Number(m[3]) : 1, text };
}

/**
 * Page check for a results page (lib/site.js `check`): there are hits, each links a page of the
 * site, and the query is highlighted (<mark>) in every hit's title or snippet.
 */
async function highlightedHits(page) {
  const problems = [];
  const list = await hits(page);
  if (!list.length) problems.push('no hits listed');
  for (const h of list) {
    if (!/^\/[a-z]/.test(h.href || '')) problems.push(`hit "${h.title}" links ${h.href}`);
    if (!/<mark>/.test(h.titleHtml + h.snippetHtml)) problems.push(`hit "${h.title}" has no highlighted (<mark>) text`);
  }
  return problems;
}

/** Search with the header box of the current page (typing, then the 搜索 button); resolves to the response. */
async function searchFromHeader(page, text) {
  const box = page.getByRole('search').first().getByLabel('站内搜索');
  await box.fill(text);
  const [response] = await Promise.all([
    page.waitForNavigation(),
    page.getByRole('search').first().getByRole('button', { name: '搜索' }).click(),
  ]);
  return response;
}

module.exports = { WORD, ORG, NOTHING, indexed, hits, summary, highlightedHits, searchFromHeader };
