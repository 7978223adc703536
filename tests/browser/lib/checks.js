'use strict';
// Reusable checks: axe-core, the Nu HTML Checker, and formatting of their findings.
const { execFile } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { AxeBuilder } = require('@axe-core/playwright');

const ARTIFACTS = path.resolve(__dirname, '..', 'artifacts');
const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

function artifactDir(...parts) {
  const dir = path.join(ARTIFACTS, ...parts);
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

/** Run axe with the WCAG 2.1 A/AA tags; resolves to the violations array. */
async function axeViolations(page) {
  const results = await new AxeBuilder({ page }).withTags(WCAG_TAGS).analyze();
  return results.violations;
}

/** A readable, detailed description of axe violations (rule, impact, help, every node). */
function formatAxe(violations) {
  return violations.map((v) => {
    const nodes = v.nodes.map((n) => {
      const summary = (n.failureSummary || '').split('\n').map((l) => `        ${l}`).join('\n');
      return `    - target: ${JSON.stringify(n.target)}\n      html: ${n.html}\n${summary}`;
    }).join('\n');
    return `  [${v.impact}] ${v.id}: ${v.help} (${v.tags.filter((t) => t.startsWith('wcag')).join(', ')})\n    ${v.helpUrl}\n${nodes}`;
  }).join('\n');
}

/**
 * Run the Nu HTML Checker (vnu.jar from the vnu-jar package, on the machine's Java) over files.
 * Resolves to the list of error messages ({ url, lastLine, message, extract, type, subType }).
 */
function vnuErrors(files) {
  const jar = String(require('vnu-jar'));
  return new Promise((resolve, reject) => {
    execFile('java', ['-jar', jar, '--errors-only', '--format', 'json', ...files],
      { maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        // vnu exits 1 when it found errors; the JSON report is on stderr.
        let report;
        try {
          report = JSON.parse(stderr || stdout);
        } catch (e) {
          reject(new Error(`vnu did not print JSON (exit ${error && error.code}):\n${stderr}\n${stdout}`));
          return;
        }
        resolve((report.messages || []).filter((m) => m.type === 'error' || m.type === 'non-document-error'));
      });
  });
}

function formatVnu(messages) {
  return messages.map((m) => {
    const file = m.url ? path.basename(decodeURIComponent(m.url.replace(/^file:/, ''))) : '?';
    return `  ${file}:${m.lastLine ?? '?'}:${m.firstColumn ?? m.lastColumn ?? '?'} ${m.type}${m.subType ? `/${m.subType}` : ''}: ${m.message}${m.extract ? `\n      ${JSON.stringify(m.extract)}` : ''}`;
  }).join('\n');
}

module.exports = { ARTIFACTS, WCAG_TAGS, artifactDir, axeViolations, formatAxe, vnuErrors, formatVnu };
