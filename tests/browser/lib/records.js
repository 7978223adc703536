'use strict';
// Proactive disclosure (信息发布): the demo's well-known records, finding public records through the
// JSON API, and the back-office steps of the record workflow (draft → attachment → submit →
// review) done through the real forms, as staff would.
const assert = require('node:assert/strict');

/** Records the demo loader always publishes (or leaves pending), independent of the corpus. */
const DEMO = {
  seed: {
    indexNo: 'WQX001-2018-000060',
    title: '乌恰县2017年政府政务公开实施方案',
    org: '乌恰县人民政府',
    published: '2018-05-22 18:41',
    column: '政府信息公开制度',
  },
  policy: { org: 'WQX004', kind: 'normative', title: '乌恰县县级财政专项资金管理办法' },
  interpretation: { title: '《乌恰县县级财政专项资金管理办法》政策解读' },
  // Submitted by demo-editor, with a planted mobile number for the screening demo.
  pending: { title: '关于做好2026年度城乡居民医疗保险缴费工作的通知', mobile: '13912345678' },
};

/**
 * A small but valid PDF (one page, one line of Helvetica text) with a correct xref table, built
 * on the fly so the suite ships no binary fixtures. The server sniffs content, so it must really
 * be a PDF; ASCII text only, so the byte offsets are the string offsets.
 */
function minimalPdf(text = 'gongkai browser suite attachment') {
  const safe = text.replace(/[\\()]/g, '\\$&');
  const stream = `BT /F1 18 Tf 72 720 Td (${safe}) Tj ET`;
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>',
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
    `<< /Length ${stream.length} >>\nstream\n${stream}\nendstream`,
  ];
  let out = '%PDF-1.4\n';
  const offsets = [];
  objects.forEach((body, i) => {
    offsets.push(out.length);
    out += `${i + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xref = out.length;
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const o of offsets) out += `${String(o).padStart(10, '0')} 00000 n \n`;
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}

/**
 * The public URL (path) of the first record the JSON API lists for `query` that matches
 * `predicate`; pages through the whole listing. Uses the context's request API (same cookies).
 */
async function findPublicRecord(page, query, predicate, what) {
  for (let n = 1; n < 100; n += 1) {
    const resp = await page.request.get(`/api/v1/records?${query}${query ? '&' : ''}per_page=100&page=${n}`);
    assert.equal(resp.status(), 200, `GET /api/v1/records?${query}`);
    const data = await resp.json();
    const hit = data.items.find(predicate);
    if (hit) return hit.url;
    if (!data.items.length || n * data.per_page >= data.total) break;
  }
  throw new Error(`the demo has no public record ${what} (/api/v1/records?${query})`);
}

/** Path of the demo policy that has an interpretation. */
function policyPath(page) {
  const { org, kind, title } = DEMO.policy;
  return findPublicRecord(page, `org=${org}&kind=${kind}`, (r) => r.title === title, `titled ${title}`);
}

/** Path of the demo's repealed (废止) policy, the one that points at its successor. */
function repealedPath(page) {
  return findPublicRecord(page, 'kind=policy', (r) => r.validity === 'repealed', 'marked 废止 (needs the corpus)');
}

/** Path (/admin/records/<id>) of the staff link named `title` in the records list of `status`. */
async function adminRecordPath(page, status, title) {
  await page.goto(`/admin/records?status=${status}`);
  const link = page.getByRole('main').getByRole('link', { name: title, exact: true });
  if (!(await link.count())) return null;
  return new URL(await link.first().getAttribute('href'), page.url()).pathname;
}

/** Click a button (or press a key on it) and wait for the page it leads to. */
async function clickAndWait(page, locator) {
  const [response] = await Promise.all([page.waitForNavigation(), locator.click()]);
  return response;
}

/**
 * Fill the 起草信息 form. `fields`: title, kind (label), docNumber, writtenOn (YYYY-MM-DD),
 * theme (option value, e.g. 财政、金融、审计\财政), keywords, summary, body, columns (labels).
 */
async function fillRecordForm(page, fields) {
  await page.getByLabel('名称').fill(fields.title);
  if (fields.kind) await page.getByLabel('信息类别').selectOption({ label: fields.kind });
  if (fields.docNumber !== undefined) await page.getByLabel('文号').fill(fields.docNumber);
  if (fields.writtenOn) await page.getByLabel('成文日期').fill(fields.writtenOn);
  if (fields.theme) await page.getByLabel('主题分类').selectOption(fields.theme);
  if (fields.keywords) await page.getByLabel('主题词').fill(fields.keywords);
  if (fields.summary) await page.getByLabel('内容概述').fill(fields.summary);
  await page.getByRole('textbox', { name: '正文', exact: true }).fill(fields.body);
  const group = page.getByRole('group', { name: '所属栏目' });
  for (const c of fields.columns || []) await group.getByLabel(c, { exact: true }).check();
}

/** Draft a record through the form; resolves to the record's back-office path. */
async function createDraft(page, fields) {
  await page.goto('/admin/records/new');
  await fillRecordForm(page, fields);
  const resp = await clickAndWait(page, page.getByRole('button', { name: '保存草稿' }));
  assert.ok(resp && resp.status() < 400, `保存草稿 failed with status ${resp && resp.status()}:\n${await page.locator('main').innerText()}`);
  const path = new URL(page.url()).pathname;
  assert.match(path, /^\/admin\/records\/\d+$/, `保存草稿 should show the record, got ${page.url()}`);
  return path;
}

/** Upload a file through the attachment form of the draft currently shown. */
async function uploadAttachment(page, file) {
  await page.getByLabel('上传附件').setInputFiles(file);
  const resp = await clickAndWait(page, page.getByRole('button', { name: '上传', exact: true }));
  assert.ok(resp && resp.status() < 400, `上传 failed with status ${resp && resp.status()}:\n${await page.locator('main').innerText()}`);
  return resp;
}

const FILE_NAME = '附件1-资金分配表.pdf';
/** The attachment the journeys upload: a real PDF with a Chinese file name. */
function demoAttachment(name = FILE_NAME) {
  return { name, mimeType: 'application/pdf', buffer: minimalPdf() };
}

/** Approve the pending record currently shown, with the given 公开属性. */
async function approve(page, { disclosure = '主动公开', note = '已核实，可以公开。' } = {}) {
  await page.getByRole('radio', { name: disclosure }).check();
  const noteField = page.getByLabel('审查说明');
  if (await noteField.count()) await noteField.fill(note);
  const resp = await clickAndWait(page, page.getByRole('button', { name: '审核通过并发布' }));
  assert.ok(resp && resp.status() < 400, `审核通过并发布 failed with status ${resp && resp.status()}:\n${await page.locator('main').innerText()}`);
  return resp;
}

/**
 * The filename a Content-Disposition header names (RFC 6266: filename* preferred), or null
 * when the header does not say `attachment`.
 */
function attachmentName(disposition) {
  if (!disposition || !/^\s*attachment\b/i.test(disposition)) return null;
  const star = disposition.match(/filename\*\s*=\s*UTF-8''([^;]+)/i);
  if (star) return decodeURIComponent(star[1].trim());
  const plain = disposition.match(/filename\s*=\s*"([^"]*)"/i);
  return plain ? plain[1] : null;
}

module.exports = {
  DEMO, FILE_NAME, minimalPdf, demoAttachment, findPublicRecord, policyPath, repealedPath,
  adminRecordPath, clickAndWait, fillRecordForm, createDraft, uploadAttachment, approve, attachmentName,
};
