'use strict';
// Launches Debian's Chromium through playwright-core (no browser download, ever).
const fs = require('node:fs');
const { chromium } = require('playwright-core');

const EXECUTABLE = process.env.CHROMIUM_BIN || '/usr/bin/chromium';

// The launch flags the project documents. Playwright adds its own pipe/automation flags and a
// fresh temporary --user-data-dir for every launch (it refuses a --user-data-dir in args for
// launch(); launchPersistentContext would allow only one context per browser).
const LAUNCH_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const DESKTOP = { width: 1280, height: 800 };
const NARROW = { width: 360, height: 740 };

async function launchBrowser() {
  if (!fs.existsSync(EXECUTABLE)) {
    throw new Error(`${EXECUTABLE} is missing: run tests/browser/run.sh (it installs Debian's chromium)`);
  }
  return chromium.launch({ executablePath: EXECUTABLE, headless: true, args: LAUNCH_ARGS });
}

/**
 * A new isolated context (own cookies). Every request any of its pages makes is recorded in
 * `ctx.requests` so tests can assert that nothing leaves the test server.
 * Options: care (preset the elder-mode cookie), viewport, javaScriptEnabled, server (required for care).
 */
async function newContext(browser, { server, care = false, viewport = DESKTOP, javaScriptEnabled = true } = {}) {
  const context = await browser.newContext({
    viewport,
    javaScriptEnabled,
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    baseURL: server ? server.url : undefined,
  });
  context.setDefaultTimeout(15_000);
  context.requests = [];
  context.on('request', (req) => { context.requests.push(req.url()); });
  if (care) {
    await context.addCookies([{ name: 'gk_care', value: '1', url: server.url }]);
  }
  return context;
}

module.exports = { launchBrowser, newContext, LAUNCH_ARGS, DESKTOP, NARROW, EXECUTABLE };
