// Printing for the 公示栏 (output.md "Print"): every notice and problem of the example site (and two
// longer ones) prints on one A4 page, with community, title, 公示期 and status, body, objection contact, the print date
// and the build-time QR code of its short permalink; navigation, search and the switches hidden.
//
//   cd tests/browser && npm ci && node --test print.test.mjs
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { startSite, openContext, at, decodeSvg, pdfPages } from './helpers.mjs';

// Two records longer than any in the example: they must still fit (on a denser sheet).
const PARA = '经第一网格党支部支部委员会研究、社区党总支预审，拟接收为中共预备党员。根据《中国共产党发展党员工作细则》的规定，现将有关情况公示如下。';
const LONG_NOTICE = [
  '---', 'title: 2026年第四季度临时救助对象公示（长名单）', 'date: 2026-11-10', 'kind: publicity', 'category: 临时救助',
  'publicity:', '  start: 2026-11-17', '  end: 2026-11-23',
  'contact:', '  name: 孙丽（社区民政专干）', '  phone: 021-5555-1230', '  address: 幸福里社区党群服务中心一楼综合受理窗口',
  '---', '', ...Array(6).fill(PARA).flatMap((p) => [p, '']),
  '| 序号 | 申请人 | 所在网格 | 拟救助金额（元） |', '|---|---|---|---|',
  ...Array.from({ length: 20 }, (_, i) => `| ${i + 1} | 某某某 | 第${(i % 3) + 1}网格 | ${1000 + i * 100} |`), '',
].join('\n');
const LONG_PROBLEM = [
  '---', 'id: 2026-990', 'title: 小区东门外人行道长期被占用', 'date: 2026-06-01', 'source: 居民反映',
  'responsible:', '  unit: 幸福街道城市管理办公室', '  person: 王海',
  'measures:', '  - 与沿街商户逐户签订门前责任书，不得占道经营', '  - 在人行道外侧加装隔离桩，防止机动车驶上人行道', '  - 网格员每日早晚两次巡查，发现占道当场劝导',
  'deadline: 2026-08-31', 'status: resolved', 'progress:',
  ...Array.from({ length: 9 }, (_, i) => `  - date: 2026-07-${String(i + 1).padStart(2, '0')}\n    text: 网格员联合城管队员巡查东门外人行道，劝离占道摊点，清理堆放杂物。`),
  'echo:', '  date: 2026-08-25', '  result: 东门外人行道占道经营现象基本消除，隔离桩已安装完毕，老人和学生通行明显方便。', '  evaluation:', '    satisfied: 46', '    basically: 21', '    unsatisfied: 9',
  '---', '', ...Array(7).fill(PARA).flatMap((p) => [p, '']),
].join('\n');

let site;
let records;
before(async () => {
  site = await startSite({ prefix: 'gongkai-print-', files: { 'content/notices/zz-long.md': LONG_NOTICE, 'content/problems/zz-long.md': LONG_PROBLEM } });
  // Every notice and problem page the build wrote (redacted ones included).
  records = [];
  for (const kind of ['notices', 'problems']) {
    for (const e of fs.readdirSync(path.join(site.out, kind), { withFileTypes: true })) {
      if (e.isDirectory() && e.name !== 'page' && fs.existsSync(path.join(site.out, kind, e.name, 'index.html'))) records.push(`/${kind}/${e.name}/`);
    }
  }
});
after(async () => { if (site) await site.close(); });

const notices = () => JSON.parse(fs.readFileSync(path.join(site.out, 'data/notices.json'), 'utf8'));

test('every notice and problem prints on exactly one A4 page, also with 大字 and 高对比 on', async () => {
  assert.ok(records.includes('/notices/zz-long/') && records.includes('/problems/2026-990/'));
  assert.ok(records.filter((r) => r.startsWith('/notices/')).length >= 15);
  assert.ok(records.filter((r) => r.startsWith('/problems/')).length >= 15);
  // The reader's switches must not change the sheet: checked on the longest records.
  const longest = ['/notices/zz-long/', '/problems/2026-990/', '/notices/2026-11-dangyuan-gongshi/', '/notices/2026-q3-caiwu/', '/problems/2026-004/', '/problems/2026-008/'];
  for (const prefs of [[], ['large-text', 'high-contrast']]) {
    const { context, page, log } = await openContext(site.browser, { prefs });
    for (const r of prefs.length ? longest : records) {
      await page.goto(site.origin + r);
      const pdf = await page.pdf({ format: 'A4', printBackground: true });
      assert.equal(pdfPages(pdf), 1, `${r}${prefs.length ? ' with ' + prefs : ''}: ${pdfPages(pdf)} pages`);
    }
    assert.deepEqual(log.errors, []);
    await context.close();
  }
});

/** In print media: what is shown (display and size not none) of each part of the page. */
async function printView(page) {
  return page.evaluate(() => {
    const shown = (el) => {
      if (!el) return false;
      for (let e = el; e; e = e.parentElement) {
        const cs = getComputedStyle(e);
        if (cs.display === 'none' || cs.visibility === 'hidden') return false;
      }
      const r = el.getBoundingClientRect();
      return r.width > 0 && r.height > 0;
    };
    const q = (sel) => document.querySelector(sel);
    const qa = (sel) => [...document.querySelectorAll(sel)];
    const text = (sel) => (shown(q(sel)) ? q(sel).innerText.replace(/\s+/g, ' ').trim() : null);
    const qr = q('.print-footer .qr svg');
    const black = (el) => el && getComputedStyle(el).color === 'rgb(0, 0, 0)';
    return {
      hidden: {
        header: !shown(q('.site-header')),
        nav: !shown(q('.site-nav')),
        switches: qa('[data-gk-toggle]').every((b) => !shown(b)),
        footer: !shown(q('.site-footer')),
        skip: !shown(q('.skip-link')),
        breadcrumbs: !shown(q('.breadcrumbs')),
        kioskBar: !shown(q('.kiosk-bar')),
        printButton: !shown(q('[data-gk-print]')),
        links: qa('main a').every((a) => !shown(a) || getComputedStyle(a).textDecorationLine === 'none'),
      },
      heading: text('.print-heading'),
      title: text('h1'),
      period: text('.publicity-period'),
      status: text('.publicity-status'),
      problem: text('.problem-box'),
      body: text('.record-body'),
      objection: text('.objection'),
      printMeta: text('.print-meta'),
      qr: shown(qr) ? { w: qr.getBoundingClientRect().width, h: qr.getBoundingClientRect().height } : null,
      titleBlack: black(q('h1')),
      background: getComputedStyle(document.body).backgroundColor,
    };
  });
}

test('in print media: navigation, search and switches hidden; community, title, period, status, body, contact, print date and QR shown', async () => {
  const contactOf = Object.fromEntries(notices().map((n) => [new URL(n.url).pathname, n]));
  for (const prefs of [[], ['high-contrast']]) {
    const { context, page } = await openContext(site.browser, { prefs, time: at('2026-11-25', '09:00:00') });
    await page.emulateMedia({ media: 'print' });
    for (const r of prefs.length ? records.filter((x, i) => i % 4 === 0) : records) {
      await page.goto(site.origin + r);
      const v = await printView(page);
      const where = `${r}${prefs.length ? ' (高对比)' : ''}`;
      for (const [part, ok] of Object.entries(v.hidden)) assert.ok(ok, `${where}: ${part} shows in print`);
      assert.ok(v.title, `${where}: title`);
      assert.ok(v.titleBlack, `${where}: black text in print`);
      assert.equal(v.background, 'rgb(255, 255, 255)', `${where}: white paper`);
      const redacted = await page.$('article.is-redacted');
      if (!redacted || r.startsWith('/problems/')) assert.match(v.heading || '', /^幸福街道幸福里社区 · /, `${where}: community`);
      if (redacted) continue;
      assert.match(v.printMeta || '', /幸福街道幸福里社区/, `${where}: community at the foot`);
      assert.match(v.printMeta || '', /打印日期：2026年11月25日/, `${where}: the day it is printed, not the build day`);
      assert.match(v.printMeta || '', /https:\/\/xingfuli\.example\.cn\//, `${where}: its address`);
      assert.ok(v.qr && v.qr.w >= 75 && v.qr.h >= 75, `${where}: a QR code of at least 20 mm (${JSON.stringify(v.qr)})`);
      if (r.startsWith('/notices/')) {
        const n = contactOf[r];
        assert.ok(v.body, `${where}: body`);
        if (n && n.publicity) {
          assert.match(v.period, /\d{4}年\d+月\d+日 至 \d{4}年\d+月\d+日/, `${where}: 公示期`);
          assert.match(v.status || '', /当前状态：\s*(公示中|已结束|未开始|已撤回)/, `${where}: status ${v.status}`);
        }
        if (n && n.contact) {
          assert.ok(v.objection, `${where}: objection contact`);
          if (n.contact.phone) assert.ok(v.objection.includes(n.contact.phone), `${where}: ${n.contact.phone}`);
          if (n.contact.name) assert.ok(v.objection.includes(n.contact.name), `${where}: ${n.contact.name}`);
        }
      } else {
        assert.match(v.problem, /责任主体/, `${where}: 责任主体`);
        assert.match(v.problem, /完成时限/, `${where}: 完成时限`);
      }
    }
    await context.close();
  }
});

test('the printed QR code (made at build time) decodes to the record\'s absolute URL; the status is the printing day\'s', async () => {
  const { context, page } = await openContext(site.browser, { time: at('2026-11-24') });
  await page.emulateMedia({ media: 'print' });
  for (const r of ['/notices/2026-11-dangyuan-gongshi/', '/problems/2026-011/', '/notices/ping-xian-ping-you-gong-shi/']) {
    await page.goto(site.origin + r);
    // A short address (output.md: its path at most 24 characters) that leads to the record: its
    // own when that is short enough (a problem's), else a short permalink.
    const url = new URL(await decodeSvg(page, '.print-footer .qr svg'));
    assert.equal(url.origin, 'https://xingfuli.example.cn');
    assert.ok(url.pathname.length <= 24, url.pathname);
    if (r.length <= 24) assert.equal(url.pathname, r);
    else assert.match(url.pathname, /^\/p\/[1-9a-z]{6}\.html$/);
    const short = await page.context().newPage();
    await short.goto(site.origin + url.pathname);
    await short.waitForURL((u) => u.pathname === r, { timeout: 5000 });
    await short.close();
  }
  // Printed on 11-24: the notice that began that day says 公示中 on paper too, and not how many
  // days are left (paper stays up for days; the 公示期 beside it gives the dates).
  assert.match(await page.innerText('.publicity-status'), /公示中/);
  assert.doesNotMatch(await page.innerText('.publicity-status'), /剩余/);
  await page.goto(site.origin + '/notices/2026-11-dangyuan-gongshi/');
  assert.match(await page.innerText('.publicity-status'), /已结束/);
  await context.close();
});
