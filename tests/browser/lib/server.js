'use strict';
// Starts `gongkai serve --demo` on a random port with a fresh data folder, and stops it.
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..', '..', '..');
const DEMO_PASSWORD = process.env.GONGKAI_DEMO_PASSWORD || 'Demo-2026-wuqia';
const STARTED = /已启动：(http:\/\/[^\s/]+\/)/;
// The demo publishes a few hundred real texts from the shared corpus when it finds it; the suite
// points it there explicitly because the server runs in a temp dir. In CI the repository is
// cloned with `shared/` beside it, so the corpus is <repo>/../shared/corpus/laws.jsonl.gz.
const CORPUS = process.env.GONGKAI_DEMO_CORPUS
  || path.resolve(ROOT, '..', 'shared', 'corpus', 'laws.jsonl.gz');

// run.sh loads the demo once per suite run into GONGKAI_DEMO_TEMPLATE (lib/demo-template.js): every
// spec file's server then starts from a copy of that folder instead of loading the demo again (a
// few seconds of CPU each, twenty-odd times). Without it, each server loads the demo itself.
const TEMPLATE = process.env.GONGKAI_DEMO_TEMPLATE || '';
/** What the template's own server printed (the demo's summary), kept beside the folder. */
function templateOutput() {
  return TEMPLATE ? fs.readFileSync(path.join(TEMPLATE, '..', 'serve.out'), 'utf8') : '';
}

function binaryPath() {
  const bin = process.env.GONGKAI_BIN || path.join(ROOT, 'target', 'debug', 'gongkai');
  const abs = path.resolve(bin);
  if (!fs.existsSync(abs)) {
    throw new Error(`gongkai binary not found at ${abs}; build it (cargo build -p gongkai) or set GONGKAI_BIN`);
  }
  return abs;
}

/**
 * Start a server. Resolves to { url, origin, dataDir, output(), stop() }.
 * Options: `keepData` leaves the data folder in place after stop(); `fromTemplate: false` loads
 * the demo even when a template folder is set.
 * `url` ends with a slash (http://127.0.0.1:PORT/); `origin` has none.
 */
async function startServer({ timeoutMs = 60_000, extraArgs = [], keepData = false, fromTemplate = true } = {}) {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gongkai-browser-'));
  const copied = fromTemplate && TEMPLATE !== '';
  if (copied) fs.cpSync(TEMPLATE, dataDir, { recursive: true });
  const child = spawn(
    binaryPath(),
    ['serve', '--demo', '--data', dataDir, '--listen', '127.0.0.1:0', ...extraArgs],
    {
      cwd: dataDir, // so no stray gongkai.toml from the repo is picked up
      env: {
        ...process.env,
        GONGKAI_DEMO_PASSWORD: DEMO_PASSWORD,
        NO_COLOR: '1',
        // Every spec applies for information many times from 127.0.0.1; the production limit
        // (20 an hour per address) would refuse the later journeys with 429.
        GONGKAI_SUBMISSIONS_PER_HOUR: process.env.GONGKAI_SUBMISSIONS_PER_HOUR || '1000',
        ...(fs.existsSync(CORPUS) ? { GONGKAI_DEMO_CORPUS: CORPUS } : {}),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  let err = '';
  child.stdout.setEncoding('utf8');
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (d) => { err += d; });

  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`gongkai did not print its URL within ${timeoutMs} ms\nstdout:\n${out}\nstderr:\n${err}`));
    }, timeoutMs);
    child.stdout.on('data', (d) => {
      out += d;
      const m = out.match(STARTED);
      if (m) { clearTimeout(timer); resolve(m[1]); }
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`gongkai exited early (code ${code}, signal ${signal})\nstdout:\n${out}\nstderr:\n${err}`));
    });
  });

  let exited = false;
  const exitPromise = new Promise((resolve) => child.on('exit', (code, signal) => { exited = true; resolve({ code, signal }); }));

  return {
    url,
    // Whether the demo loaded the corpus (long listings with pagination depend on it).
    corpus: /含语料库/.test(copied ? templateOutput() : out),
    origin: new URL(url).origin,
    dataDir,
    output: () => ({ stdout: out, stderr: err }),
    async stop() {
      if (!exited) {
        child.kill('SIGTERM');
        const t = setTimeout(() => { if (!exited) child.kill('SIGKILL'); }, 10_000);
        await exitPromise;
        clearTimeout(t);
      }
      if (!keepData) fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

module.exports = { startServer, DEMO_PASSWORD, ROOT, CORPUS };
