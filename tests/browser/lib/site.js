'use strict';
// Knowledge about the gongkai site shared by the specs: the catalogue of page types that every
// cross-cutting check (axe, Nu HTML Checker, 360 px layout, external requests, size, screenshots)
// loops over, and the journeys' building blocks (logging in, switching the elder-friendly mode).
//
// To cover a new page type, add an entry to PAGES:
//   name        unique, used in file names and test titles
//   path        what to open (relative to the server URL)
//   resolve     optional async (page) => path, for pages whose address depends on the data (a
//               record found through the API, a draft created through the form); called after
//               signing in, the result is then opened like `path` (which stays as a label)
//   login       a demo account to sign in as first (the context stays signed in)
//   status      expected HTTP status of the page (default 200)
//   expectText  text (or array of texts) the page must show (guards against checking the wrong page)
//   open        optional async (page, path) => Response, for pages reached by submitting a form
//               (path: the resolved address when the entry also has `resolve`)
//   dropCookies  cookie names to delete from the context before opening (e.g. the applicant
//               session gk_ysq, which turns /ysqgk/status into the status page)
//   check       optional async (page) => [problem, …], a page-specific check run with the others
//   states      optional [{ name, run: async (page) => void }]: after the checks of the page as
//               served, each state is applied in turn (e.g. every <details> opened) and axe and
//               the 360 px overflow check run again (and a screenshot `<name>-<file>-<mode>.png`
//               is saved when the state has `file` and the entry `screenshot`)
//   screenshot  true to save full-page screenshots of it in both modes
//   docs        { '<name>-<mode>': 'file.png' }: desktop screenshots also copied to docs/screenshots/
//               (the README shows them; copied only when the page passed every check)
//   sizeBudget  bytes, compressed HTML+CSS+JS (default 100 KB)
const assert = require('node:assert/strict');
const { DEMO_PASSWORD } = require('./server');
const rec = require('./records');
const ysq = require('./applications');
const ly = require('./messages');
const zj = require('./zhengji');
const search = require('./search');

const DEFAULT_SIZE_BUDGET = 100 * 1024;

/** The unknown account the login-locked page type locks (so no demo account is ever locked). */
const LOCKED_USER = 'no-such-user-locked';

/** The title of the message the admin-message page type shows (one is written per server). */
const ADMIN_MESSAGE_TITLE = '县城夜市摊位申请咨询（页面检查用）';

/** Submit the login form with the given credentials (the page must be on /admin/login). */
async function fillLogin(page, username, password) {
  await page.getByLabel('用户名').fill(username);
  await page.getByLabel('密码').fill(password);
  const [response] = await Promise.all([
    page.waitForNavigation(),
    page.getByRole('button', { name: '登录' }).click(),
  ]);
  return response;
}

/** Open every <details> of <main> by clicking its summary, as a person would. */
async function openEveryDetails(page) {
  for (const summary of await page.locator('main details > summary').all()) {
    if (!(await summary.evaluate((el) => el.parentElement.open))) await summary.click();
  }
  assert.equal(await page.locator('details:not([open])').count(), 0, 'every <details> is open');
}

/** Log in through the real form, as a person would. Returns the final navigation response. */
async function login(page, username, password = DEMO_PASSWORD) {
  await page.goto('/admin/login');
  const response = await fillLogin(page, username, password);
  assert.equal(new URL(page.url()).pathname, '/admin', `login as ${username} should land on the dashboard, got ${page.url()}`);
  return response;
}

const PAGES = [
  { name: 'home', path: '/', expectText: '政府部门', screenshot: true, docs: { 'home-normal': 'home.png', 'home-care': 'home-care.png' } },
  { name: 'jigou', path: '/jigou', expectText: '乌恰县财政局', screenshot: true },
  { name: 'not-found', path: '/no-such-page/at-all', status: 404, expectText: '页面不存在' },
  { name: 'login', path: '/admin/login', expectText: '工作人员登录', screenshot: true, docs: { 'login-normal': 'login.png' } },
  {
    name: 'login-error',
    path: '/admin/login',
    status: 401,
    expectText: '用户名或密码不正确',
    // An unknown account, so the checks never lock a demo account.
    open: async (page) => {
      await page.goto('/admin/login');
      return fillLogin(page, 'no-such-user', 'not-the-password');
    },
  },
  {
    // Five wrong passwords for one (unknown) account lock it for 15 minutes: 429 with the time the
    // lock ends. Later opens get the locked page at once (no further failures are counted, so the
    // address, which locks after 20 failures, stays well clear).
    name: 'login-locked',
    path: '/admin/login',
    status: 429,
    expectText: ['登录失败次数过多，账号已被暂时锁定', '后再试'],
    open: async (page) => {
      for (let i = 0; i < 6; i += 1) {
        await page.goto('/admin/login');
        const response = await fillLogin(page, LOCKED_USER, 'not-the-password');
        if (response.status() === 429) return response;
        assert.equal(response.status(), 401, `wrong password ${i + 1}`);
      }
      throw new Error(`${LOCKED_USER} is not locked after 6 wrong passwords`);
    },
    check: async (page) => {
      const problems = [];
      for (const field of ['#f-username', '#f-password']) {
        const describedBy = (await page.locator(field).getAttribute('aria-describedby')) || '';
        if (!describedBy.split(/\s+/).includes('login-error')) problems.push(`${field} aria-describedby="${describedBy}" does not name the alert`);
      }
      return problems;
    },
  },
  { name: 'dashboard', path: '/admin', login: 'demo-admin', expectText: '乌恰县人民政府', screenshot: true, docs: { 'dashboard-normal': 'dashboard.png' } },
  { name: 'orgs', path: '/admin/orgs', login: 'demo-admin', expectText: '添加机构' },
  {
    name: 'orgs-invalid',
    path: '/admin/orgs',
    login: 'demo-admin',
    status: 400,
    expectText: '请更正下列标红的内容',
    // The add form sent empty: every field error and its aria-describedby is on the page.
    open: async (page) => {
      await page.goto('/admin/orgs');
      const [response] = await Promise.all([
        page.waitForNavigation(),
        page.getByRole('button', { name: '添加', exact: true }).click(),
      ]);
      return response;
    },
  },
  { name: 'users', path: '/admin/users', login: 'demo-admin', expectText: '添加账号' },
  {
    name: 'users-invalid',
    path: '/admin/users',
    login: 'demo-admin',
    status: 400,
    expectText: '请更正下列标红的内容',
    open: async (page) => {
      await page.goto('/admin/users');
      const [response] = await Promise.all([
        page.waitForNavigation(),
        page.getByRole('button', { name: '添加', exact: true }).click(),
      ]);
      return response;
    },
  },
  { name: 'audit', path: '/admin/audit', login: 'demo-admin', expectText: '哈希链校验' },
  {
    // A signed-in member without the permission: the Chinese 403 page (demo-editor on 用户管理).
    name: 'forbidden',
    path: '/admin/users',
    login: 'demo-editor',
    status: 403,
    expectText: ['无法访问', '错误代码：403', '返回首页'],
  },

  // Proactive disclosure (政务公开): the public section.
  {
    name: 'xxgk-index',
    path: '/xxgk/',
    expectText: ['政府信息公开制度', '法定主动公开内容', '行政处罚、行政强制', '最新公开信息', '按发布机构', '按年份'],
    screenshot: true,
  },
  {
    // A column listing on its second page: needs the corpus (the demo's 200-odd texts).
    name: 'xxgk-lanmu-page2',
    path: '/xxgk/lanmu/fdzdgknr?page=2',
    expectText: ['法定主动公开内容', '第 2 /', '上一页', '下一页'],
  },
  {
    name: 'xxgk-list-filtered',
    path: `/xxgk/list?org=WQX004&theme=${encodeURIComponent('财政、金融、审计')}`,
    expectText: ['乌恰县财政局 · 主题：财政、金融、审计', rec.DEMO.policy.title],
  },
  {
    name: 'record-seed',
    path: `/xxgk/${rec.DEMO.seed.indexNo}`,
    expectText: [rec.DEMO.seed.indexNo, rec.DEMO.seed.published, rec.DEMO.seed.title],
    screenshot: true,
  },
  {
    name: 'record-policy',
    path: '/xxgk/<policy with interpretation>',
    resolve: rec.policyPath,
    expectText: [rec.DEMO.policy.title, '乌财发〔2026〕3号', '政策解读', rec.DEMO.interpretation.title],
  },
  {
    name: 'record-repealed',
    path: '/xxgk/<repealed policy>',
    resolve: rec.repealedPath,
    expectText: ['本文件已废止', '现行文件'],
  },
  { name: 'xxgk-guide', path: '/xxgk/zhinan/WQX001', expectText: ['乌恰县人民政府政府信息公开指南', '政府信息公开工作机构'] },

  // Site search (站内搜索): the header box of every page leads to /search.
  { name: 'search', path: '/search', expectText: ['站内搜索', '搜索内容', '高级搜索', '输入文号或索引号可直接打开该文件'] },
  {
    // Results: the count, facets, highlighted titles and snippets, pagination.
    name: 'search-results',
    path: `/search?q=${encodeURIComponent(search.WORD)}`,
    // The index catches up with the demo data in the background after the server starts.
    resolve: async (page) => { await search.indexed(page); return `/search?q=${encodeURIComponent(search.WORD)}`; },
    expectText: ['共找到', '第 1 /', '发布机构', '年份', search.ORG.name, '下一页', '按时间排序'],
    check: search.highlightedHits,
    screenshot: true,
  },
  {
    // Nothing found, with a filter: the advice and the link without the filter (and 热门搜索 once a
    // search found something).
    name: 'search-empty',
    path: `/search?q=${search.NOTHING}&org=${search.ORG.code}&nojump=1`,
    expectText: ['共找到 0 条结果', '没有找到相关信息', '去掉筛选条件重新搜索', '浏览政务公开栏目', '申请政府信息公开'],
  },
  {
    name: 'search-advanced',
    path: '/search/advanced',
    expectText: ['高级搜索', '包含以下内容', '搜索范围', '仅标题', '发布机构', '主题分类', '信息类别', '年份', '有效性', '按时间'],
    screenshot: true,
  },

  // Proactive disclosure: the back office.
  { name: 'admin-records', path: '/admin/records?status=pending', login: 'demo-editor', expectText: ['待审核', rec.DEMO.pending.title] },
  // Typed lists in the back office, as an editor of the demo sees them (the pages pass with the
  // lists empty as well as with the demo's rows).
  { name: 'admin-lists', path: '/admin/lists', login: 'demo-editor', expectText: ['公开清单', '权力清单', '办事指南', '执法公示', '缺少法定要素'] },
  { name: 'admin-list-rows', path: '/admin/lists/quanli', login: 'demo-editor', expectText: ['权力清单', '新增条目', '从 Excel 导入', '导出 Excel', '筛选'] },
  { name: 'admin-list-row-form', path: '/admin/lists/banshi/new', login: 'demo-editor', expectText: ['办事指南：新增条目', '事项名称', '实施机构', '办理时限', '有效性', '保存为草稿'] },
  { name: 'admin-record-new', path: '/admin/records/new', login: 'demo-editor', expectText: ['起草信息', '所属栏目', '保存草稿'] },
  {
    // The author's view of a draft: 修改草稿, the attachment upload form, 提交审核. The draft is
    // created through the form the first time (one per server).
    name: 'admin-record-draft',
    path: '/admin/records/<editor draft>',
    login: 'demo-editor',
    resolve: async (page) => (await rec.adminRecordPath(page, 'draft', PAGE_DRAFT.title))
      || rec.createDraft(page, PAGE_DRAFT),
    expectText: ['草稿', '修改草稿', '上传附件', '提交审核'],
    screenshot: true,
  },
  {
    // A reviewer (not the author) on the demo's pending record, whose screening found a mobile number.
    name: 'admin-record-review',
    path: '/admin/records/<pending record>',
    login: 'demo-reviewer',
    resolve: async (page) => {
      const p = await rec.adminRecordPath(page, 'pending', rec.DEMO.pending.title);
      assert.ok(p, `${rec.DEMO.pending.title} should be pending review`);
      return p;
    },
    expectText: ['内容审查（1 处）', '手机号码', rec.DEMO.pending.mobile, '公开属性', '审查说明', '审核通过并发布', '退回修改'],
    screenshot: true,
  },
  { name: 'admin-scan', path: '/admin/scan', login: 'demo-reviewer', expectText: ['网站自查', '已发布信息'] },
  // The catalogue settings of 政务公开办 (demo-supervisor, WQX001).
  {
    name: 'admin-guide',
    path: '/admin/guides/WQX001',
    login: 'demo-supervisor',
    expectText: ['乌恰县人民政府政府信息公开指南', '查看公开页面', '指南正文', '政府信息公开工作机构'],
  },
  { name: 'admin-themes', path: '/admin/themes', login: 'demo-supervisor', expectText: ['主题分类', '增加主题', '上级主题', '主题更名', '新名称'] },
  { name: 'admin-negative', path: '/admin/negative', login: 'demo-supervisor', expectText: ['负面清单', '当前词语（共', '添加词语', '类别'] },

  // Disclosure on application (依申请公开): the public side.
  { name: 'ysqgk-index', path: '/ysqgk/', expectText: ['依申请公开', '在线申请', '办理进度查询', '20 个工作日'], screenshot: true },
  {
    name: 'ysqgk-apply',
    path: '/ysqgk/apply',
    expectText: ['政府信息公开申请', '受理机关', '申请人信息', '所需信息', '获取信息的方式', '查询密码', '提交申请'],
    screenshot: true,
  },
  {
    // The form sent with wrong data (and a program as the proof file): every field error is on
    // the page, tied to its field.
    name: 'ysqgk-apply-invalid',
    path: '/ysqgk/apply',
    status: 400,
    expectText: ['申请尚未提交', '请选择受理机关', '两次输入的查询密码不一致'],
    open: async (page) => {
      await page.goto('/ysqgk/apply');
      await page.getByLabel('姓名或名称').fill('测试申请人');
      await page.getByLabel('身份证号码（自然人填写）').fill('110105194912310021'); // wrong check digit
      await page.getByLabel('联系电话').fill('12345');
      await page.getByLabel('所需政府信息的内容描述').fill('文件');
      await page.getByLabel('设置查询密码').fill('chaxun-2026');
      await page.getByLabel('再次输入查询密码').fill('chaxun-2027');
      await page.getByLabel('身份证明（可选）').setInputFiles(ysq.BAD_PROOF);
      return ysq.submit(page, '提交申请');
    },
    check: ysq.errorsTiedToFields,
    screenshot: true,
  },
  {
    name: 'ysqgk-receipt',
    path: '/ysqgk/apply',
    status: 201,
    expectText: ['申请已收到', '查询码', '受理机关', '收到日期', '答复期限', ysq.ORG.name],
    open: async (page) => {
      await page.goto('/ysqgk/apply');
      await ysq.fillApplyForm(page, { description: ysq.uniqueDescription('政府工作报告起草说明（页面检查用）') });
      return ysq.submit(page, '提交申请');
    },
    screenshot: true,
  },
  { name: 'ysqgk-status', path: '/ysqgk/status', dropCookies: ['gk_ysq'], expectText: ['办理进度查询', '查询码', '查询密码'] },
  {
    name: 'ysqgk-status-error',
    path: '/ysqgk/status',
    status: 404,
    dropCookies: ['gk_ysq'],
    expectText: [ysq.LOOKUP_ERROR],
    open: (page) => ysq.lookUp(page, 'NOSUCHCODE', 'not-the-secret'),
  },
  {
    // An application answered through the staff forms (补正告知书 and 答复书), looked up with its
    // tracking code and secret.
    name: 'ysqgk-status-result',
    path: '/ysqgk/status',
    expectText: ['办理进度', '已答复', '（一）予以公开', '办理过程', '补正告知', '收到补正', '告知书和答复书', '补正告知书', '政府信息公开申请答复书', '下载 PDF'],
    open: async (page) => {
      const a = await ysq.answeredApplication(page);
      return ysq.lookUp(page, a.trackingCode, a.secret);
    },
    screenshot: true,
  },

  // Disclosure on application: the staff workbench.
  {
    name: 'admin-applications',
    path: '/admin/applications',
    login: ysq.HANDLER,
    expectText: ['依申请公开', '按答复期限排序', '已超期', ysq.APPLICANT.idMasked],
    screenshot: true,
  },
  {
    // A registered application seen by a 公开办负责人 (so the 延期答复 form is there too): every
    // clock-event form, checked with the <details> closed as served and then all opened.
    name: 'admin-application',
    path: '/admin/applications/<registered application>',
    login: 'test-office-head',
    resolve: async (page) => {
      const r = await ysq.applyThroughApi(page.request, { description: ysq.uniqueDescription('城乡低保资金发放情况（页面检查用，已登记）') });
      const p = await ysq.openFromQueue(page, r.tracking_code);
      await ysq.register(page);
      return p;
    },
    expectText: ['办理中', '期限是如何计算的', '补正告知', '征求第三方意见', '征求其他机关意见', '延期答复', '收费通知', '转送', '答复类型', '办理记录'],
    states: [{
      name: 'every <details> opened',
      file: 'details-open',
      run: async (page) => {
        for (const summary of await page.locator('main details > summary').all()) {
          if (!(await summary.evaluate((el) => el.parentElement.open))) await summary.click();
        }
        assert.equal(await page.locator('details:not([open])').count(), 0, 'every <details> is open');
      },
    }],
    screenshot: true,
  },
  // Public messages (政民互动): the public side.
  {
    name: 'hudong-index',
    path: '/hudong/',
    expectText: ['政民互动', '我要写信', '留言查询和评价', '办理情况统计', '留言选登', '个人信息已隐去', ly.DEMO_EXCHANGE.title],
    screenshot: true,
  },
  {
    // A published exchange of the demo whose bad rating was rectified and checked: the message,
    // the reply and 整改情况, the writer shown as 某某.
    name: 'hudong-show',
    path: '/hudong/<published exchange>',
    resolve: (page) => ly.publicPath(page, ly.DEMO_EXCHANGE.title),
    expectText: [ly.DEMO_EXCHANGE.title, '留言人', '某某', '留言内容', '答复内容', '整改情况', '返回留言选登'],
    screenshot: true,
  },
  {
    name: 'hudong-write',
    path: '/hudong/write',
    expectText: ['我要写信', '留言对象', '县长信箱', '留言类型', '政务公开投诉', '附件（可选）', '联系方式（不公开）', '同意在“留言选登”中公开', '查询密码', '提交留言'],
    screenshot: true,
  },
  {
    // The form sent as served (县长信箱 and 咨询 preselected, nothing typed): every field error
    // is on the page, tied to its field.
    name: 'hudong-write-invalid',
    path: '/hudong/write',
    status: 400,
    expectText: ['留言尚未提交', '请填写标题', '请填写留言内容', '请填写姓名', '联系电话应为', '查询密码应为 6 至 64 位'],
    open: async (page) => {
      await page.goto('/hudong/write');
      return ysq.submit(page, '提交留言');
    },
    check: ysq.errorsTiedToFields,
    screenshot: true,
  },
  {
    name: 'hudong-receipt',
    path: '/hudong/write',
    status: 201,
    expectText: ['留言已收到', '查询码', '留言对象', '收到日期', '答复期限', '个工作日', '留言查询'],
    open: async (page) => {
      await page.goto('/hudong/write');
      await ly.fillWriteForm(page, {
        title: '县城公共厕所开放时间咨询（页面检查用）',
        content: ly.uniqueContent('请问县城公共厕所夜间是否开放？'),
        phone: ly.uniquePhone(),
        files: [ly.photo()],
      });
      return ysq.submit(page, '提交留言');
    },
    screenshot: true,
  },
  { name: 'hudong-status', path: '/hudong/status', dropCookies: [ly.WRITER_COOKIE], expectText: ['留言查询', '查询码', '查询密码'] },
  {
    name: 'hudong-status-error',
    path: '/hudong/status',
    status: 404,
    dropCookies: [ly.WRITER_COOKIE],
    expectText: [ly.LOOKUP_ERROR],
    open: (page) => ly.lookUp(page, 'LYNOSUCHCODE', 'not-the-secret'),
  },
  {
    // A demo message answered and not rated yet, looked up with its tracking code (read from the
    // staff list) and demo-chaxun: the reply, the steps and the rating form.
    name: 'hudong-status-result',
    path: '/hudong/status',
    dropCookies: [ly.WRITER_COOKIE],
    expectText: ['留言办理情况', ly.DEMO_REPLIED.pages, '已答复', '答复内容', '办理过程', '审核通过并答复', '评价答复', '非常满意', '非常不满意', '评价意见（可选）', '提交评价'],
    open: async (page) => {
      const m = await ly.demoMessage(page, ly.DEMO_REPLIED.pages);
      return ly.lookUp(page, m.trackingCode, m.secret);
    },
    screenshot: true,
  },
  {
    name: 'hudong-stats',
    path: '/hudong/stats',
    expectText: ['留言办理情况统计', '统计期间', '按时答复率', '满意率', '按月统计', '各月留言办理情况', '按答复单位统计', '各单位留言办理情况', '近 12 个月'],
    screenshot: true,
  },

  // Public messages: the staff workbench.
  {
    name: 'admin-messages',
    path: '/admin/messages',
    login: ly.SUPERVISOR,
    expectText: ['政民互动', '待办留言', '超期和临近三个月时限', '差评整改', '全部留言', '办理时限和审核词语', '按答复期限排序'],
    screenshot: true,
  },
  {
    // The watch list: the demo has open messages past their due date.
    name: 'admin-messages-watch',
    path: '/admin/messages?view=watch',
    login: ly.SUPERVISOR,
    expectText: ['超期和临近三个月时限', '已超期'],
  },
  {
    // A new message to the 县长信箱 seen by demo-supervisor (政务公开办): 受理 and the folded forms
    // 交办承办单位, 不予受理, 督办; checked as served and again with every <details> opened. Two
    // demo messages in later states follow as further states of the page type: a reply awaiting
    // review (审核通过并答复, 退回修改, 督办) and a bad rating being rectified (办结, 回访, 登记整改完成,
    // 不予公开展示), each with every <details> opened.
    name: 'admin-message',
    path: '/admin/messages/<new message>',
    login: ly.SUPERVISOR,
    resolve: async (page) => {
      const r = await ly.writeThroughApi(page.request, {
        title: ADMIN_MESSAGE_TITLE,
        content: ly.uniqueContent('请问县城夜市摊位如何申请，需要哪些材料？'),
      });
      return ly.openFromQueue(page, r.tracking_code);
    },
    expectText: [ADMIN_MESSAGE_TITLE, '待受理', '县长信箱', '三个月时限', '留言内容', '办理', '受理', '交办承办单位', '不予受理', '督办', '办理记录'],
    states: [
      { name: 'every <details> opened', file: 'details-open', run: openEveryDetails },
      {
        name: 'a reply awaiting review (demo), every <details> opened',
        file: 'review',
        run: async (page) => {
          await ly.openDemoMessage(page, ly.DEMO_STAFF.review);
          assert.equal(await ly.staffStatus(page), '答复待审核');
          assert.equal(await page.getByRole('button', { name: '审核通过并答复' }).count(), 1, 'the review form is there');
          await openEveryDetails(page);
        },
      },
      {
        name: 'a bad rating being rectified (demo), every <details> opened',
        file: 'rectify',
        run: async (page) => {
          await ly.openDemoMessage(page, ly.DEMO_STAFF.rectify);
          assert.equal(await ly.staffStatus(page), '已答复');
          assert.equal(await page.getByRole('button', { name: '登记整改完成' }).count(), 1, 'the rectification form is there');
          await openEveryDetails(page);
        },
      },
    ],
    screenshot: true,
  },
  {
    name: 'admin-message-settings',
    path: '/admin/messages/settings',
    login: ly.SUPERVISOR,
    expectText: ['办理时限和审核词语', '答复时限（工作日，1 至 60）', '咨询', '建议', '需人工审核的词语', '保存'],
  },
  { name: 'admin-report-years', path: '/admin/report', login: 'demo-supervisor', expectText: ['年度报告'] },
  {
    name: 'admin-report',
    path: '/admin/report/2026',
    login: 'demo-supervisor',
    expectText: ['2026年政府信息公开工作年度报告', '三、收到和处理政府信息公开申请情况', '本年新收政府信息公开申请数量', '（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）', '平台统计'],
    screenshot: true,
    docs: { 'admin-report-normal': 'annual-report.png' },
  },
  // A past report typed in, in the 2019 format (its own section 二, （六）其他处理 as one row).
  { name: 'admin-report-2020', path: '/admin/report/2020', login: 'demo-supervisor', expectText: ['2020年政府信息公开工作年度报告', '本年新制作数量', '政府集中采购', '（六）其他处理'] },
  // 主动公开基本目录: the rows, each office's timeliness for the year, and an office's public 目录.
  { name: 'admin-mulu', path: '/admin/mulu', login: 'demo-supervisor', expectText: ['主动公开基本目录', '财政预决算', '部门决算', '县财政局'] },
  {
    name: 'admin-mulu-timeliness',
    path: '/admin/mulu/timeliness?year=2026',
    login: 'demo-supervisor',
    expectText: ['2026 年主动公开时效', '暂无公开', '逾期', '乌恰县2026年财政衔接推进乡村振兴补助资金分配结果公告'],
    screenshot: true,
  },
  // 重点工作 and 审计整改 in public.
  { name: 'renwu-index', path: '/renwu/', expectText: ['2026年县城老旧小区供暖管网改造'] },
  { name: 'data-index', path: '/data/', expectText: ['政府数据开放'] },
  { name: 'data-index-filtered', path: '/data/?q=%E9%A2%84%E7%AE%97&open=unconditional', expectText: ['已选条件'] },
  { name: 'data-dataset', path: '/data/dibao-by-township-month', expectText: ['乌恰县城乡最低生活保障统计（按乡镇、月份）', '数据资源', '下载全表（CSV）', '下载全表（Excel）'] },
  {
    // A demo table's chart: 保障人数 summed by 月份 as bars (server-drawn SVG with a title and a
    // description), the same numbers as a captioned table beside it, and the form to choose again.
    name: 'data-chart',
    path: '/data/dibao-by-township-month/resources/<resource>/chart',
    resolve: async (page) => {
      for (let i = 0; i < 150; i++) {
        const r = await page.request.get('/api/3/action/package_show?id=dibao-by-township-month');
        const res = (await r.json()).result.resources[0];
        if (res.datastore_active) {
          const q = `x=${encodeURIComponent('月份')}&y=${encodeURIComponent('保障人数')}&kind=bar`;
          return `/data/dibao-by-township-month/resources/${res.id}/chart?${q}`;
        }
        await new Promise((done) => setTimeout(done, 200));
      }
      throw new Error('the demo table dibao-by-township-month was not loaded within 30 s');
    },
    expectText: ['生成图表', '图表数据：月份 与 保障人数（合计）', '2025-01'],
    screenshot: true,
  },
  // Open data in the back office as demo-editor (县财政局) sees it: the list with each table's load
  // state, the bureau's budget dataset (resources, the loaded table's preview, the upload and link
  // forms, its history) and the dataset form.
  { name: 'admin-data', path: '/admin/data', login: 'demo-editor', expectText: ['开放数据', '乌恰县2025年县级部门支出预算表', '数据表载入'] },
  {
    name: 'admin-data-dataset',
    path: '/admin/data/<county-budget-2025>',
    login: 'demo-editor',
    resolve: async (page) => {
      await page.goto('/admin/data');
      return page.getByRole('link', { name: '乌恰县2025年县级部门支出预算表' }).getAttribute('href');
    },
    expectText: ['乌恰县2025年县级部门支出预算表', '数据资源', '已载入', '上传数据文件', '处理记录'],
  },
  { name: 'admin-data-form', path: '/admin/data/new', login: 'demo-editor', expectText: ['新建数据集', '开放属性', '开放条件'] },
  // 有条件开放: the request form of the demo's conditional dataset, the lookup, the back-office list.
  { name: 'data-apply', path: '/data/enterprise-credit-risk/apply', expectText: ['申请使用“乌恰县企业信用风险分类结果”', '开放条件', '数据用途', '使用期限结束日期'] },
  { name: 'sjkf-status', path: '/sjkf/status', dropCookies: ['gk_sj'], expectText: ['数据使用申请查询', '查询码', '查询密码'] },
  { name: 'admin-data-access', path: '/admin/data-access', login: ly.SUPERVISOR, expectText: ['数据使用申请', '答复期限'] },
  { name: 'zhenggai-index', path: '/zhenggai/', expectText: ['2025年度县级预算执行'] },
  // 清单公开: the lists with public rows, the county's 权力清单 (filters, a wide table), a
  // 办事指南 row with its ten statutory elements, and the running 低保 公示 with masked names.
  { name: 'qingdan-index', path: '/xxgk/qingdan/', expectText: ['清单公开', '权力清单', '办事指南', '执法公示', '救助对象公示'] },
  { name: 'qingdan-list', path: '/xxgk/qingdan/quanli', expectText: ['权力清单', '事项类别', '实施主体', '下一页'] },
  {
    name: 'qingdan-row',
    path: '/xxgk/qingdan/banshi/<a guide>',
    resolve: async (page) => {
      await page.goto('/xxgk/qingdan/banshi?q=%E9%A3%9F%E5%93%81%E7%BB%8F%E8%90%A5');
      const href = await page.locator('a[href^="/xxgk/qingdan/banshi/"]').first().getAttribute('href');
      assert.ok(href, 'the demo guide 食品经营许可 should be public');
      return href;
    },
    expectText: ['食品经营许可', '办事要素', '1. 事项名称', '10. 监督电话'],
  },
  { name: 'qingdan-gongshi', path: '/xxgk/qingdan/jiuzhu', expectText: ['救助对象公示', '公示期 7 天', '王**', '公示截止'] },
  { name: 'xxgk-mulu', path: '/xxgk/mulu/WQX004', expectText: ['乌恰县财政局主动公开基本目录', '部门决算', '乌恰县2025年县级财政决算公开'] },
  // 考核 and 社会评议: the 2026 scorecards of the demo departments (the scorecard screenshot), one
  // department's breakdown, the weights, the published 社会评议 and its public evaluation page.
  {
    name: 'admin-kaohe',
    path: '/admin/kaohe?period=2026',
    login: 'demo-supervisor',
    expectText: ['2026年政务公开考核', '乌恰县财政局', '主动公开及时', '业务培训参加', '社会评议'],
    screenshot: true,
    docs: { 'admin-kaohe-normal': 'scorecard.png' },
  },
  { name: 'admin-kaohe-org', path: '/admin/kaohe/org/WQX004?period=2026', login: 'demo-supervisor', expectText: ['乌恰县财政局 · 2026年考核得分', '计分规则'] },
  { name: 'admin-kaohe-weights', path: '/admin/kaohe/weights', login: 'demo-supervisor', expectText: ['考核指标分值', '保存分值'] },
  { name: 'admin-kaohe-pingyi', path: '/admin/kaohe/pingyi', login: 'demo-supervisor', expectText: ['发布得分汇总并开始评议', '2026年社会评议'] },
  { name: 'pingyi', path: '/pingyi/', expectText: ['2026年政务公开工作社会评议', '预算决算公开及时，表格清楚，点赞。', '提交评议'] },
  { name: 'admin-calendar', path: '/admin/calendar', login: 'demo-admin', expectText: ['工作日日历', '内置全国节假日安排', '导入一年的安排'] },
  // Reply-letter templates the openness office edits (per site, per outcome).
  { name: 'admin-letter-templates', path: '/admin/letter-templates', login: 'demo-supervisor', expectText: ['答复书模板', '答复类型', '属于国家秘密', '编辑'] },
  { name: 'admin-letter-template', path: '/admin/letter-templates/3-1', login: 'demo-supervisor', expectText: ['答复书模板：', '属于国家秘密'] },

  // 征求意见: the public side.
  { name: 'zhengji-index', path: '/zhengji/', expectText: ['征求意见', '正在征求意见', '已结束的征求意见', zj.DEMO.open.title, zj.DEMO.closed.title], screenshot: true },
  {
    // The open consultation read article by article, with the published comments opened too.
    name: 'zhengji-open',
    path: '/zhengji/<open consultation>',
    resolve: (page) => zj.pathOf(page, 'open'),
    expectText: ['起草说明', '草案全文（共 6 条）', '第一章', '对本条的意见', '提出意见', '提交意见'],
    states: [{
      name: 'every <details> opened',
      file: 'details-open',
      run: async (page) => {
        for (const summary of await page.locator('main details > summary').all()) {
          if (!(await summary.evaluate((el) => el.parentElement.open))) await summary.click();
        }
        assert.equal(await page.locator('details:not([open])').count(), 0, 'every <details> is open');
      },
    }],
    screenshot: true,
  },
  {
    // The comment form sent empty: the error is on the page and tied to the field.
    name: 'zhengji-comment-invalid',
    path: '/zhengji/<open consultation>',
    resolve: (page) => zj.pathOf(page, 'open'),
    status: 400,
    expectText: ['意见尚未提交', '请填写您的意见或建议'],
    open: async (page, path) => {
      await page.goto(path);
      return zj.comment(page, { body: '' });
    },
  },
  {
    name: 'zhengji-receipt',
    path: '/zhengji/<open consultation>',
    resolve: (page) => zj.pathOf(page, 'open'),
    status: 201,
    expectText: ['意见已收到', '查询码', '第四条'],
    open: async (page, path) => {
      await page.goto(path);
      return zj.comment(page, { article: '第四条', body: zj.uniqueComment('建议写明发放进度的查询方式（页面检查用）') });
    },
  },
  {
    name: 'zhengji-feedback',
    path: '/zhengji/<closed consultation>/feedback',
    resolve: async (page) => `${await zj.pathOf(page, 'closed')}/feedback`,
    expectText: ['征求意见采纳情况的反馈', '总体情况', '逐条意见采纳情况', '部分采纳', zj.DEMO.closed.decision],
    screenshot: true,
  },
  { name: 'zhengji-lookup', path: '/zhengji/chaxun', expectText: ['意见查询', '查询码'] },
  { name: 'zhengji-lookup-missing', path: '/zhengji/chaxun?code=ZJNOSUCH', status: 404, expectText: ['未找到该查询码对应的意见'] },

  // 征求意见 and 政务舆情: the staff side.
  {
    name: 'admin-consultations',
    path: '/admin/zhengji',
    login: 'demo-editor',
    expectText: ['起草征求意见', '征求意见（', '草案名称', zj.DEMO.open.title, zj.DEMO.closed.title],
  },
  { name: 'admin-consultation-new', path: '/admin/zhengji/new', login: 'demo-editor', expectText: ['起草征求意见', '征求意见期限', '保存草稿'] },
  {
    // A draft consultation (drafted through the form once per server) in its edit form.
    name: 'admin-consultation-edit',
    path: '/admin/zhengji/<draft>/edit',
    login: 'demo-editor',
    resolve: async (page) => `${await zj.draftPath(page)}/edit`,
    expectText: ['起草征求意见', '草案全文', '征求意见期限', '保存草稿'],
    check: async (page) => {
      const title = await page.getByLabel('草案名称').inputValue();
      return title === zj.PAGE_DRAFT.title ? [] : [`草案名称 is "${title}", not the draft's`];
    },
  },
  {
    name: 'admin-consultation',
    path: '/admin/zhengji/<open consultation>',
    login: 'demo-reviewer',
    resolve: async (page) => `/admin${await zj.pathOf(page, 'open')}`,
    expectText: ['收到的意见', '不予公开的理由', '通过并公开', '关联决策文件'],
    screenshot: true,
  },
  {
    // The closed demo consultation's feedback editor: one fieldset per group of identical comments.
    name: 'admin-consultation-feedback',
    path: '/admin/zhengji/<closed consultation>/feedback',
    login: 'demo-reviewer',
    resolve: async (page) => `/admin${await zj.pathOf(page, 'closed')}/feedback`,
    expectText: ['意见采纳情况反馈：', zj.DEMO.closed.title, '反馈说明', '第 1 条意见', '采纳情况', '理由'],
  },
  {
    name: 'admin-opinions',
    path: '/admin/yuqing',
    login: 'demo-supervisor',
    expectText: ['政务舆情', '登记舆情', '已超期', '即将到期', '已办结'],
    screenshot: true,
  },
  {
    name: 'admin-opinion',
    path: '/admin/yuqing/<major event>',
    login: 'demo-supervisor',
    resolve: async (page) => {
      await page.goto('/admin/yuqing');
      return page.getByRole('link', { name: '城区部分小区供暖温度不达标' }).getAttribute('href');
    },
    expectText: ['回应时限', '5 小时内发布权威信息', '24 小时内召开新闻发布会', '回应记录', '登记回应', '处置评估意见'],
  },
  {
    name: 'admin-opinion-new',
    path: '/admin/yuqing/new',
    login: 'demo-supervisor',
    expectText: ['登记舆情', '舆情名称', '来源', '摘要', '首次发现时间（北京时间）', '级别'],
  },
];

/**
 * Accounts the suite adds itself through 用户管理 (as demo-admin, once per server) before signing
 * in with them: the demo has no 公开办负责人, the only role that may extend a deadline.
 */
const SUITE_ACCOUNTS = {
  'test-office-head': { displayName: '测试公开办负责人', org: 'WQX002', role: '公开办负责人' },
};

/** The draft the page checks look at (never submitted, so every spec's server can reuse it). */
const PAGE_DRAFT = {
  title: '页面检查用草稿：2026年县级财政专项资金分配结果',
  kind: '财政预决算',
  docNumber: '乌财预〔2026〕9号',
  writtenOn: '2026-03-10',
  theme: '财政、金融、审计\\财政',
  body: '根据《乌恰县县级财政专项资金管理办法》，现将2026年县级财政专项资金分配结果公开如下。\n\n一、农业产业发展资金120万元。\n\n二、城乡基础设施维护资金80万元。',
  columns: ['财政预算、决算信息'],
};

const MODES = ['normal', 'care'];

/**
 * The catalogue entries to check: all of them, or those named in GONGKAI_PAGES (comma-separated),
 * for iterating on a few page types (`GONGKAI_PAGES=ysqgk-apply,admin-application bash run.sh
 * specs/pages-normal-desktop.test.js`).
 */
function selectedPages() {
  const only = (process.env.GONGKAI_PAGES || '').split(',').map((x) => x.trim()).filter(Boolean);
  if (!only.length) return PAGES;
  const unknown = only.filter((n) => !PAGES.some((p) => p.name === n));
  if (unknown.length) throw new Error(`GONGKAI_PAGES names unknown page types: ${unknown.join(', ')}`);
  return PAGES.filter((p) => only.includes(p.name));
}

/**
 * Open one catalogue page in `page`, signing in first when needed (once per context).
 * Returns { response, html } where html is the body exactly as served.
 */
async function openCataloguePage(page, entry) {
  await signInFor(page, entry);
  const path = await entryPath(page, entry);
  if (entry.dropCookies) {
    for (const name of entry.dropCookies) await page.context().clearCookies({ name });
  }
  const response = entry.open ? await entry.open(page, path) : await page.goto(path);
  assert.ok(response, `${entry.name}: no navigation response`);
  const html = await response.text();
  return { response, html, path };
}

/**
 * Sign the page's context in as `entry.login` (once per context). Switching accounts drops the
 * session cookies first (a signed-in visit to /admin/login goes to the dashboard) but keeps the
 * elder-friendly mode cookie.
 */
async function signInFor(page, entry) {
  const context = page.context();
  if (!entry.login || context.signedInAs === entry.login) return;
  if (context.signedInAs) await context.clearCookies({ name: /^(?!gk_care$)/ });
  await ensureAccount(page, entry.login);
  await login(page, entry.login);
  context.signedInAs = entry.login;
}

const accountsMade = new Map();
/** Create `username` when it is one of SUITE_ACCOUNTS and does not exist on this server yet. */
async function ensureAccount(page, username) {
  const spec = SUITE_ACCOUNTS[username];
  if (!spec) return;
  const origin = new URL((await page.request.get('/healthz')).url()).origin;
  const key = `${origin} ${username}`;
  if (!accountsMade.has(key)) {
    accountsMade.set(key, (async () => {
      const { newContext } = require('./browser');
      const context = await newContext(page.context().browser(), { server: { url: `${origin}/` } });
      try {
        const admin = await context.newPage();
        await login(admin, 'demo-admin');
        await admin.goto('/admin/users');
        await admin.getByLabel('用户名').fill(username);
        await admin.getByLabel(/^姓名/).fill(spec.displayName);
        await admin.getByLabel('所属机构').selectOption(spec.org);
        await admin.getByRole('group', { name: /角色/ }).getByLabel(spec.role, { exact: true }).check();
        await admin.getByLabel('初始密码').fill(DEMO_PASSWORD);
        const [resp] = await Promise.all([
          admin.waitForNavigation(),
          admin.getByRole('button', { name: '添加', exact: true }).click(),
        ]);
        assert.ok(resp.status() < 400, `adding ${username}: ${resp.status()}\n${await admin.locator('main').innerText()}`);
        const row = admin.getByRole('table', { name: /工作人员账号/ }).getByRole('row').filter({ hasText: username });
        assert.equal(await row.count(), 1, `${username} is listed after 添加`);
      } finally {
        await context.close();
      }
    })());
  }
  await accountsMade.get(key);
}

/** The address to open for a catalogue entry (resolved, and cached per server, when it has `resolve`). */
async function entryPath(page, entry) {
  if (!entry.resolve) return entry.path;
  const origin = new URL((await page.request.get('/healthz')).url()).origin;
  entry.resolved = entry.resolved || {};
  if (!entry.resolved[origin]) entry.resolved[origin] = await entry.resolve(page);
  return entry.resolved[origin];
}

/** Checks that the page is the one expected; returns a list of problems (empty when fine). */
async function checkIdentity(page, entry, response, mode) {
  const problems = [];
  const want = entry.status || 200;
  if (response.status() !== want) problems.push(`HTTP status ${response.status()}, expected ${want}`);
  if (entry.expectText) {
    const text = await page.locator('body').innerText();
    for (const want of [].concat(entry.expectText)) {
      if (!text.includes(want)) problems.push(`page does not show "${want}"`);
    }
  }
  const htmlClass = (await page.locator('html').getAttribute('class')) || '';
  const isCare = htmlClass.split(/\s+/).includes('care');
  if (isCare !== (mode === 'care')) problems.push(`<html class="${htmlClass}"> does not match mode ${mode}`);
  const lang = await page.locator('html').getAttribute('lang');
  if (lang !== 'zh-CN') problems.push(`<html lang="${lang}">, expected zh-CN`);
  return problems;
}

/** Horizontal overflow of the document, in CSS pixels beyond the viewport width (0 when none). */
async function horizontalOverflow(page) {
  return page.evaluate(() => {
    const el = document.scrollingElement || document.documentElement;
    return { scrollWidth: el.scrollWidth, clientWidth: el.clientWidth, innerWidth: window.innerWidth };
  });
}

/** Requests that went anywhere but the test server. */
function externalRequests(requests, origin) {
  return requests.filter((u) => {
    if (u.startsWith('data:') || u.startsWith('blob:') || u === 'about:blank') return false;
    try { return new URL(u).origin !== origin; } catch { return true; }
  });
}

/** The path of the page's current address. */
const pathOf = (page) => new URL(page.url()).pathname;

module.exports = {
  pathOf, PAGES, MODES, DEFAULT_SIZE_BUDGET, PAGE_DRAFT, SUITE_ACCOUNTS, selectedPages,
  login, ensureAccount, fillLogin, openCataloguePage, signInFor, entryPath, checkIdentity, horizontalOverflow, externalRequests,
};
