'use strict';
// Site search (站内搜索) in the browser. A citizen types a word into the header box of the home page,
// reads the results (count, highlighted titles and snippets), pages forward and back, narrows them
// with the 发布机构 facet and opens a hit. A typed 索引号 or 文号 opens its record directly. The
// advanced form (title only, one organisation, newest first) gives what it promises. A query that
// finds nothing says so and offers ways on (热门搜索, 政务公开, 依申请公开), and with a filter a link
// without it. The same journey with JavaScript off, and keyboard-only in both modes (the header
// box, a facet, a hit; the advanced form with the arrow keys).
const { describe, it, before } = require('node:test');
const assert = require('node:assert/strict');
const { useSuite } = require('../lib/suite');
const { newContext } = require('../lib/browser');
const { MODES, externalRequests, pathOf } = require('../lib/site');
const { focused, tabTo, describeFocus, pressAndNavigate } = require('../lib/keyboard');
const rec = require('../lib/records');
const search = require('../lib/search');

const env = useSuite();
const { WORD, ORG, NOTHING } = search;

const param = (page, name) => new URL(page.url()).searchParams.get(name);

/** Click a link and wait for the page it leads to. */
async function follow(page, link) {
  const [response] = await Promise.all([page.waitForNavigation(), link.click()]);
  return response;
}

/** The 发布机构 facet link of `name` in the 筛选 sidebar, and the count printed beside it. */
async function orgFacet(page, name) {
  const facets = page.getByRole('complementary', { name: '筛选' });
  const link = facets.getByRole('link', { name, exact: true });
  assert.equal(await link.count(), 1, `the 筛选 sidebar offers ${name}:\n${await facets.innerText()}`);
  const count = Number((await link.evaluate((a) => a.nextElementSibling.textContent)).replace(/[()（）\s]/g, ''));
  return { link, count };
}

// The server indexes the demo data in the background after it starts: every describe waits
// until it has (once).
let ready;
function indexed() {
  ready = ready || (async () => {
    const context = await newContext(env.browser, { server: env.server });
    try {
      await search.indexed(await context.newPage());
    } finally {
      await context.close();
    }
  })();
  return ready;
}

describe('站内搜索: citizen', () => {
  before(indexed);

  it('searches from the header box: highlighted hits, pages, the 发布机构 facet, a hit opened', async () => {
    const context = await newContext(env.browser, { server: env.server });
    try {
      const page = await context.newPage();
      await page.goto('/');
      const resp = await search.searchFromHeader(page, WORD);
      assert.equal(resp.status(), 200);
      assert.equal(pathOf(page), '/search');
      assert.equal(param(page, 'q'), WORD);
      await page.getByRole('heading', { level: 1, name: '站内搜索' }).waitFor();
      assert.equal(await page.getByLabel('搜索内容').inputValue(), WORD, 'the page\'s own box keeps the query');
      assert.match(await page.title(), new RegExp(`搜索：${WORD}`));

      const first = await search.summary(page);
      assert.ok(first.total > 10 && first.pages >= 2, `enough hits for two pages: ${first.text}`);
      assert.equal(first.page, 1);
      const page1 = await search.hits(page);
      assert.equal(page1.length, 10, 'ten hits a page');
      assert.deepEqual(await search.highlightedHits(page), [], 'every hit has the query highlighted');
      assert.ok(page1.some((h) => (h.titleHtml + h.snippetHtml).includes(`<mark>${WORD}</mark>`)), `<mark>${WORD}</mark> in the hits`);
      // The highlight is visible: a background colour on the marked text.
      const markBg = await page.locator('main ol.hits mark').first().evaluate((m) => getComputedStyle(m).backgroundColor);
      assert.notEqual(markBg, 'rgba(0, 0, 0, 0)', 'the marked text has a background');

      // Page 2 and back.
      const pager = page.getByRole('navigation', { name: '分页' });
      await follow(page, pager.getByRole('link', { name: '下一页' }));
      assert.equal(param(page, 'page'), '2');
      assert.equal((await search.summary(page)).page, 2);
      assert.equal((await pager.locator('[aria-current="page"]').innerText()).trim(), '2');
      const page2 = await search.hits(page);
      assert.ok(page2.length > 0);
      const onFirst = new Set(page1.map((h) => h.href));
      assert.ok(page2.every((h) => !onFirst.has(h.href)), 'page 2 repeats no hit of page 1');
      await follow(page, pager.getByRole('link', { name: '上一页' }));
      assert.deepEqual((await search.hits(page)).map((h) => h.href), page1.map((h) => h.href), '上一页 shows page 1 again');

      // The 发布机构 facet narrows the results to that organisation.
      const { link, count } = await orgFacet(page, ORG.name);
      assert.ok(count > 0 && count < first.total, `${ORG.name} (${count}) is a part of ${first.total}`);
      await follow(page, link);
      assert.equal(param(page, 'org'), ORG.code);
      assert.equal(param(page, 'q'), WORD);
      const filtered = await search.summary(page);
      assert.equal(filtered.total, count, 'as many hits as the facet said');
      const hits = await search.hits(page);
      assert.ok(hits.length > 0);
      for (const h of hits) assert.ok(h.meta.startsWith(ORG.name), `${h.title}: ${h.meta}`);
      assert.equal(await page.getByRole('link', { name: '清除筛选' }).count(), 1, 'the filter can be cleared');

      // Open a hit: its record page.
      const hit = hits[0];
      await follow(page, page.locator('main ol.hits > li > a').first());
      assert.equal(pathOf(page), hit.href);
      assert.equal((await page.getByRole('heading', { level: 1 }).innerText()).trim(), hit.title);
      assert.ok((await page.getByRole('main').innerText()).includes(WORD), `the record mentions ${WORD}`);
      assert.deepEqual(externalRequests(context.requests, env.server.origin), []);
    } finally {
      await context.close();
    }
  });

  it('a typed 索引号 or 文号 opens its record directly', async () => {
    const context = await newContext(env.browser, { server: env.server });
    try {
      const page = await context.newPage();
      await page.goto('/jigou');
      await search.searchFromHeader(page, rec.DEMO.seed.indexNo);
      assert.equal(pathOf(page), `/xxgk/${rec.DEMO.seed.indexNo}`);
      await page.getByRole('heading', { level: 1, name: rec.DEMO.seed.title }).waitFor();

      await search.searchFromHeader(page, '乌财发〔2026〕3号');
      assert.match(pathOf(page), /^\/xxgk\/WQX004-/);
      await page.getByRole('heading', { level: 1, name: rec.DEMO.policy.title }).waitFor();
    } finally {
      await context.close();
    }
  });

  it('the advanced form: title only, one organisation, newest first', async () => {
    const context = await newContext(env.browser, { server: env.server });
    try {
      const page = await context.newPage();
      await page.goto('/search');
      await follow(page, page.getByRole('main').getByRole('link', { name: '高级搜索' }));
      assert.equal(pathOf(page), '/search/advanced');
      await page.getByRole('heading', { level: 1, name: '高级搜索' }).waitFor();
      await page.getByLabel('包含以下内容').fill(WORD);
      await page.getByRole('group', { name: '搜索范围' }).getByLabel('仅标题').check();
      await page.getByLabel('发布机构').selectOption(ORG.code);
      await page.getByRole('group', { name: '排序' }).getByLabel('按时间').check();
      const resp = await follow(page, page.getByRole('main').getByRole('button', { name: '搜索' }));
      assert.equal(resp.status(), 200);
      assert.equal(pathOf(page), '/search');
      for (const [k, v] of Object.entries({ q: WORD, scope: 'title', org: ORG.code, sort: 'date' })) {
        assert.equal(param(page, k), v, `?${k}`);
      }
      const { total } = await search.summary(page);
      const hits = await search.hits(page);
      assert.ok(total > 0 && hits.length > 0, 'something found');
      for (const h of hits) {
        assert.ok(h.title.includes(WORD) && h.titleHtml.includes('<mark>'), `title only, highlighted: ${h.titleHtml}`);
        assert.ok(h.meta.startsWith(ORG.name), `${h.title}: ${h.meta}`);
      }
      const dates = hits.map((h) => h.meta.match(/(\d{4}-\d{2}-\d{2})$/)[1]);
      assert.deepEqual(dates, [...dates].sort().reverse(), `newest first: ${dates.join(', ')}`);
      assert.equal(await page.getByRole('link', { name: '按相关度排序' }).count(), 1, 'the other order is offered');
      // Title only finds fewer than the full text.
      const all = await page.request.get(`/api/v1/search?q=${encodeURIComponent(WORD)}&org=${ORG.code}`);
      assert.ok(total <= (await all.json()).total, 'title only is a subset of the full text');
    } finally {
      await context.close();
    }
  });

  it('nothing found: the count, advice, 热门搜索 and ways on; with a filter, a link without it', async () => {
    const context = await newContext(env.browser, { server: env.server });
    try {
      const page = await context.newPage();
      // A search that finds something, so 热门搜索 has an entry (only queries with hits count).
      await page.goto(`/search?q=${encodeURIComponent(WORD)}`);
      await page.goto('/');
      const resp = await search.searchFromHeader(page, NOTHING);
      assert.equal(resp.status(), 200);
      assert.equal((await search.summary(page)).total, 0);
      const none = page.getByRole('region', { name: '没有找到相关信息' });
      const advice = await none.innerText();
      assert.match(advice, /请检查输入的文字是否有误/);
      assert.equal(await none.getByRole('link', { name: '去掉筛选条件重新搜索' }).count(), 0, 'nothing to unfilter');
      assert.equal(await none.getByRole('link', { name: '浏览政务公开栏目' }).getAttribute('href'), '/xxgk/');
      assert.equal(await none.getByRole('link', { name: '申请政府信息公开' }).getAttribute('href'), '/ysqgk/apply');
      assert.equal(await page.locator('main ol.hits').count(), 0, 'no hit list');
      const popular = page.getByRole('region', { name: '热门搜索' });
      await follow(page, popular.getByRole('link', { name: WORD, exact: true }));
      assert.ok((await search.summary(page)).total > 0, `热门搜索 ${WORD} finds something`);

      // The advanced form with an organisation: nothing, and a link to search without the filter.
      await page.goto('/search/advanced');
      await page.getByLabel('包含以下内容').fill(NOTHING);
      await page.getByLabel('发布机构').selectOption(ORG.code);
      await follow(page, page.getByRole('main').getByRole('button', { name: '搜索' }));
      assert.equal((await search.summary(page)).total, 0);
      await follow(page, page.getByRole('link', { name: '去掉筛选条件重新搜索' }));
      assert.equal(param(page, 'org'), null, 'the filter is gone');
      assert.equal(param(page, 'q'), NOTHING, 'the query is kept');
      assert.equal((await search.summary(page)).total, 0);
    } finally {
      await context.close();
    }
  });

  it('with JavaScript disabled: search, a facet, page 2, a hit', async () => {
    const context = await newContext(env.browser, { server: env.server, javaScriptEnabled: false });
    try {
      const page = await context.newPage();
      await page.setContent('<title>before</title><script>document.title = "script ran"</script>');
      assert.equal(await page.title(), 'before', 'no script runs in this context');
      await page.goto('/');
      await search.searchFromHeader(page, WORD);
      assert.ok((await search.summary(page)).total > 10);
      await follow(page, page.getByRole('navigation', { name: '分页' }).getByRole('link', { name: '下一页' }));
      assert.equal((await search.summary(page)).page, 2);
      await follow(page, (await orgFacet(page, ORG.name)).link);
      assert.equal(param(page, 'org'), ORG.code);
      assert.equal(param(page, 'page'), null, 'a facet starts again at page 1');
      const [hit] = await search.hits(page);
      await follow(page, page.locator('main ol.hits > li > a').first());
      assert.equal(pathOf(page), hit.href);
    } finally {
      await context.close();
    }
  });
});

for (const mode of MODES) {
  describe(`站内搜索 keyboard only, ${mode} mode`, () => {
    before(indexed);

    it('the header box, a facet and a hit; the advanced form with the arrow keys, without a mouse', async () => {
      const context = await newContext(env.browser, { server: env.server, care: mode === 'care' });
      const problems = [];
      try {
        const page = await context.newPage();
        await page.goto('/');
        // The header box: a few Tabs from the top of the page; type, Enter submits.
        const box = await tabTo(page, (f) => f.id === 'site-q', { problems, max: 5 });
        assert.equal(box.tag, 'input', describeFocus(box));
        await page.keyboard.type(WORD);
        await pressAndNavigate(page, 'Enter');
        assert.equal(pathOf(page), '/search');
        assert.equal(param(page, 'q'), WORD);
        assert.ok((await search.summary(page)).total > 10);

        // Skip link → <main> → the 发布机构 facet → Enter.
        await page.keyboard.press('Tab');
        assert.equal((await focused(page)).text, '跳到主要内容');
        await page.keyboard.press('Enter');
        assert.equal((await focused(page)).tag, 'main');
        await tabTo(page, (f) => f.tag === 'a' && f.text === ORG.name, { problems, max: 20 });
        await pressAndNavigate(page, 'Enter');
        assert.equal(param(page, 'org'), ORG.code);
        const hits = await search.hits(page);
        assert.ok(hits.length > 0);
        for (const h of hits) assert.ok(h.meta.startsWith(ORG.name), `${h.title}: ${h.meta}`);

        // Tab on to the first hit (past the facets) → Enter opens it.
        await tabTo(page, (f) => f.tag === 'a' && f.href === hits[0].href, { problems, max: 60 });
        await pressAndNavigate(page, 'Enter');
        assert.equal(pathOf(page), hits[0].href);
        assert.equal((await page.getByRole('heading', { level: 1 }).innerText()).trim(), hits[0].title);

        // The advanced form: 高级搜索 is linked from /search.
        await page.goto('/search');
        await tabTo(page, (f) => f.tag === 'a' && f.text === '高级搜索', { problems, max: 30 });
        await pressAndNavigate(page, 'Enter');
        assert.equal(pathOf(page), '/search/advanced');
        const q = await tabTo(page, (f) => f.label === '包含以下内容', { problems, max: 30 });
        assert.equal(q.tag, 'input', describeFocus(q));
        await page.keyboard.type(WORD);
        // 搜索范围: Tab lands on the checked 全文; ArrowRight checks 仅标题.
        const scope = await tabTo(page, (f) => f.type === 'radio', { problems, max: 1 });
        assert.equal(scope.label, '全文', describeFocus(scope));
        assert.equal(scope.checked, true);
        await page.keyboard.press('ArrowRight');
        assert.equal((await focused(page)).checked, true);
        assert.equal(await page.locator('input[name="scope"]:checked').inputValue(), 'title', 'ArrowRight checks 仅标题');
        // 发布机构: ArrowDown through the closed select until it shows the organisation.
        const org = await tabTo(page, (f) => f.tag === 'select', { problems, max: 1 });
        assert.equal(org.label, '发布机构', describeFocus(org));
        for (let i = 0; i < 60 && (await page.locator('#a-org').inputValue()) !== ORG.code; i += 1) {
          await page.keyboard.press('ArrowDown');
        }
        assert.equal(await page.locator('#a-org').inputValue(), ORG.code, `ArrowDown reaches ${ORG.name}`);
        // 排序: past 主题分类, 信息类别, 年份, 有效性 to the checked 按相关度; ArrowRight checks 按时间.
        const sort = await tabTo(page, (f) => f.type === 'radio', { problems, max: 6 });
        assert.equal(sort.checked, true, describeFocus(sort));
        await page.keyboard.press('ArrowRight');
        assert.equal(await page.locator('input[name="sort"]:checked').inputValue(), 'date', 'ArrowRight checks 按时间');
        const button = await tabTo(page, (f) => f.tag === 'button', { problems, max: 1 });
        assert.equal(button.text, '搜索');
        const resp = await pressAndNavigate(page, 'Space');
        assert.equal(resp.status(), 200);
        for (const [k, v] of Object.entries({ q: WORD, scope: 'title', org: ORG.code, sort: 'date' })) {
          assert.equal(param(page, k), v, `?${k}`);
        }
        const found = await search.hits(page);
        assert.ok(found.length > 0);
        for (const h of found) assert.ok(h.title.includes(WORD) && h.meta.startsWith(ORG.name), `${h.title}: ${h.meta}`);
        assert.deepEqual(problems, [], `focus problems:\n${problems.join('\n')}`);
      } finally {
        await context.close();
      }
    });
  });
}
