// The search page in real headless Chromium (output.md "Search" and "Kiosk").
//
//   cd tests/browser && npm ci && node --test search.test.mjs
//
// Builds the example site (plus one record with markup in its title) with the real binary, serves
// the output from 127.0.0.1 and drives Chromium through playwright-core (see helpers.mjs).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { startSite } from './helpers.mjs';

let tmp;
let origin;
let browser;
let site;
const requests = [];

before(async () => {
  // Markup in a title must come out as text, never as elements or script.
  site = await startSite({
    prefix: 'gongkai-search-',
    files: {
      'content/notices/zz-markup.md': [
        '---',
        'title: "路灯<img src=x onerror=window.__xss=1>检修<b>通知</b>"',
        'date: 2026-11-02',
        'kind: notification',
        '---',
        '',
        '检修路灯期间请注意安全 <script>window.__xss=2</script>。',
        '',
      ].join('\n'),
    },
  });
  ({ tmp, origin, browser } = site);
});

after(async () => {
  if (site) await site.close();
});

async function open(url, opts = {}) {
  const context = await browser.newContext({ viewport: opts.viewport || { width: 1280, height: 900 } });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('request', (r) => requests.push({ url: r.url(), page: url }));
  await page.goto(origin + url);
  return { page, context, errors };
}

/** Waits until a search has finished rendering (the status line is filled and nothing is busy). */
async function settled(page) {
  await page.waitForFunction(() => {
    const r = document.getElementById('search-results');
    const s = document.getElementById('search-status-line');
    return r && !r.hasAttribute('aria-busy') && s && s.textContent.length > 0;
  });
  // A render that fetches record chunks finishes after the status line; wait for it too.
  await page.waitForFunction(() => {
    const s = document.getElementById('search-status-line').textContent;
    const n = document.querySelectorAll('#search-results .search-hit').length;
    return /没有|筛选后0条|请至少/.test(s) || n > 0 || document.querySelector('#search-results .empty');
  });
}

/** After a filter changes: waits for the list to be redrawn with only `cls` cards (the change
 *  handler runs after selectOption returns, so the previous list may still be showing). */
async function filtered(page, cls) {
  await page.waitForFunction((c) => {
    const s = document.getElementById('search-status-line').textContent;
    const shown = [...document.querySelectorAll('#search-results .search-hit')];
    return /筛选后/.test(s) && shown.length > 0 && shown.every((h) => h.matches(c));
  }, cls);
  await settled(page);
}

/** After typing: waits until the search for `q` has run (it puts `q` in the address), then for
 *  its results. The input handler runs after the click returns. */
async function searched(page, q) {
  await page.waitForFunction((want) => new URL(location.href).searchParams.get('q') === want, q);
  await settled(page);
}

async function hits(page) {
  return page.$$eval('#search-results .search-hit', (arts) => arts.map((a) => ({
    url: a.querySelector('.card-title a').getAttribute('href'),
    title: a.querySelector('.card-title a').textContent,
    titleMarks: [...a.querySelectorAll('.card-title mark')].map((m) => m.textContent),
    snippetMarks: [...a.querySelectorAll('.search-snippet mark')].map((m) => m.textContent),
    chips: [...a.querySelectorAll('.card-labels .chip')].map((c) => c.textContent),
    badges: [...a.querySelectorAll('.badge')].map((b) => b.textContent),
    date: a.querySelector('time') && a.querySelector('time').getAttribute('datetime'),
    cls: a.className,
  })));
}

test('?q=路灯 opens with highlighted results, title matches first', async () => {
  const { page, context, errors } = await open('/search/?q=' + encodeURIComponent('路灯'));
  await settled(page);
  assert.equal(await page.inputValue('#search-q'), '路灯');
  const list = await hits(page);
  const status = await page.textContent('#search-status-line');
  const n = Number((/找到(\d+)条/.exec(status) || [])[1]);
  assert.ok(n >= 4, status);
  assert.equal(list.length, Math.min(n, 10));
  // The problem whose title has 路灯 is listed, before any record that has it only in its text.
  const urls = list.map((h) => h.url);
  assert.ok(urls.includes('/problems/2026-001/'), urls.join(' '));
  assert.ok(urls.includes('/meetings/2026-10-lianxi/'), urls.join(' '));
  const firstBodyOnly = list.findIndex((h) => !h.title.includes('路灯'));
  const lastTitle = list.map((h) => h.title.includes('路灯')).lastIndexOf(true);
  assert.ok(firstBodyOnly === -1 || lastTitle < firstBodyOnly, 'title hits come first');
  for (const h of list) {
    // Every hit is highlighted on the query, in its title or its snippet.
    const marks = h.titleMarks.concat(h.snippetMarks);
    assert.ok(marks.length > 0 && marks.every((m) => m === '路灯'), `${h.url}: ${marks}`);
    assert.ok(h.chips.length > 0, `${h.url} shows its kind`);
  }
  const problem = list.find((h) => h.url === '/problems/2026-001/');
  assert.deepEqual(problem.titleMarks, ['路灯']);
  assert.ok(problem.badges.some((b) => /办理中|待办理|已逾期/.test(b)), problem.badges.join());
  assert.equal(problem.date, '2026-10-15');
  assert.ok(problem.chips.includes('问题墙'));
  assert.deepEqual(errors, []);
  await context.close();
});

test('a query across a word boundary (南段|路灯 → 段路灯) is found and the URL follows typing', async () => {
  const { page, context, errors } = await open('/search/');
  await page.fill('#search-q', '段路灯');
  await settled(page);
  const list = await hits(page);
  assert.equal(list[0].url, '/problems/2026-001/');
  assert.deepEqual(list[0].titleMarks, ['段路灯']);
  assert.equal(new URL(page.url()).searchParams.get('q'), '段路灯');
  // The same link opens the same results.
  const again = await open(new URL(page.url()).pathname + new URL(page.url()).search);
  await settled(again.page);
  assert.deepEqual((await hits(again.page)).map((h) => h.url), list.map((h) => h.url));
  assert.deepEqual(errors.concat(again.errors), []);
  await again.context.close();
  await context.close();
});

test('results narrow by kind and by status', async () => {
  const { page, context, errors } = await open('/search/?q=' + encodeURIComponent('社区'));
  await settled(page);
  const all = Number(/找到(\d+)条/.exec(await page.textContent('#search-status-line'))[1]);
  assert.ok(all > 10);
  // The options show how many hits each kind has.
  const meetingOption = await page.$eval('#search-kind option[value="meeting"]', (o) => o.textContent);
  const meetings = Number((/（(\d+)）/.exec(meetingOption) || [])[1]);
  assert.ok(meetings > 0 && meetings < all, meetingOption);

  await page.selectOption('#search-kind', 'meeting');
  await filtered(page, '.card-meeting');
  let list = await hits(page);
  assert.ok(list.length > 0);
  assert.ok(list.every((h) => h.cls.includes('card-meeting') && h.url.startsWith('/meetings/')), list.map((h) => h.url).join(' '));
  assert.match(await page.textContent('#search-status-line'), new RegExp(`筛选后${meetings}条`));
  assert.equal(new URL(page.url()).searchParams.get('kind'), 'meeting');

  await page.selectOption('#search-kind', '');
  await page.selectOption('#search-status', 'active');
  await filtered(page, '.card-notice');
  list = await hits(page);
  assert.ok(list.length > 0, 'some 公示中 notice mentions 社区');
  assert.ok(list.every((h) => h.url.startsWith('/notices/') && h.badges.includes('公示中')), JSON.stringify(list.map((h) => [h.url, h.badges])));
  assert.equal(new URL(page.url()).searchParams.get('status'), 'active');

  // A bookmarked filtered search opens filtered.
  const again = await open('/search/?q=' + encodeURIComponent('社区') + '&kind=problem');
  await settled(again.page);
  assert.equal(await again.page.inputValue('#search-kind'), 'problem');
  const problems = await hits(again.page);
  assert.ok(problems.length > 0 && problems.every((h) => h.url.startsWith('/problems/')));
  assert.deepEqual(errors.concat(again.errors), []);
  await again.context.close();
  await context.close();
});

test('the initials keypad types JZDT and finds 加装电梯', async () => {
  const { page, context, errors } = await open('/search/');
  await page.click('#keypad-details > summary');
  for (const k of ['J', 'Z', 'D', 'T']) await page.click(`#initials-keypad button[data-key="${k}"]`);
  assert.equal(await page.inputValue('#search-q'), 'JZDT');
  await searched(page, 'JZDT');
  const list = await hits(page);
  assert.ok(list.length >= 3, JSON.stringify(list));
  const elevator = list.filter((h) => h.title.includes('加装电梯'));
  assert.ok(elevator.length >= 3);
  // 加装电梯 titles first, highlighted on those four characters.
  assert.ok(list.slice(0, elevator.length).every((h) => h.title.includes('加装电梯')));
  for (const h of elevator) assert.deepEqual(h.titleMarks, ['加装电梯'], h.title);
  assert.equal(new URL(page.url()).searchParams.get('q'), 'JZDT');
  // 删除 removes one letter: JZD still finds them (加装电).
  await page.click('#initials-keypad button[data-action="delete"]');
  assert.equal(await page.inputValue('#search-q'), 'JZD');
  await searched(page, 'JZD');
  assert.ok((await hits(page)).some((h) => h.title.includes('加装电梯')));
  assert.deepEqual(errors, []);
  await context.close();
});

test('in kiosk mode the keypad is open with keys of at least 60×60 px', async () => {
  const { page, context, errors } = await open('/search/?kiosk=1', { viewport: { width: 1080, height: 1920 } });
  assert.ok(await page.$eval('#keypad-details', (d) => d.open));
  const sizes = await page.$$eval('#initials-keypad button', (bs) => bs.map((b) => { const r = b.getBoundingClientRect(); return [r.width, r.height]; }));
  assert.equal(sizes.length, 28);
  for (const [w, h] of sizes) assert.ok(w >= 60 && h >= 60, `${w}×${h}`);
  await page.click('#initials-keypad button[data-key="J"]');
  await page.click('#initials-keypad button[data-key="Z"]');
  await page.click('#initials-keypad button[data-key="D"]');
  await page.click('#initials-keypad button[data-key="T"]');
  await searched(page, 'JZDT');
  assert.ok((await hits(page)).some((h) => h.title.includes('加装电梯')));
  assert.deepEqual(errors, []);
  await context.close();
});

test('markup in records and queries is shown as text, never run', async () => {
  const q = '路灯<img src=x onerror=window.__xss=3>';
  const { page, context, errors } = await open('/search/?q=' + encodeURIComponent(q));
  await settled(page);
  const list = await hits(page);
  const markup = list.find((h) => h.title.includes('<img'));
  assert.ok(markup, 'the record whose title has markup is found: ' + JSON.stringify(list.map((h) => h.title)));
  assert.equal(markup.title, '路灯<img src=x onerror=window.__xss=1>检修<b>通知</b>');
  assert.equal(await page.evaluate(() => window.__xss), undefined);
  assert.equal(await page.$$eval('#search-results img, #search-results b, #search-results script', (e) => e.length), 0);
  assert.deepEqual(errors, []);
  await context.close();
});

test('a query downloads little and only from the site itself', async () => {
  const before = requests.length;
  const { page, context } = await open('/search/?q=' + encodeURIComponent('加装电梯'));
  await settled(page);
  const mine = requests.slice(before);
  assert.ok(mine.length > 0);
  for (const r of mine) assert.ok(r.url.startsWith(origin + '/'), r.url);
  const index = mine.filter((r) => r.url.includes('/search/') && /\.(json|bin)$/.test(new URL(r.url).pathname));
  assert.ok(index.some((r) => r.url.endsWith('/search/meta.json')));
  let bytes = 0;
  for (const r of index) bytes += fs.statSync(path.join(tmp, 'out', decodeURIComponent(new URL(r.url).pathname))).size;
  const total = fs.readdirSync(path.join(tmp, 'out', 'search'), { recursive: true })
    .map((f) => path.join(tmp, 'out', 'search', f)).filter((f) => fs.statSync(f).isFile() && /\.(json|bin)$/.test(f))
    .reduce((a, f) => a + fs.statSync(f).size, 0);
  assert.ok(bytes < total, `fetched ${bytes} of ${total} bytes: only the chunks the query needs`);
  assert.ok(bytes < 600 * 1024);
  await context.close();
});
