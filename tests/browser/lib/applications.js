'use strict';
// Disclosure on application (依申请公开): a valid applicant, filling the public form, the status
// lookup, and the staff steps of the workbench (登记, 补正告知, 收到补正, 答复) done through the real
// forms. Applications are addressed to 乌恰县人民政府办公室 (WQX002), which demo-handler handles.
const assert = require('node:assert/strict');
const { newContext } = require('./browser');
const { DEMO_PASSWORD } = require('./server');
const { minimalPdf } = require('./records');

/** The organisation the suite applies to, and who handles it. */
const ORG = { code: 'WQX002', name: '乌恰县人民政府办公室' };
const HANDLER = 'demo-handler';
/** The status lookup's error, tied to both fields. */
const LOOKUP_ERROR = '查询码或查询密码不正确';

/**
 * A natural person with a valid ID number (checksum) and mobile number. `description` differs
 * per application so each can be found in the staff queue.
 */
const APPLICANT = {
  org: ORG.code,
  kind: '自然人',
  name: '阿依古丽·吐尔逊',
  idNumber: '11010519491231002X',
  idMasked: '110***********002X',
  phone: '13912345678',
  email: 'ayiguli@example.com',
  address: '新疆乌恰县迎宾路 8 号',
  postcode: '845450',
  delivery: '电子邮件',
  secret: 'chaxun-2026',
};

/** A proof of identity the applicant attaches (a real PDF: the server types files by content). */
function proofPdf(name = '身份证扫描件.pdf') {
  return { name, mimeType: 'application/pdf', buffer: minimalPdf('ID card scan (browser suite)') };
}
/** A file the form must refuse: a program, not a PDF, image or Word document. */
const BAD_PROOF = { name: '身份证.exe', mimeType: 'application/octet-stream', buffer: Buffer.from('MZ\x90\x00 this is not a document', 'latin1') };

let counter = 0;
/** A description no other application of this run has (the queue lists it, the test finds it). */
function uniqueDescription(what) {
  counter += 1;
  return `申请公开乌恰县2026年${what}（浏览器测试 ${process.pid}-${counter}-${Date.now() % 100000}）`;
}

/** The JSON body of POST /api/v1/applications for `fields` (APPLICANT's shape). */
function apiBody(fields) {
  const f = { ...APPLICANT, ...fields };
  return {
    org: f.org,
    applicant_kind: 'natural',
    name: f.name,
    id_number: f.idNumber,
    phone: f.phone,
    email: f.email,
    address: f.address,
    postcode: f.postcode,
    description: f.description,
    delivery: 'email',
    secret: f.secret,
  };
}

/** Apply through the JSON API (a setup step); resolves to the receipt { tracking_code, … }. */
async function applyThroughApi(request, fields) {
  const resp = await request.post('/api/v1/applications', { data: apiBody(fields) });
  assert.equal(resp.status(), 201, `POST /api/v1/applications: ${resp.status()} ${await resp.text()}`);
  return resp.json();
}

/** Fill the public application form (page on /ysqgk/apply) with the mouse-free Playwright API. */
async function fillApplyForm(page, fields) {
  const f = { ...APPLICANT, ...fields };
  await page.getByLabel('向哪个机关申请').selectOption(f.org);
  await page.getByRole('radiogroup', { name: '申请人类型' }).getByLabel(f.kind, { exact: true }).check();
  await page.getByLabel('姓名或名称').fill(f.name);
  await page.getByLabel('身份证号码（自然人填写）').fill(f.idNumber);
  await page.getByLabel('联系电话').fill(f.phone);
  await page.getByLabel('电子邮箱').fill(f.email);
  await page.getByLabel('通讯地址').fill(f.address);
  await page.getByLabel('邮政编码').fill(f.postcode);
  await page.getByLabel('所需政府信息的内容描述').fill(f.description);
  if (f.docHint) await page.getByLabel('文件名称或文号（如知道）').fill(f.docHint);
  await page.getByRole('group', { name: /获取信息的方式/ }).getByLabel(f.delivery, { exact: true }).check();
  if (f.proof) await page.getByLabel('身份证明（可选）').setInputFiles(f.proof);
  await page.getByLabel('设置查询密码').fill(f.secret);
  await page.getByLabel('再次输入查询密码').fill(f.secretAgain ?? f.secret);
}

/** Click a button and wait for the page it leads to; resolves to the navigation response. */
async function submit(page, name) {
  const [response] = await Promise.all([
    page.waitForNavigation(),
    page.getByRole('button', { name, exact: true }).click(),
  ]);
  return response;
}

/** Apply through the public form; resolves to { response, trackingCode, receivedOn, dueOn }. */
async function applyThroughForm(page, fields) {
  await page.goto('/ysqgk/apply');
  await fillApplyForm(page, fields);
  const response = await submit(page, '提交申请');
  assert.equal(response.status(), 201, `提交申请: ${response.status()}\n${await page.locator('main').innerText()}`);
  return { response, ...(await receipt(page)) };
}

/** The facts of the receipt page: { trackingCode, receivedOn, dueOn } (dueOn as shown). */
async function receipt(page) {
  const facts = await page.locator('dl.facts').evaluate((dl) => {
    const out = {};
    for (const dt of dl.querySelectorAll('dt')) out[dt.textContent.trim()] = dt.nextElementSibling.textContent.trim();
    return out;
  });
  return {
    trackingCode: (await page.locator('strong.code').innerText()).trim(),
    receivedOn: facts['收到日期'],
    dueOn: facts['答复期限'],
    facts,
  };
}

/** Fill and send the status lookup form (page anywhere); resolves to the navigation response. */
async function lookUp(page, trackingCode, secret) {
  await page.goto('/ysqgk/status');
  await page.getByLabel('查询码').fill(trackingCode);
  await page.getByLabel('查询密码').fill(secret);
  return submit(page, '查询');
}

/** The 办理进度 page's facts as { 查询码: …, 当前状态: …, … }. */
function statusFacts(page) {
  return page.locator('dl.facts').evaluate((dl) => {
    const out = {};
    for (const dt of dl.querySelectorAll('dt')) out[dt.textContent.trim()] = dt.nextElementSibling.textContent.trim();
    return out;
  });
}

/** Log a page in through the staff form as `username`. */
async function staffLogin(page, username) {
  await page.goto('/admin/login');
  await page.getByLabel('用户名').fill(username);
  await page.getByLabel('密码').fill(DEMO_PASSWORD);
  await submit(page, '登录');
  assert.equal(new URL(page.url()).pathname, '/admin', `${username} signs in`);
}

/** From the queue, open the application with this tracking code; resolves to its path. */
async function openFromQueue(page, trackingCode) {
  await page.goto('/admin/applications');
  const link = page.getByRole('table', { name: /申请/ }).getByRole('link', { name: trackingCode, exact: true });
  assert.equal(await link.count(), 1, `the queue lists ${trackingCode}`);
  await Promise.all([page.waitForURL(/\/admin\/applications\/\d+$/), link.click()]);
  return new URL(page.url()).pathname;
}

/** The status shown on the staff page of an application. */
async function staffStatus(page) {
  return (await page.locator('dl.facts dd').first().locator('strong').innerText()).trim();
}

/** Send one event form and check the page came back without an error. */
async function sendEvent(page, button, what) {
  const response = await submit(page, button);
  const error = page.getByRole('alert');
  assert.ok(response.status() < 400 && !(await error.count()),
    `${what}: status ${response.status()}${(await error.count()) ? `: ${await error.first().innerText()}` : ''}`);
  return response;
}

/** 登记 (the application must be 已收到). */
async function register(page) {
  await sendEvent(page, '登记', '登记');
  assert.equal(await staffStatus(page), '办理中');
}

/** Open the <details> of an event form by its summary (as a person would: click the summary). */
async function openDetails(page, summary) {
  const details = page.locator('details').filter({ has: page.locator('summary', { hasText: summary }) });
  if (!(await details.evaluate((d) => d.open))) await details.locator('summary').click();
  return details;
}

/** 补正告知 with the matters to correct. */
async function requestCorrection(page, what) {
  const details = await openDetails(page, '补正告知');
  await details.getByLabel('需要补正的事项').fill(what);
  await sendEvent(page, '发出补正告知', '补正告知');
  assert.equal(await staffStatus(page), '待补正');
}

/** 登记收到补正 (today). */
async function correctionReceived(page) {
  await sendEvent(page, '登记收到补正（重新计算期限）', '登记收到补正');
  assert.equal(await staffStatus(page), '办理中');
}

/** 答复 with the outcome chosen by its visible label (e.g. 予以公开) and the generated letter. */
async function reply(page, outcome = '予以公开') {
  const select = page.getByLabel('答复类型', { exact: true });
  const option = await select.locator('option').evaluateAll((opts, want) => {
    const o = opts.find((x) => x.textContent.trim().replace(/^（[一二三四五六]）/, '').split(/\s+/).pop() === want);
    return o ? o.textContent : null;
  }, outcome);
  assert.ok(option, `答复类型 offers ${outcome}`);
  await select.selectOption({ label: option });
  await sendEvent(page, '发出答复', '答复');
  assert.equal(await staffStatus(page), '已答复');
}

/**
 * The whole staff side for an application, in its own signed-in context: 登记 → 补正告知 →
 * 收到补正 → 答复 (予以公开). Leaves two letters (补正告知书, 答复书).
 */
async function handleWithLetters(browser, baseURL, trackingCode) {
  const context = await newContext(browser, { server: { url: baseURL } });
  try {
    const page = await context.newPage();
    await staffLogin(page, HANDLER);
    await openFromQueue(page, trackingCode);
    await register(page);
    await requestCorrection(page, '请补充所需信息的文号或者成文时间。');
    await correctionReceived(page);
    await reply(page, '予以公开');
    return new URL(page.url()).pathname;
  } finally {
    await context.close();
  }
}

// Per server (origin): an application handled to the end, with its letters (made once).
const answered = new Map();
/**
 * { trackingCode, secret } of an application that was answered with two letters on this page's
 * server; created through the API and handled through the staff forms the first time.
 */
async function answeredApplication(page) {
  const origin = new URL((await page.request.get('/healthz')).url()).origin;
  if (!answered.has(origin)) {
    answered.set(origin, (async () => {
      const r = await applyThroughApi(page.request, { description: uniqueDescription('县政府常务会议纪要（页面检查用，已答复）') });
      await handleWithLetters(page.context().browser(), `${origin}/`, r.tracking_code);
      return { trackingCode: r.tracking_code, secret: APPLICANT.secret };
    })());
  }
  return answered.get(origin);
}

/**
 * Every visible field error (p.error with an id) must be named by some field's
 * aria-describedby, that field must be aria-invalid; resolves to a list of problems.
 */
function errorsTiedToFields(page) {
  return page.evaluate(() => {
    const problems = [];
    const errors = [...document.querySelectorAll('main .error, main .error-summary')];
    if (!errors.length) problems.push('no error message on the page');
    for (const e of errors) {
      if (e.classList.contains('error-summary')) continue;
      if (!e.id) { problems.push(`error without id: ${e.textContent.trim()}`); continue; }
      const fields = [...document.querySelectorAll('[aria-describedby]')]
        .filter((f) => f.getAttribute('aria-describedby').split(/\s+/).includes(e.id));
      if (!fields.length) problems.push(`error #${e.id} "${e.textContent.trim()}" is not in any field's aria-describedby`);
      for (const f of fields) {
        if (['INPUT', 'SELECT', 'TEXTAREA'].includes(f.tagName) && f.getAttribute('aria-invalid') !== 'true') {
          problems.push(`#${f.id} describes itself with #${e.id} but is not aria-invalid`);
        }
      }
    }
    return problems;
  });
}

module.exports = {
  ORG, HANDLER, APPLICANT, LOOKUP_ERROR, proofPdf, BAD_PROOF, uniqueDescription, apiBody, applyThroughApi, fillApplyForm,
  applyThroughForm, receipt, lookUp, statusFacts, submit, staffLogin, openFromQueue, staffStatus,
  sendEvent, register, openDetails, requestCorrection, correctionReceived, reply, handleWithLetters,
  answeredApplication, errorsTiedToFields,
};
