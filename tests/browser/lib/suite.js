'use strict';
// One server and one browser per spec file: call useSuite() at the top of a spec and read
// `env.server` / `env.browser` inside tests.
const { before, after } = require('node:test');
const { startServer } = require('./server');
const { launchBrowser } = require('./browser');

function useSuite() {
  const env = { server: null, browser: null };
  before(async () => {
    env.server = await startServer();
    env.browser = await launchBrowser();
  });
  after(async () => {
    if (env.browser) await env.browser.close();
    if (env.server) await env.server.stop();
  });
  return env;
}

module.exports = { useSuite };
