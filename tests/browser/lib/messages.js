'use strict';
// Public messages (政民互动): a writer, the message form and its receipt, the tracking lookup and
// the rating, and the staff steps of the workbench (受理, 交办, 拟写答复, 审核通过并答复, 整改完成,
// 整改核查) done through the real forms. demo-supervisor (政务公开办 at the county government)
// accepts, assigns, approves and checks; demo-handler (办理 at 乌恰县人民政府办公室, WQX002)
// drafts the replies and rectifies after a bad rating.
//
// Two limits shape the helpers: one phone number may send 5 messages a day, and the same content
// from the same phone within 30 days is refused (409). So every message gets its own phone number
// (uniquePhone) and its own content (uniqueContent).
const assert = require('node:assert/strict');
const zlib = require('node:zlib');
const { newContext } = require('./browser');
const ysq = require('./applications');

/** The department the suite assigns messages to, and who works there. */
const OFFICE = { code: 'WQX002', name: '乌恰县人民政府办公室' };
const HANDLER = 'demo-handler';
const SUPERVISOR = 'demo-supervisor';
/** `to` of the 县长信箱 (the default of the form). */
const HEAD_MAILBOX = 'head';
/** The tracking lookup's error, tied to both fields. */
const LOOKUP_ERROR = '查询码或查询密码不正确';
/** The query password of every demo message. */
const DEMO_SECRET = 'demo-chaxun';
/**
 * A published exchange of the demo (addressed to 乌恰县财政局): rated 不满意, rectified and checked,
 * so its public page has every section.
 */
const DEMO_EXCHANGE = {
  title: '惠民惠农补贴发放时间咨询',
  rating: '不满意',
  outcome: '经核查，因银行账户信息有误导致发放失败，已协助更正账户并于次日补发到位。',
};
/** The writer session cookie (Path=/hudong), which turns /hudong/status into the status page. */
const WRITER_COOKIE = 'gk_ly';

/**
 * A writer. `phone` is replaced per message (uniquePhone); the name is planted in the content by
 * the journeys so that the public page's masking can be checked.
 */
const WRITER = {
  to: HEAD_MAILBOX,
  kind: '咨询',
  name: '热依拉·买买提',
  email: 'reyila@example.com',
  allowPublish: true,
  secret: 'liuyan-2026',
};

let counter = 0;
/** A mobile number no other message of this run has (the server allows 5 a day per number). */
function uniquePhone() {
  counter += 1;
  return `139${String(process.pid % 10000).padStart(4, '0')}${String(counter % 10000).padStart(4, '0')}`;
}

/** The public pages' mask of a mobile number: 139******78. */
function maskedPhone(phone) {
  return `${phone.slice(0, 3)}******${phone.slice(-2)}`;
}

/** Content no other message of this run has (the server refuses a repeat from the same phone). */
function uniqueContent(what) {
  counter += 1;
  return `${what}（浏览器测试 ${process.pid}-${counter}-${Date.now() % 100000}）`;
}

// CRC-32 (PNG chunk checksums); Node 20 has no zlib.crc32.
const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k += 1) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf) {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

/**
 * A small but valid PNG (width × height, one RGB colour), built on the fly so the suite ships no
 * binary fixtures; the server types uploads by their content.
 */
function minimalPng(width = 4, height = 4, rgb = [31, 95, 168]) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // colour type: RGB
  const row = Buffer.from([0, ...Array.from({ length: width }, () => rgb).flat()]); // filter 0
  const raw = Buffer.concat(Array.from({ length: height }, () => row));
  return Buffer.concat([
    Buffer.from('\x89PNG\r\n\x1a\n', 'latin1'),
    chunk('IHDR', ihdr),
    chunk('IDAT', zlib.deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** A photo the writer attaches (a real PNG). */
function photo(name = '现场照片.png') {
  return { name, mimeType: 'image/png', buffer: minimalPng() };
}

/** The JSON body of POST /api/v1/messages for `fields` (WRITER's shape; `kind` as code or label). */
function apiBody(fields) {
  const f = { ...WRITER, ...fields };
  return {
    to: f.to,
    kind: f.kind,
    title: f.title,
    content: f.content,
    name: f.name,
    phone: f.phone || uniquePhone(),
    email: f.email,
    allow_publish: f.allowPublish ? '1' : '',
    secret: f.secret,
  };
}

/** Write through the JSON API (a setup step); resolves to the receipt { tracking_code, … }. */
async function writeThroughApi(request, fields) {
  const body = apiBody(fields);
  const resp = await request.post('/api/v1/messages', { data: body });
  assert.equal(resp.status(), 201, `POST /api/v1/messages: ${resp.status()} ${await resp.text()}`);
  return { ...(await resp.json()), phone: body.phone, secret: body.secret };
}

/**
 * Fill the message form (page on /hudong/write) with the mouse-free Playwright API. `to` is
 * `head` or an organ code; `kind` the label of the 留言类型 radio button; `files` attachments.
 */
async function fillWriteForm(page, fields) {
  const f = { ...WRITER, ...fields };
  await page.getByLabel('留言对象').selectOption(f.to);
  await page.getByRole('group', { name: /留言类型/ }).getByLabel(f.kind, { exact: true }).check();
  await page.getByLabel(/^标题/).fill(f.title);
  await page.getByLabel('留言内容').fill(f.content);
  if (f.files) await page.getByLabel('附件（可选）').setInputFiles(f.files);
  await page.getByLabel(/^姓名/).fill(f.name);
  await page.getByLabel('联系电话').fill(f.phone);
  await page.getByLabel('电子邮箱').fill(f.email);
  await page.getByLabel(/同意在“留言选登”中公开/).setChecked(Boolean(f.allowPublish));
  await page.getByLabel('设置查询密码').fill(f.secret);
  await page.getByLabel('再次输入查询密码').fill(f.secretAgain ?? f.secret);
}

/**
 * Write through the public form; resolves to { response, trackingCode, receivedOn, dueOn, facts,
 * phone } (a fresh phone number unless `fields.phone` is given).
 */
async function writeThroughForm(page, fields) {
  const phone = fields.phone || uniquePhone();
  await page.goto('/hudong/write');
  await fillWriteForm(page, { ...fields, phone });
  const response = await ysq.submit(page, '提交留言');
  assert.equal(response.status(), 201, `提交留言: ${response.status()}\n${await page.locator('main').innerText()}`);
  return { response, phone, ...(await ysq.receipt(page)) };
}

/** The public path (/hudong/<id>) of the exchange titled `title` in 留言选登 (every page of it). */
async function publicPath(page, title) {
  for (let n = 1; n < 50; n += 1) {
    await page.goto(`/hudong/?page=${n}`);
    const list = page.getByRole('region', { name: '留言选登' });
    const link = list.getByRole('link', { name: title, exact: true });
    if (await link.count()) return new URL(await link.first().getAttribute('href'), page.url()).pathname;
    if (!(await page.getByRole('link', { name: '下一页' }).count())) break;
  }
  throw new Error(`留言选登 does not list ${title}`);
}

/** The facts of a page's first dl.facts as { 查询码: …, 当前状态: …, … }. */
function facts(page) {
  return page.locator('main dl.facts').first().evaluate((dl) => {
    const out = {};
    for (const dt of dl.querySelectorAll(':scope > dt')) out[dt.textContent.trim()] = dt.nextElementSibling.textContent.trim();
    return out;
  });
}

/**
 * Fill and send the tracking lookup form; resolves to the navigation response. The writer
 * cookie is dropped first: with it, /hudong/status is the status page of the message looked up
 * last, not the form.
 */
async function lookUp(page, trackingCode, secret) {
  await page.context().clearCookies({ name: WRITER_COOKIE });
  await page.goto('/hudong/status');
  await page.getByLabel('查询码').fill(trackingCode);
  await page.getByLabel('查询密码').fill(secret);
  return ysq.submit(page, '查询');
}

/** Rate the reply on the status page (rating by label, e.g. 不满意); resolves to the response. */
async function rate(page, rating, comment = '') {
  const form = page.getByRole('region', { name: '评价答复' });
  await form.getByRole('group', { name: /您对答复是否满意/ }).getByLabel(rating, { exact: true }).check();
  if (comment) await form.getByLabel('评价意见（可选）').fill(comment);
  return ysq.submit(page, '提交评价');
}

/**
 * From the staff queue (`view`: '' for 待办留言, or watch, rectify, all), open the message with
 * this tracking code; resolves to its path.
 */
async function openFromQueue(page, trackingCode, view = '') {
  await page.goto(`/admin/messages${view ? `?view=${view}` : ''}`);
  const link = page.getByRole('table', { name: /留言/ }).getByRole('link', { name: trackingCode, exact: true });
  assert.equal(await link.count(), 1, `the queue${view ? ` (${view})` : ''} lists ${trackingCode}`);
  await Promise.all([page.waitForURL(/\/admin\/messages\/\d+$/), link.click()]);
  return new URL(page.url()).pathname;
}

/** The status shown on the staff page of a message (状态, without the 督办 count). */
async function staffStatus(page) {
  return (await page.locator('main dl.facts dt:text-is("状态") + dd strong').innerText()).trim();
}

/** The 办理 section of the staff page (every form of the message's state is in it). */
function actions(page) {
  return page.getByRole('region', { name: '办理', exact: true });
}

/** 受理 (the message must be 待受理). */
async function accept(page) {
  await ysq.sendEvent(page, '受理', '受理');
  assert.equal(await staffStatus(page), '已受理');
}

/** 交办 to the department named `orgName` (its <details> opened by clicking the summary). */
async function assign(page, orgName = OFFICE.name) {
  const details = await ysq.openDetails(page, '交办承办单位');
  await details.getByLabel('承办单位').selectOption({ label: orgName });
  await ysq.sendEvent(page, '交办', '交办');
  assert.equal(await staffStatus(page), '办理中');
}

/** 提交答复审核 with the reply typed into 答复内容. */
async function draftReply(page, text) {
  await page.getByLabel('答复内容（提交后由政务公开办审核）').fill(text);
  await ysq.sendEvent(page, '提交答复审核', '提交答复审核');
  assert.equal(await staffStatus(page), '答复待审核');
}

/** 审核通过并答复, published in 留言选登 when `publish` (the writer must have agreed). */
async function approveReply(page, { publish = true } = {}) {
  const box = page.getByLabel(/在“留言选登”中公开/);
  if (await box.count()) await box.setChecked(publish);
  await ysq.sendEvent(page, '审核通过并答复', '审核通过并答复');
  assert.equal(await staffStatus(page), '已答复');
}

/** 登记整改完成 with what was done (after a bad rating). */
async function rectifyDone(page, outcome) {
  await page.getByLabel('整改情况（将告知留言人并公开）').fill(outcome);
  await ysq.sendEvent(page, '登记整改完成', '登记整改完成');
}

/** 核查通过 with the office's note. */
async function rectifyCheck(page, note) {
  await page.getByLabel('核查意见').fill(note);
  await ysq.sendEvent(page, '核查通过', '核查通过');
}

/** Run `steps(page)` signed in as `username` in a context of its own (closed afterwards). */
async function asStaff(browser, baseURL, username, steps) {
  const context = await newContext(browser, { server: { url: baseURL } });
  try {
    const page = await context.newPage();
    await ysq.staffLogin(page, username);
    return await steps(page);
  } finally {
    await context.close();
  }
}

/**
 * Demo messages that were answered and not rated yet (their status pages offer the rating form):
 * one for the page checks, one for the rating journey, one per mode for the keyboard-only rating.
 */
const DEMO_REPLIED = {
  pages: '冬季供暖不热求助',
  journey: '政府采购供应商注册咨询',
  keyboard: { normal: '建议在旅游景区增设无障碍设施', care: '出租车不打表议价' },
};

/**
 * Demo messages whose staff pages show the later forms (seen by demo-supervisor): a reply drafted
 * by demo-handler awaiting review, and a reply rated 非常不满意 whose rectification is open.
 */
const DEMO_STAFF = { review: '宅基地确权登记咨询', rectify: '农村危房改造申请咨询' };

/** Open the staff page of the demo message titled `title` from 全部留言 (page signed in as staff). */
async function openDemoMessage(page, title) {
  await page.goto('/admin/messages?view=all');
  const row = page.getByRole('table', { name: /留言/ }).getByRole('row').filter({ hasText: title });
  assert.equal(await row.count(), 1, `全部留言 lists the demo message ${title}`);
  await Promise.all([page.waitForURL(/\/admin\/messages\/\d+$/), row.getByRole('link').first().click()]);
  assert.equal(await page.getByRole('heading', { level: 1 }).innerText(), title, `the staff page names the message ${title}`);
  return new URL(page.url()).pathname;
}

// Per server (origin) and title: the tracking code of a demo message, read from the staff list.
const demoCodes = new Map();
/**
 * { trackingCode, secret } of the demo message titled `title` on this page's server. The demo's
 * tracking codes are random: demo-supervisor reads it from 全部留言 (in a context of its own) the
 * first time; every demo message's query password is demo-chaxun.
 */
async function demoMessage(page, title) {
  const origin = new URL((await page.request.get('/healthz')).url()).origin;
  const key = `${origin} ${title}`;
  if (!demoCodes.has(key)) {
    demoCodes.set(key, asStaff(page.context().browser(), `${origin}/`, SUPERVISOR, async (staff) => {
      await staff.goto('/admin/messages?view=all');
      const row = staff.getByRole('table', { name: /留言/ }).getByRole('row').filter({ hasText: title });
      assert.equal(await row.count(), 1, `全部留言 lists the demo message ${title}`);
      return (await row.getByRole('link').first().innerText()).trim();
    }));
  }
  return { trackingCode: await demoCodes.get(key), secret: DEMO_SECRET };
}

module.exports = {
  OFFICE, HANDLER, SUPERVISOR, HEAD_MAILBOX, LOOKUP_ERROR, DEMO_SECRET, DEMO_EXCHANGE, WRITER_COOKIE,
  WRITER, uniquePhone, maskedPhone, uniqueContent, minimalPng, photo, apiBody, writeThroughApi, fillWriteForm,
  writeThroughForm, publicPath, facts, lookUp, rate, openFromQueue, staffStatus, actions, accept, assign,
  draftReply, approveReply, rectifyDone, rectifyCheck, asStaff, DEMO_REPLIED, demoMessage, DEMO_STAFF, openDemoMessage,
};
