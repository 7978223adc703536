'use strict';
// The elder-friendly mode (关怀版): switched by a link, remembered by a cookie, and really larger,
// more spaced out and higher in contrast.
const { describe, it } = require('node:test');
const assert = require('node:assert/strict');
const { useSuite } = require('../lib/suite');
const { newContext } = require('../lib/browser');

const env = useSuite();

/** Typography and target sizes of the current page. */
function metrics(page) {
  return page.evaluate(() => {
    const px = (v) => parseFloat(v);
    const root = getComputedStyle(document.documentElement);
    const body = getComputedStyle(document.body);
    const paragraphs = [...document.querySelectorAll('main p, footer p')]
      .filter((p) => p.getClientRects().length > 0)
      .map((p) => {
        const cs = getComputedStyle(p);
        return {
          text: p.textContent.trim().slice(0, 24),
          fontSize: px(cs.fontSize),
          lineHeight: px(cs.lineHeight),
          marginBottom: px(cs.marginBottom),
        };
      });
    const button = document.querySelector('main .button, main button');
    return {
      rootFontSize: px(root.fontSize),
      bodyFontSize: px(body.fontSize),
      bodyLineHeight: px(body.lineHeight),
      bodyColor: body.color,
      paragraphs,
      buttonHeight: button ? button.getBoundingClientRect().height : null,
    };
  });
}

function careCookie(cookies) {
  const c = cookies.find((k) => k.name === 'gk_care');
  return c ? c.value : null;
}

describe('elder-friendly mode', () => {
  it('the 关怀版 link switches it on, it persists, and text is larger and more spaced', async () => {
    const context = await newContext(env.browser, { server: env.server });
    try {
      const page = await context.newPage();
      await page.goto('/');
      const normal = await metrics(page);
      assert.equal(await page.locator('html.care').count(), 0, 'normal mode by default');

      // Switch with the visible link in the header.
      const toggle = page.getByRole('banner').getByRole('link', { name: '关怀版（大字模式）' });
      assert.ok(await toggle.isVisible(), 'the 关怀版 toggle is visible in the header');
      await toggle.click();
      await page.waitForURL(env.server.url);
      assert.equal(await page.locator('html.care').count(), 1, '<html class="care"> after switching');
      assert.equal(careCookie(await context.cookies()), '1', 'the choice is kept in the gk_care cookie');

      // It persists on the next page, and in a new tab.
      await page.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '机构设置' }).click();
      await page.waitForURL('**/jigou');
      assert.equal(await page.locator('html.care').count(), 1, 'still in care mode on /jigou');
      const tab = await context.newPage();
      await tab.goto('/admin/login');
      assert.equal(await tab.locator('html.care').count(), 1, 'care mode in a new tab');
      await tab.close();

      // Typography: compare the same page in both modes, then check the spacing rules on several pages.
      await page.goto('/');
      const care = await metrics(page);
      assert.ok(care.rootFontSize > normal.rootFontSize,
        `root font-size is larger in care mode (${care.rootFontSize}px vs ${normal.rootFontSize}px)`);
      assert.ok(care.rootFontSize >= 20, `care-mode text is extra large (${care.rootFontSize}px)`);
      assert.equal(care.bodyColor, 'rgb(0, 0, 0)', 'care mode uses black text for the highest contrast');
      assert.ok(care.buttonHeight > normal.buttonHeight,
        `targets are larger (button ${care.buttonHeight}px vs ${normal.buttonHeight}px)`);

      for (const path of ['/', '/jigou', '/admin/login', '/no-such-page']) {
        await page.goto(path);
        const m = await metrics(page);
        assert.ok(m.bodyLineHeight >= 1.3 * m.bodyFontSize,
          `${path}: body line-height ${m.bodyLineHeight}px >= 1.3 × font-size ${m.bodyFontSize}px`);
        assert.ok(m.paragraphs.length > 0, `${path}: has paragraphs to check`);
        for (const p of m.paragraphs) {
          assert.ok(p.lineHeight >= 1.3 * p.fontSize,
            `${path}: paragraph "${p.text}" line-height ${p.lineHeight}px >= 1.3 × ${p.fontSize}px`);
          assert.ok(p.marginBottom >= 1.3 * p.lineHeight,
            `${path}: paragraph "${p.text}" margin-bottom ${p.marginBottom}px >= 1.3 × line-height ${p.lineHeight}px`);
        }
      }

      // And back to the standard version.
      await page.goto('/jigou');
      await page.getByRole('link', { name: '切换到标准版' }).click();
      await page.waitForURL('**/jigou');
      assert.equal(await page.locator('html.care').count(), 0, 'standard mode again');
      assert.notEqual(careCookie(await context.cookies()), '1');
      await page.goto('/');
      assert.equal((await metrics(page)).rootFontSize, normal.rootFontSize);
    } finally {
      await context.close();
    }
  });

  it('the focus indicator is stronger in care mode', async () => {
    const widths = {};
    for (const care of [false, true]) {
      const context = await newContext(env.browser, { server: env.server, care });
      try {
        const page = await context.newPage();
        await page.goto('/');
        await page.keyboard.press('Tab');
        widths[care ? 'care' : 'normal'] = await page.evaluate(() => parseFloat(getComputedStyle(document.activeElement).outlineWidth));
      } finally {
        await context.close();
      }
    }
    assert.ok(widths.care > widths.normal, `outline ${widths.care}px in care mode vs ${widths.normal}px`);
  });

  it('the switch only goes back to pages of this site', async () => {
    const context = await newContext(env.browser, { server: env.server });
    try {
      const page = await context.newPage();
      const requests = [];
      page.on('request', (r) => requests.push(r.url()));
      await page.goto('/mode?care=1&back=https://example.invalid/');
      assert.equal(new URL(page.url()).origin, env.server.origin, `stayed on the site: ${page.url()}`);
      assert.equal(await page.locator('html.care').count(), 1);
      assert.ok(requests.every((u) => u.startsWith(env.server.origin)), requests.join(', '));
    } finally {
      await context.close();
    }
  });
});
