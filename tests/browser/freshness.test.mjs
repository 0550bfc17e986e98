// Fresh status without a rebuild (output.md "Behaviour in the browser"): the example site is built
// on 2026-11-21 and opened under Playwright's controllable clock on later days; gongkai.js must
// recompute 公示中 / 已结束 / 未开始, days left, overdue and days overdue in the site's time zone
// (Asia/Shanghai, while the browser itself runs in UTC). Without JavaScript the build day shows.
//
//   cd tests/browser && npm ci && node --test freshness.test.mjs
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startSite, openContext, at, BUILD_DAY } from './helpers.mjs';

let site;
before(async () => { site = await startSite({ prefix: 'gongkai-fresh-' }); });
after(async () => { if (site) await site.close(); });

const ACTIVE = '/notices/2026-11-dangyuan-gongshi/';        // 公示期 2026-11-17 … 2026-11-23
const UPCOMING = '/notices/ping-xian-ping-you-gong-shi/';   // 2026-11-24 … 2026-11-30
const SERIES3 = '/notices/2026-dibao-sanbang/';             // round 3: 2026-11-16 … 2026-11-22
const OPEN_PROBLEM = '/problems/2026-011/';                 // in progress, deadline 2026-11-30
const CLOSED_PROBLEM = '/problems/2026-004/';               // resolved on time

/** Opens `path` with the clock at `time` and returns what the page says about its status. */
async function look(path, time, opts = {}) {
  const { context, page, log } = await openContext(site.browser, { time, ...opts });
  await page.goto(site.origin + path);
  const r = await page.evaluate(() => {
    const text = (sel) => { const el = document.querySelector(sel); return el && !el.hidden ? el.textContent.trim() : null; };
    const box = document.querySelector('.publicity-box');
    const deadline = document.querySelector('.problem-status [data-gk-status="problem"], .problem-status .badge:last-child');
    return {
      status: text('.publicity-status [data-gk-status="publicity"]'),
      days: text('.publicity-status [data-gk-days="publicity"]'),
      boxActive: box ? box.classList.contains('is-active') : null,
      deadline: deadline ? deadline.textContent.trim() : null,
      deadlineClass: deadline ? deadline.className : null,
      overdueRecord: !!document.querySelector('article.record.is-overdue, .problem-box.is-overdue'),
      rounds: [...document.querySelectorAll('.rounds li')].map((li) => [li.querySelector('.round-no').textContent, (li.querySelector('.badge') || {}).textContent]),
    };
  });
  return { ...r, page, context, log };
}

test('an active notice: 剩余3天 on the build day, 今天截止 on its last day, 已结束 the day after', async () => {
  let r = await look(ACTIVE, at(BUILD_DAY));
  assert.deepEqual([r.status, r.days, r.boxActive], ['公示中', '剩余3天', true]);
  assert.deepEqual(r.log.errors, []);
  await r.context.close();

  r = await look(ACTIVE, at('2026-11-23', '23:30:00'));
  assert.deepEqual([r.status, r.days, r.boxActive], ['公示中', '今天截止', true]);
  await r.context.close();

  // 00:30 on 11-24 in Shanghai is still 11-23 in UTC: the site's time zone decides.
  r = await look(ACTIVE, at('2026-11-24', '00:30:00'));
  assert.deepEqual([r.status, r.days, r.boxActive], ['已结束', null, false]);
  await r.context.close();
});

test('a page left open flips at midnight without a reload', async () => {
  const r = await look(ACTIVE, at('2026-11-23', '23:59:30'));
  assert.deepEqual([r.status, r.days], ['公示中', '今天截止']);
  await r.page.clock.fastForward(90_000);
  await r.page.clock.runFor(61_000);
  const now = await r.page.evaluate(() => [
    document.querySelector('.publicity-status [data-gk-status="publicity"]').textContent,
    document.querySelector('.publicity-status [data-gk-days="publicity"]').hidden,
    document.querySelector('[data-gk-print-date]').textContent,
  ]);
  assert.deepEqual(now, ['已结束', true, '2026年11月24日']);
  assert.deepEqual(r.log.errors, []);
  await r.context.close();
});

test('an upcoming notice: 3天后开始 on the build day, 公示中 剩余7天 on its first day', async () => {
  let r = await look(UPCOMING, at(BUILD_DAY));
  assert.deepEqual([r.status, r.days, r.boxActive], ['未开始', '3天后开始', false]);
  await r.context.close();
  r = await look(UPCOMING, at('2026-11-24', '08:00:00'));
  assert.deepEqual([r.status, r.days, r.boxActive], ['公示中', '剩余7天', true]);
  await r.context.close();
  r = await look(UPCOMING, at('2026-12-01'));
  assert.deepEqual([r.status, r.days], ['已结束', null]);
  await r.context.close();
});

test('a problem: 剩余9天 on the build day, 已逾期3天 three days after its deadline; a closed one never changes', async () => {
  let r = await look(OPEN_PROBLEM, at(BUILD_DAY));
  assert.equal(r.deadline, '剩余9天');
  assert.equal(r.overdueRecord, false);
  await r.context.close();
  r = await look(OPEN_PROBLEM, at('2026-11-30'));
  assert.equal(r.deadline, '今天到期');
  await r.context.close();
  r = await look(OPEN_PROBLEM, at('2026-12-03'));
  assert.equal(r.deadline, '已逾期3天');
  assert.match(r.deadlineClass, /deadline-overdue/);
  assert.equal(r.overdueRecord, true, 'the record is marked overdue');
  await r.context.close();

  // On the wall the card flips too.
  const { context, page } = await openContext(site.browser, { time: at('2026-12-03') });
  await page.goto(site.origin + '/problems/');
  const card = page.locator('.card', { has: page.locator('a[href="/problems/2026-011/"]') });
  assert.equal((await card.locator('[data-gk-status="problem"]').textContent()).trim(), '已逾期3天');
  assert.match(await card.getAttribute('class'), /is-overdue/);
  await context.close();

  r = await look(CLOSED_PROBLEM, at('2027-03-01'));
  assert.equal(r.deadline, '按期办结');
  assert.equal(r.overdueRecord, false);
  await r.context.close();
});

test('a device clock set before the build day never moves the status backwards', async () => {
  const r = await look(ACTIVE, new Date('2020-01-01T10:00:00+08:00'));
  assert.deepEqual([r.status, r.days], ['公示中', '剩余3天']);
  await r.context.close();
});

test('without JavaScript the build day\'s status shows, complete', async () => {
  // The browser's own clock is whatever today is; the page must say what it said on the build day.
  let r = await look(ACTIVE, null, { js: false });
  assert.deepEqual([r.status, r.days, r.boxActive], ['公示中', '剩余3天', true]);
  assert.match(await r.page.textContent('.build-note'), /2026年11月21日/);
  await r.context.close();
  r = await look(UPCOMING, null, { js: false });
  assert.deepEqual([r.status, r.days], ['未开始', '3天后开始']);
  await r.context.close();
  r = await look(OPEN_PROBLEM, null, { js: false });
  assert.equal(r.deadline, '剩余9天');
  await r.context.close();
  r = await look('/problems/2026-001/', null, { js: false });
  assert.equal(r.deadline, '已逾期6天');
  await r.context.close();
  r = await look('/', null, { js: false });
  assert.equal(await r.page.textContent('#active-h'), '正在公示（3项）');
  await r.context.close();
});

test('the rounds of a series carry their own fresh status', async () => {
  let r = await look(SERIES3, at(BUILD_DAY));
  assert.deepEqual(r.rounds, [['第1轮', '已结束'], ['第2轮', '已结束'], ['第3轮', '公示中']]);
  await r.context.close();
  r = await look(SERIES3, at('2026-11-23'));
  assert.equal(r.status, '已结束');
  assert.deepEqual(r.rounds, [['第1轮', '已结束'], ['第2轮', '已结束'], ['第3轮', '已结束']]);
  await r.context.close();
  // The same on the earlier rounds' pages.
  r = await look('/notices/2026-dibao-yibang/', at('2026-11-23'));
  assert.deepEqual(r.rounds.map((x) => x[1]), ['已结束', '已结束', '已结束']);
  await r.context.close();
});

/** The home page's 正在公示 section: heading, visible card links, empty note. */
async function homeActive(time) {
  const { context, page, log } = await openContext(site.browser, { time });
  await page.goto(site.origin + '/');
  const r = await page.evaluate(() => {
    const sec = document.querySelector('[data-gk-active-list]');
    return {
      heading: document.getElementById('active-h').innerText.trim(),
      cards: [...sec.querySelectorAll('.cards > li')].filter((li) => !li.hidden).map((li) => li.querySelector('.card-title a').getAttribute('href')),
      statuses: [...sec.querySelectorAll('.cards > li')].filter((li) => !li.hidden).map((li) => li.querySelector('[data-gk-status]').textContent),
      empty: !sec.querySelector('[data-gk-active-empty]').hidden,
    };
  });
  await context.close();
  assert.deepEqual(log.errors, []);
  return r;
}

test('the home page\'s 正在公示 list and count follow the visitor\'s day', async () => {
  let r = await homeActive(at(BUILD_DAY));
  assert.equal(r.heading, '正在公示（3项）');
  assert.equal(r.cards.length, 3);
  assert.ok(!r.empty);

  r = await homeActive(at('2026-11-23'));              // the third 低保 round ended on 11-22
  assert.equal(r.heading, '正在公示（2项）');
  assert.deepEqual(r.cards.sort(), [ACTIVE, '/notices/2026-11-jiazhuang-dianti-fentan-gongshi/'].sort());

  r = await homeActive(at('2026-11-24'));              // 发展党员 ended, 评先评优 began
  assert.equal(r.heading, '正在公示（2项）');
  assert.deepEqual(r.cards.sort(), ['/notices/2026-11-jiazhuang-dianti-fentan-gongshi/', UPCOMING].sort());
  assert.deepEqual(r.statuses, ['公示中', '公示中']);

  r = await homeActive(at('2026-12-01'));              // nothing left
  assert.equal(r.heading, '正在公示');
  assert.deepEqual(r.cards, []);
  assert.ok(r.empty, 'says there is nothing in its 公示期');
});

test('公开目录: a period still owed turns 逾期未公开 the day after its due day, and missing ones keep counting', async () => {
  const periods = async (time) => {
    const { context, page, log } = await openContext(site.browser, { time });
    await page.goto(site.origin + '/catalogue/');
    const r = await page.evaluate(() => {
      const row = [...document.querySelectorAll('#item-zhiweihui tbody tr')]
        .find((tr) => tr.querySelector('a[href$="/org/grid-2/"]'));
      return [...row.querySelectorAll('[data-gk-period]')].map((li) => [
        li.querySelector('.period-label').textContent.trim(),
        li.getAttribute('data-state'),
        li.querySelector('[data-gk-period-status]').textContent.trim(),
      ]);
    });
    assert.deepEqual(log.errors, []);
    await context.close();
    return r;
  };
  // 第二网格's 支委会: November due 11-30, nothing yet; October missing since 10-31.
  assert.deepEqual(await periods(at(BUILD_DAY)), [
    ['2026年11月', 'current', '本期中，2026年11月30日前公开'],
    ['2026年10月', 'missing', '逾期未公开 21天'],
  ]);
  assert.deepEqual(await periods(at('2026-11-30', '23:30:00')), [
    ['2026年11月', 'current', '本期中，2026年11月30日前公开'],
    ['2026年10月', 'missing', '逾期未公开 30天'],
  ]);
  assert.deepEqual(await periods(at('2026-12-01', '08:00:00')), [
    ['2026年11月', 'missing', '逾期未公开 1天'],
    ['2026年10月', 'missing', '逾期未公开 31天'],
  ]);
});

test('公开目录: the page\'s summary counts the periods that fell due since the build, like each period\'s mark', async () => {
  const summary = async (time) => {
    const { context, page, log } = await openContext(site.browser, { time });
    await page.goto(site.origin + '/catalogue/');
    const r = await page.evaluate(() => ({
      missing: Number(document.querySelector('[data-gk-cat-missing]').textContent),
      marked: document.querySelectorAll('[data-gk-period][data-state="missing"]').length,
    }));
    assert.deepEqual(log.errors, []);
    await context.close();
    return r;
  };
  // On the build day: the three missing periods of site.yaml's catalogue, each marked on the page.
  assert.deepEqual(await summary(at(BUILD_DAY)), { missing: 3, marked: 3 });
  // After November's due day the periods still owed for November are marked 逾期 one by one; the
  // summary says as many.
  const later = await summary(at('2026-12-01', '08:00:00'));
  assert.ok(later.missing > 3, `${later.missing}`);
  assert.equal(later.missing, later.marked);
});
