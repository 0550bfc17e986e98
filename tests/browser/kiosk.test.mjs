// Kiosk mode in real headless Chromium (output.md "Kiosk"): sizes of text and touch targets,
// the six tiles, no hover-only controls, the idle timer and the rotating 公示中 panel under a
// controlled clock (also over several days), and links that leave the site shown as a QR code
// (an SVG file made at build time, decoded here with jsQR) instead of being followed.
//
//   cd tests/browser && npm ci && node --test kiosk.test.mjs
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startSite, openContext, decodeImg, PAGE_KINDS, VISIBLE_FN } from './helpers.mjs';

const EXTERNAL = 'https://www.12371.cn/2026/11/dangyuan-jiaoyu/?from=xingfuli&lang=zh-CN';
const OWN_ABSOLUTE = 'https://xingfuli.example.cn/problems/';

let site;
before(async () => {
  site = await startSite({
    prefix: 'gongkai-kiosk-',
    files: {
      'content/links.md': [
        '---',
        'title: 相关链接',
        'date: 2026-11-01',
        '---',
        '',
        `党员教育请看[共产党员网](${EXTERNAL})，政策文件见[中国政府网](https://www.gov.cn/zhengce/)。`,
        '',
        `本站的[问题墙](${OWN_ABSOLUTE})也可以直接打开。来信请寄 [xingfuli@example.cn](mailto:xingfuli@example.cn)。`,
        '',
      ].join('\n'),
    },
  });
});
after(async () => { if (site) await site.close(); });

const PORTRAIT = { width: 1080, height: 1920 };
const LANDSCAPE = { width: 1920, height: 1080 };
const kioskUrl = (p) => site.origin + p + (p.includes('?') ? '&' : '?') + 'kiosk=1';

/** Text under 20 px and controls under 60×60 that are visible on the page now. */
async function kioskSizes(page) {
  return page.evaluate((visibleSrc) => {
    const visible = eval(visibleSrc);
    const small = [];
    for (const el of document.querySelectorAll('body *')) {
      if (['SCRIPT', 'STYLE', 'NOSCRIPT'].includes(el.tagName)) continue;
      if (![...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim())) continue;
      if (!visible(el)) continue;
      const size = parseFloat(getComputedStyle(el).fontSize);
      if (size < 20) small.push(`${el.tagName.toLowerCase()}.${el.className} «${el.textContent.trim().slice(0, 12)}» ${size}px`);
    }
    const tiny = [];
    let controls = 0;
    for (const el of document.querySelectorAll('a[href], button, input, select, textarea, summary, [role="button"], [tabindex]:not([tabindex="-1"])')) {
      if (!visible(el)) continue;
      controls++;
      const r = el.getBoundingClientRect();
      if (r.width < 60 || r.height < 60) tiny.push(`${el.tagName.toLowerCase()}.${el.className} «${el.textContent.trim().slice(0, 12)}» ${Math.round(r.width)}×${Math.round(r.height)}`);
    }
    return { small, tiny, controls };
  }, VISIBLE_FN);
}

test('kiosk pages: every visible text at least 20 px, every control at least 60×60, portrait and landscape, also with 大字', async () => {
  const pages = { ...PAGE_KINDS, links: '/links/' };
  const some = ['kiosk', 'home', 'notice (active)', 'problem (closed)', 'meeting', 'service', 'search', 'links'];
  for (const [viewport, prefs] of [[PORTRAIT, []], [LANDSCAPE, []], [PORTRAIT, ['large-text', 'high-contrast']]]) {
    const { context, page, log } = await openContext(site.browser, { viewport, hasTouch: true, prefs });
    for (const [kind, p] of Object.entries(pages)) {
      if (prefs.length && !some.includes(kind)) continue;
      await page.goto(kind === 'kiosk' ? site.origin + p : kioskUrl(p));
      if (p.startsWith('/search/')) await page.waitForSelector('#search-results .search-hit');
      assert.ok(await page.evaluate(() => document.documentElement.classList.contains('kiosk')), `${kind} is in kiosk mode`);
      const r = await kioskSizes(page);
      const where = `${kind} at ${viewport.width}×${viewport.height}${prefs.length ? ' with ' + prefs : ''}`;
      assert.ok(r.controls > 5, where);
      assert.deepEqual(r.small, [], `${where}: text under 20 px`);
      assert.deepEqual(r.tiny, [], `${where}: targets under 60×60`);
      // The skip link, once focused, is a 60×60 target too.
      await page.keyboard.press('Tab');
      const skip = await page.evaluate(() => { const r = document.activeElement.getBoundingClientRect(); return [document.activeElement.className, r.width, r.height]; });
      assert.equal(skip[0], 'skip-link');
      assert.ok(skip[1] >= 60 && skip[2] >= 60, `${where}: skip link ${skip[1]}×${skip[2]}`);
    }
    assert.deepEqual(log.errors, []);
    await context.close();
  }
});

test('the start screen: six large tiles, each leading to its page in kiosk mode', async () => {
  const { context, page, log } = await openContext(site.browser, { viewport: PORTRAIT, hasTouch: true });
  await page.goto(site.origin + '/kiosk/');
  const tiles = await page.$$eval('.tile', (ts) => ts.map((t) => {
    const r = t.getBoundingClientRect();
    return { title: t.querySelector('.tile-title').textContent, href: t.getAttribute('href'), w: r.width, h: r.height };
  }));
  assert.deepEqual(tiles.map((t) => t.title), ['公示中', '问题墙', '回音壁', '服务清单', '会议', '搜索']);
  assert.deepEqual(tiles.map((t) => t.href), ['/notices/?kiosk=1', '/problems/?kiosk=1', '/echo/?kiosk=1', '/services/?kiosk=1', '/meetings/?kiosk=1', '/search/?kiosk=1']);
  for (const t of tiles) assert.ok(t.w >= 200 && t.h >= 150, `${t.title}: ${t.w}×${t.h}`);
  assert.equal(await page.textContent('.tile-notices [data-gk-active-count]'), '3');

  // Kiosk mode stays on along the way, even on links without ?kiosk=1, and the bar leads home.
  await page.tap('.tile-problems');
  await page.waitForURL(/\/problems\/\?kiosk=1$/);
  await page.tap('.card-title a >> nth=0');
  await page.waitForURL(/\/problems\/2026-\d+\/$/);
  assert.ok(await page.evaluate(() => document.documentElement.classList.contains('kiosk')));
  assert.ok(await page.isVisible('.kiosk-bar'));
  assert.equal(await page.getAttribute('.site-nav a >> nth=0', 'href'), '/kiosk/', '首页 means the start screen');
  await page.tap('.kiosk-bar a');
  await page.waitForURL(/\/kiosk\/$/);
  // ?kiosk=0 leaves kiosk mode (for the staff).
  await page.goto(site.origin + '/notices/?kiosk=0');
  assert.ok(!(await page.evaluate(() => document.documentElement.classList.contains('kiosk'))));
  assert.deepEqual(log.errors, []);
  await context.close();
});

test('no hover-only controls: hovering never shows, hides or moves anything', async () => {
  const { context, page } = await openContext(site.browser, { viewport: PORTRAIT, hasTouch: true });
  await page.goto(kioskUrl('/search/'));
  const hoverRules = await page.evaluate(() => {
    const out = [];
    const walk = (rules) => {
      for (const r of rules) {
        if (r.cssRules && !r.selectorText) walk(r.cssRules);
        if (!r.selectorText || !r.selectorText.includes(':hover')) continue;
        for (const prop of r.style) {
          if (/^(display|visibility|opacity|max-height|height|width|position|transform|pointer-events|clip|clip-path|overflow|content)$/.test(prop)) out.push(`${r.selectorText} { ${prop} }`);
        }
      }
    };
    for (const s of document.styleSheets) walk(s.cssRules);
    return out;
  });
  assert.deepEqual(hoverRules, []);
  // No control hides behind a title attribute only.
  const titled = await page.$$eval('body [title]', (els) => els.filter((e) => !e.textContent.trim()).map((e) => e.outerHTML.slice(0, 60)));
  assert.deepEqual(titled, []);
  await context.close();
});

test('idle: a warning with a countdown and a large 继续, then back to the start screen with default settings', async () => {
  const { context, page, log } = await openContext(site.browser, { viewport: PORTRAIT, hasTouch: true });
  await page.goto(site.origin + '/kiosk/');
  const idle = Number(await page.getAttribute('html', 'data-idle-seconds'));
  assert.equal(idle, 120, 'kiosk.idle_seconds of the example site');
  await page.tap('.tile-problems');
  await page.waitForURL(/\/problems\/\?kiosk=1$/);
  await freeze(page);
  await page.tap('[data-gk-toggle="large-text"]');   // the last activity, at a known moment
  const entries = await page.evaluate(() => history.length);
  const overlay = page.locator('.gk-overlay');

  // Nothing before the last 20 seconds.
  await page.clock.fastForward((idle - 25) * 1000);
  assert.equal(await overlay.count(), 0);
  await page.clock.fastForward(10_000);
  await overlay.waitFor();
  const count1 = Number(await page.textContent('.gk-overlay .gk-count'));
  assert.ok(count1 > 0 && count1 <= 20, `countdown ${count1}`);
  assert.match(await page.textContent('.gk-overlay'), /秒后将回到触摸屏首页/);
  await page.clock.runFor(3000);
  const count2 = Number(await page.textContent('.gk-overlay .gk-count'));
  assert.equal(count2, count1 - 3, 'the countdown counts down');
  const button = page.locator('.gk-overlay button');
  assert.equal((await button.textContent()).trim(), '继续');
  const box = await button.boundingBox();
  assert.ok(box.width >= 60 && box.height >= 60, `继续 is ${box.width}×${box.height}`);
  assert.ok(await button.evaluate((b) => b === document.activeElement), '继续 has the focus');
  assert.equal(await page.getAttribute('.gk-dialog', 'role'), 'alertdialog');
  const sizes = await kioskSizes(page);
  assert.deepEqual([sizes.small, sizes.tiny], [[], []], 'the warning keeps to the kiosk sizes');

  // 继续 keeps the visitor where they are, and the timer starts again.
  await button.tap();
  assert.equal(await overlay.count(), 0);
  assert.match(page.url(), /\/problems\/\?kiosk=1$/);
  await page.clock.fastForward((idle - 25) * 1000);
  assert.equal(await overlay.count(), 0, 'a full idle period again before the next warning');
  assert.match(page.url(), /\/problems\/\?kiosk=1$/);

  // Running out goes back to the start screen, with the switches back to default.
  await page.clock.fastForward(10_000);
  await overlay.waitFor();
  await page.clock.fastForward(25_000);
  await page.waitForURL(/\/kiosk\/$/);
  assert.equal(await page.getAttribute('[data-gk-toggle="large-text"]', 'aria-pressed'), 'false');
  assert.ok(!(await page.evaluate(() => document.documentElement.classList.contains('large-text'))));
  // location.replace: 返回 cannot lead back into the last visitor's pages.
  assert.equal(await page.evaluate(() => history.length), entries);
  assert.deepEqual(await page.evaluate(() => window.__popups), []);
  assert.deepEqual(log.errors, []);
  await context.close();
});

/** Polls `fn` in the page (from Node, so a reload or a paused clock cannot stall it) until it is true. */
async function until(page, fn, what, ms = 10_000) {
  const end = Date.now() + ms;
  for (;;) {
    try { if (await page.evaluate(fn)) return; } catch { /* navigating */ }
    if (Date.now() > end) assert.fail(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Stops the page's clock from running on by itself: from now on only runFor/fastForward move it. */
async function freeze(page) {
  // pauseAt must lie ahead of the page's clock, which runs on meanwhile: retry if it overtook us.
  for (let margin = 500; ; margin *= 2) {
    const now = await page.evaluate(() => Date.now());
    try { await page.clock.pauseAt(new Date(now + margin)); return; } catch (e) { if (margin > 30_000) throw e; }
  }
}

/** The slide on screen: its title and the position line. */
const onScreen = (page) => page.evaluate(() => {
  const s = [...document.querySelectorAll('[data-gk-slide]')].filter((x) => !x.hidden);
  return {
    titles: s.map((x) => x.querySelector('.slide-title').textContent),
    pos: document.querySelector('[data-gk-rotator-pos]').textContent,
    count: document.querySelector('.tile-notices [data-gk-active-count]').textContent,
    status: s.map((x) => x.querySelector('[data-gk-status]').textContent),
  };
});

test('the start screen cycles through the 公示中 notices every rotate_seconds; 暂停 stops it', async () => {
  const { context, page, log } = await openContext(site.browser, { viewport: LANDSCAPE, hasTouch: true });
  await page.goto(site.origin + '/kiosk/');
  await freeze(page);
  const rotate = Number(await page.getAttribute('html', 'data-rotate-seconds'));
  assert.equal(rotate, 20, 'kiosk.rotate_seconds of the example site');
  // 下一条 starts the period afresh, at a moment this test knows.
  await page.tap('[data-gk-next]');
  const seen = [];
  for (let i = 1; i < 5; i++) {
    const s = await onScreen(page);
    assert.equal(s.titles.length, 1, 'one slide at a time');
    assert.equal(s.pos, `${(i % 3) + 1} / 3`);
    assert.deepEqual(s.status, ['公示中']);
    seen.push(s.titles[0]);
    await page.clock.runFor(rotate * 1000 - 500);
    assert.deepEqual((await onScreen(page)).titles, s.titles, 'not before rotate_seconds');
    await page.clock.runFor(600);
  }
  assert.equal(new Set(seen.slice(0, 3)).size, 3, 'three different notices');
  assert.equal(seen[3], seen[0], 'and round again');
  await page.tap('[data-gk-pause]');
  assert.equal(await page.getAttribute('[data-gk-pause]', 'aria-pressed'), 'true');
  const held = await onScreen(page);
  await page.clock.runFor(rotate * 3000);
  assert.deepEqual(await onScreen(page), held);
  await page.tap('[data-gk-next]');
  assert.notDeepEqual((await onScreen(page)).titles, held.titles);
  assert.deepEqual(log.errors, []);
  await context.close();
});

test('a start screen left on for days: new 公示 join, ended ones leave, it reloads once a day, and keeps rotating', async () => {
  const { context, page, log } = await openContext(site.browser, { viewport: PORTRAIT, hasTouch: true });
  let loads = 0;
  page.on('load', () => { loads++; });
  await page.goto(site.origin + '/kiosk/');
  assert.equal((await onScreen(page)).pos, '1 / 3');
  const rotate = Number(await page.getAttribute('html', 'data-rotate-seconds'));

  // Three days later (11-24): 低保第三榜 and 发展党员 ended, 评先评优 began (it was not on the page).
  await page.clock.fastForward(3 * 86400_000);
  await page.clock.runFor(61_000);
  for (const end = Date.now() + 10_000; loads < 2 && Date.now() < end;) await new Promise((r) => setTimeout(r, 50));
  assert.equal(loads, 2, 'reloaded once for the new day');
  await until(page, () => / \/ 2$/.test(document.querySelector('[data-gk-rotator-pos]').textContent)
    && document.querySelector('.tile-notices [data-gk-active-count]').textContent === '2', 'two notices are 公示中');
  const titles = new Set();
  for (let i = 0; i < 2; i++) {
    const s = await onScreen(page);
    assert.deepEqual(s.status, ['公示中']);
    titles.add(s.titles[0]);
    await page.clock.runFor(rotate * 1000 + 100);
  }
  assert.deepEqual([...titles].sort(), ['2026年度“幸福里好人”和优秀共产党员推荐人选公示', '5号楼加装电梯费用分摊方案公示'].sort());
  // The slide that arrived later leads to its page, in kiosk mode.
  const href = await page.getAttribute('[data-gk-slide]:has-text("幸福里好人") a', 'href');
  assert.equal(href, '/notices/ping-xian-ping-you-gong-shi/?kiosk=1');
  assert.equal(await page.textContent('[data-gk-slide]:has-text("幸福里好人") [data-gk-days]'), '剩余7天');
  assert.equal(await page.textContent('.kiosk-clock [data-gk-today]'), '2026年11月24日');

  // Offline on the next day: no reload (it would leave an error page), the screen goes on.
  await context.route('**/*', (r) => r.abort());
  await page.clock.fastForward(86400_000);
  await page.clock.runFor(61_000);
  for (let i = 0; i < 3; i++) await page.clock.runFor(rotate * 1000);
  assert.equal(loads, 2, 'no reload while the server cannot be reached');
  assert.equal((await onScreen(page)).count, '2');
  await context.unroute('**/*');

  // A week on (12-01): nothing is in its 公示期 any more.
  await page.clock.fastForward(6 * 86400_000);
  await page.clock.runFor(61_000);
  await until(page, () => !document.querySelector('[data-gk-rotator-empty]').hidden, 'the panel says nothing is 公示中');
  const s = await onScreen(page);
  assert.deepEqual([s.titles, s.count], [[], '0']);
  assert.ok(await page.locator('[data-gk-slide]').count() <= 4, 'slides are added once, not once a day');
  assert.deepEqual(await page.evaluate(() => window.__popups), []);
  assert.deepEqual(log.errors.filter((e) => !/ERR_FAILED|Failed to load resource/.test(e)), []);
  await context.close();
});

test('a link that leaves the site is never followed: its URL and a QR code that decodes to it show instead', async () => {
  const { context, page, log } = await openContext(site.browser, { viewport: PORTRAIT, hasTouch: true });
  await page.goto(kioskUrl('/links/'));
  assert.equal(await page.getAttribute(`a[href="${OWN_ABSOLUTE}"]`, 'data-qr'), null, 'the site\'s own URL needs no code');
  await page.tap(`a[href="${EXTERNAL}"]`);
  await page.waitForSelector('.gk-overlay img.gk-qr');
  assert.match(page.url(), /\/links\/\?kiosk=1$/, 'stays on the page');
  assert.equal(await page.textContent('.gk-overlay .gk-url'), EXTERNAL);
  assert.equal(await page.getAttribute('.gk-overlay img.gk-qr', 'alt'), `二维码：${EXTERNAL}`);
  assert.equal(await decodeImg(page, '.gk-overlay img.gk-qr'), EXTERNAL);
  const qr = await page.locator('.gk-overlay img.gk-qr').boundingBox();
  assert.ok(qr.width >= 200, `QR code ${qr.width} px wide`);
  const sizes = await kioskSizes(page);
  assert.deepEqual([sizes.small, sizes.tiny], [[], []], 'the dialog keeps to the kiosk sizes');
  await page.tap('.gk-overlay button');
  assert.equal(await page.locator('.gk-overlay').count(), 0);

  // The site's own absolute URLs stay inside the kiosk; mailto shows the address.
  await page.tap(`a[href="${OWN_ABSOLUTE}"]`);
  await page.waitForURL(/127\.0\.0\.1:\d+\/problems\/$/);
  await page.goBack();
  await page.tap('a[href^="mailto:"]');
  assert.equal(await page.textContent('.gk-overlay .gk-url'), 'xingfuli@example.cn');
  await page.keyboard.press('Escape');
  assert.equal(await page.locator('.gk-overlay').count(), 0);

  // Outside kiosk mode the same link is an ordinary link.
  await page.goto(site.origin + '/links/?kiosk=0');
  assert.equal(await page.getAttribute(`a[href="${EXTERNAL}"]`, 'href'), EXTERNAL);
  const foreign = log.requests.filter((r) => !r.startsWith(site.origin + '/'));
  assert.deepEqual(foreign, [], 'nothing was requested from other hosts');
  assert.deepEqual(await page.evaluate(() => window.__popups), []);
  assert.deepEqual(log.errors, []);
  await context.close();
});
