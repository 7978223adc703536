'use strict';
// 征求意见 end to end in the browser. A citizen goes from the home page to the open consultation,
// reads it article by article, follows “对第二条提出意见”, sends a comment (the article already
// chosen), gets a 查询码 and looks it up (待审核). A reviewer publishes it; the article then shows
// it. The citizen reads the closed consultation's feedback report: the table, the totals and the
// final decision, whose page links back. With JavaScript off the comment form still works.
const { describe, it } = require('node:test');
const assert = require('node:assert/strict');
const { useSuite } = require('../lib/suite');
const { newContext } = require('../lib/browser');
const { login, pathOf } = require('../lib/site');
const zj = require('../lib/zhengji');

const env = useSuite();

async function follow(page, link, pathname) {
  await Promise.all([page.waitForURL((u) => u.pathname === pathname), link.click()]);
}

describe('征求意见: citizen', () => {
  it('reads an open consultation, comments on an article, gets a tracking code', async () => {
    const context = await newContext(env.browser, { server: env.server });
    try {
      const page = await context.newPage();
      await page.goto('/');
      await follow(page, page.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '征求意见' }), '/zhengji/');
      await page.getByRole('heading', { level: 1, name: '征求意见' }).waitFor();
      const href = await page.getByRole('link', { name: zj.DEMO.open.title, exact: true }).getAttribute('href');
      await follow(page, page.getByRole('link', { name: zj.DEMO.open.title, exact: true }), href);
      await page.getByRole('heading', { level: 1, name: zj.DEMO.open.title }).waitFor();
      for (const h of ['起草说明', '草案全文（共 6 条）', '提出意见']) {
        await page.getByRole('heading', { name: h }).waitFor();
      }
      // Article by article, each with its count.
      const second = page.locator('#tiao-2');
      assert.match(await second.innerText(), /第二条[\s\S]*对本条的意见：\d+ 条/);

      await follow(page, second.getByRole('link', { name: '对第二条提出意见' }), href);
      assert.equal(await page.getByLabel('意见针对').inputValue(), '2', 'the article is chosen for the citizen');
      const body = zj.uniqueComment('建议写明补贴资金的监督电话');
      const resp = await zj.comment(page, { body });
      assert.equal(resp.status(), 201, await page.locator('main').innerText());
      await page.getByRole('heading', { level: 1, name: '意见已收到' }).waitFor();
      const code = (await page.locator('.receipt .code').innerText()).trim();
      assert.match(code, /^ZJ[A-Z0-9]{8}$/, `查询码 ${code}`);
      assert.match(await page.locator('main').innerText(), /意见针对\s*第二条/);

      // Not shown before moderation; the lookup says 待审核.
      await page.goto(href);
      assert.ok(!(await page.locator('main').innerText()).includes(body), 'pre-moderation: not shown yet');
      await page.goto('/zhengji/chaxun');
      await page.getByLabel('查询码').fill(code);
      await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: '查询' }).click()]);
      const facts = await page.locator('dl.facts').innerText();
      assert.match(facts, /审核结果\s*待审核/);
      assert.ok(facts.includes(body));

      // A reviewer publishes it; the article shows it.
      const staff = await newContext(env.browser, { server: env.server });
      try {
        const admin = await staff.newPage();
        await login(admin, 'demo-reviewer');
        await admin.goto(`/admin${href}`);
        const row = admin.locator('tr', { hasText: code });
        await Promise.all([admin.waitForNavigation(), row.getByRole('button', { name: /通过并公开/ }).click()]);
        assert.equal(pathOf(admin), `/admin${href}`);
      } finally {
        await staff.close();
      }
      await page.goto(href);
      await second.locator('summary').click();
      assert.ok((await second.innerText()).includes(body), 'the published comment is under its article');
    } finally {
      await context.close();
    }
  });

  it('reads a closed consultation and its feedback report, which links the final decision', async () => {
    const context = await newContext(env.browser, { server: env.server });
    try {
      const page = await context.newPage();
      const href = await zj.pathOf(page, 'closed');
      await page.goto(href);
      await follow(page, page.getByRole('link', { name: '查看意见采纳情况反馈' }), `${href}/feedback`);
      await page.getByRole('heading', { level: 1, name: /征求意见采纳情况的反馈/ }).waitFor();
      const table = page.getByRole('table', { name: /逐条意见采纳情况/ });
      const rows = await table.locator('tbody tr').allInnerTexts();
      assert.equal(rows.length, 3, rows.join('\n'));
      assert.match(rows[0], /第三条[\s\S]*相同意见 2 条[\s\S]*采纳/);
      assert.match(rows[1], /部分采纳/);
      assert.match(rows[2], /不采纳/);
      assert.match(await page.locator('main').innerText(), /采纳 2 条\s*，\s*部分采纳 1 条\s*，\s*不采纳 1 条/);
      const decision = page.getByRole('link', { name: zj.DEMO.closed.decision, exact: true });
      const recordPath = await decision.getAttribute('href');
      assert.match(recordPath, /^\/xxgk\/WQX004-/);
      await follow(page, decision, recordPath);
      await follow(page, page.getByRole('link', { name: '意见采纳情况反馈' }), `${href}/feedback`);
    } finally {
      await context.close();
    }
  });

  it('comments with JavaScript off', async () => {
    const context = await newContext(env.browser, { server: env.server, javaScriptEnabled: false });
    try {
      const page = await context.newPage();
      const href = await zj.pathOf(page, 'open');
      await page.goto(`${href}?article=1#comment-form`);
      const resp = await zj.comment(page, { body: zj.uniqueComment('无脚本环境下提交的意见') });
      assert.equal(resp.status(), 201);
      assert.match(await page.locator('main').innerText(), /意见针对\s*第一条/);
    } finally {
      await context.close();
    }
  });
});
