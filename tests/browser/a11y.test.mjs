// 适老化 and WCAG 2.1 AA in real headless Chromium (output.md "For everyone"):
// axe-core on every kind of page, text sizes, the 大字 / 高对比 switches, keyboard and focus,
// no pop-ups, no request leaving the local server, and layouts at phone, desktop and kiosk sizes.
//
//   cd tests/browser && npm ci && node --test a11y.test.mjs
//
// Set SCREENSHOTS=<folder> to also save the layout screenshots there for a person to look at.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { startSite, openContext, axeViolations, PAGE_KINDS, VISIBLE_FN } from './helpers.mjs';

let site;
before(async () => { site = await startSite({ prefix: 'gongkai-a11y-' }); });
after(async () => { if (site) await site.close(); });

const url = (p) => site.origin + p;
const withKiosk = (p) => p + (p.includes('?') ? '&' : '?') + 'kiosk=1';

async function checkAxe(pages, opts, label) {
  const { context, page, log } = await openContext(site.browser, opts);
  const problems = [];
  for (const [kind, p] of pages) {
    await page.goto(url(p));
    if (p.startsWith('/search/')) await page.waitForSelector('#search-results .search-hit');
    for (const v of await axeViolations(page)) problems.push(`${label} ${kind} ${p}: ${v}`);
  }
  assert.deepEqual(problems, []);
  assert.deepEqual(log.errors, []);
  await context.close();
}

test('axe-core: no serious or critical violation on any kind of page', async () => {
  await checkAxe(Object.entries(PAGE_KINDS), {}, 'default');
});

test('axe-core: none with 高对比 and 大字 on, on a phone', async () => {
  const some = ['home', 'notice (active)', 'notice (withdrawn)', 'problem (overdue)', 'problem (closed)', 'meeting', 'service', 'search', 'kiosk', '404'];
  await checkAxe(some.map((k) => [k, PAGE_KINDS[k]]), { prefs: ['high-contrast', 'large-text'], viewport: { width: 390, height: 844 } }, 'high-contrast+large-text');
});

test('axe-core: none in kiosk mode (portrait), also with 高对比', async () => {
  const some = ['home', 'notices', 'notice (active)', 'notice (redacted)', 'meeting', 'problems', 'problem (overdue)', 'problem (closed)', 'echo', 'service', 'org', 'tag', 'page', 'search', 'kiosk', '404'];
  const pages = some.map((k) => [k, withKiosk(PAGE_KINDS[k])]);
  await checkAxe(pages, { viewport: { width: 1080, height: 1920 }, hasTouch: true }, 'kiosk');
  await checkAxe(pages.filter(([k]) => ['kiosk', 'notice (active)', 'problem (closed)', 'search'].includes(k)),
    { viewport: { width: 1080, height: 1920 }, hasTouch: true, prefs: ['high-contrast'] }, 'kiosk+high-contrast');
});

test('lang, landmarks, one h1 and headings that never skip a level, on every kind of page', async () => {
  const { context, page } = await openContext(site.browser);
  for (const [kind, p] of Object.entries(PAGE_KINDS)) {
    await page.goto(url(p));
    const r = await page.evaluate(() => ({
      lang: document.documentElement.lang,
      main: document.querySelectorAll('main').length,
      banner: document.querySelectorAll('body > header').length,
      h1: document.querySelectorAll('h1').length,
      levels: [...document.querySelectorAll('h1, h2, h3, h4, h5, h6')]
        .filter((h) => !h.closest('[hidden]')).map((h) => Number(h.tagName[1])),
    }));
    assert.equal(r.lang, 'zh-CN', kind);
    assert.equal(r.main, 1, `${kind}: one <main>`);
    assert.equal(r.banner, 1, `${kind}: one banner`);
    assert.equal(r.h1, 1, `${kind}: one h1`);
    assert.equal(r.levels[0], 1, `${kind}: the first heading is the h1`);
    for (let i = 1; i < r.levels.length; i++) {
      assert.ok(r.levels[i] <= r.levels[i - 1] + 1, `${kind}: heading h${r.levels[i]} after h${r.levels[i - 1]} (${r.levels})`);
    }
  }
  await context.close();
});

/** Every visible element that holds text itself: its font size and (for body text) line height. */
async function textSizes(page) {
  return page.evaluate((visibleSrc) => {
    const visible = eval(visibleSrc);
    const out = [];
    for (const el of document.querySelectorAll('body *')) {
      if (['SCRIPT', 'STYLE', 'NOSCRIPT', 'svg'].includes(el.tagName)) continue;
      if (![...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim())) continue;
      if (!visible(el)) continue;
      const cs = getComputedStyle(el);
      out.push({
        what: `${el.tagName.toLowerCase()}${el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\s+/).join('.') : ''} «${el.textContent.trim().slice(0, 16)}»`,
        size: parseFloat(cs.fontSize),
        lineRatio: cs.lineHeight === 'normal' ? null : parseFloat(cs.lineHeight) / parseFloat(cs.fontSize),
        body: el.matches('p, li, dd, dt, td, th, blockquote, figcaption') && !el.closest('h1, h2, h3, h4, h5, h6'),
      });
    }
    return out;
  }, VISIBLE_FN);
}

test('body text is at least 18 px with line height at least 1.5, on a phone and a desktop', async () => {
  for (const viewport of [{ width: 390, height: 844 }, { width: 1280, height: 900 }]) {
    const { context, page } = await openContext(site.browser, { viewport });
    for (const [kind, p] of Object.entries(PAGE_KINDS)) {
      if (kind === 'kiosk') continue;   // kiosk pages: 20 px, see kiosk.test.mjs
      await page.goto(url(p));
      if (p.startsWith('/search/')) await page.waitForSelector('#search-results .search-hit');
      const sizes = await textSizes(page);
      assert.ok(sizes.length > 10, `${kind}: found text`);
      const small = sizes.filter((t) => t.size < 18);
      assert.deepEqual(small.map((t) => `${t.what} ${t.size}px`), [], `${kind} at ${viewport.width}px: text under 18 px`);
      const tight = sizes.filter((t) => t.body && !(t.lineRatio >= 1.5));
      assert.deepEqual(tight.map((t) => `${t.what} ${t.lineRatio}`), [], `${kind}: line height under 1.5`);
      // The main paragraph text itself: 18 px and 1.5 at least.
      const body = await page.evaluate(() => {
        const cs = getComputedStyle(document.body);
        return { size: parseFloat(cs.fontSize), ratio: parseFloat(cs.lineHeight) / parseFloat(cs.fontSize) };
      });
      assert.ok(body.size >= 18 && body.ratio >= 1.5, JSON.stringify(body));
    }
    await context.close();
  }
});

test('大字 and 高对比 are on every kind of page, work by keyboard, and persist across pages and reloads', async () => {
  const { context, page, log } = await openContext(site.browser);
  const state = () => page.evaluate(() => {
    const b = (k) => document.querySelector(`[data-gk-toggle="${k}"]`);
    return {
      large: b('large-text') && b('large-text').getAttribute('aria-pressed'),
      contrast: b('high-contrast') && b('high-contrast').getAttribute('aria-pressed'),
      labels: [b('large-text') && b('large-text').textContent.trim(), b('high-contrast') && b('high-contrast').textContent.trim()],
      visible: [b('large-text'), b('high-contrast')].every((x) => x && !x.hidden && x.getBoundingClientRect().width > 0),
      rootSize: parseFloat(getComputedStyle(document.documentElement).fontSize),
      bodyBg: getComputedStyle(document.body).backgroundColor,
      bodyColor: getComputedStyle(document.body).color,
    };
  });
  for (const [kind, p] of Object.entries(PAGE_KINDS)) {
    await page.goto(url(p));
    const s = await state();
    assert.deepEqual(s.labels, ['大字', '高对比'], kind);
    assert.ok(s.visible, `${kind}: switches visible`);
    assert.equal(s.large, 'false', kind);
    assert.equal(s.contrast, 'false', kind);
  }

  await page.goto(url('/notices/'));
  const before = await state();
  // Keyboard: focus the switch with Tab, press it with Enter and Space.
  await page.keyboard.press('Tab');            // skip link
  let guard = 0;
  while (await page.evaluate(() => document.activeElement.getAttribute('data-gk-toggle')) !== 'large-text' && guard++ < 10) await page.keyboard.press('Tab');
  await page.keyboard.press('Enter');
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.getAttribute('data-gk-toggle')), 'high-contrast');
  await page.keyboard.press('Space');
  const on = await state();
  assert.equal(on.large, 'true');
  assert.equal(on.contrast, 'true');
  assert.ok(on.rootSize >= before.rootSize * 1.15, `大字 enlarges text: ${before.rootSize} → ${on.rootSize}`);
  assert.notEqual(on.bodyBg, before.bodyBg, '高对比 changes the background');
  assert.equal(on.bodyBg, 'rgb(0, 0, 0)');
  assert.equal(on.bodyColor, 'rgb(255, 255, 255)');

  // Another page, then a reload: still on.
  await page.click('.site-nav a[href="/problems/"]');
  await page.waitForURL(/\/problems\/$/);
  let s = await state();
  assert.deepEqual([s.large, s.contrast, s.rootSize, s.bodyBg], ['true', 'true', on.rootSize, 'rgb(0, 0, 0)']);
  await page.reload();
  s = await state();
  assert.deepEqual([s.large, s.contrast, s.rootSize, s.bodyBg], ['true', 'true', on.rootSize, 'rgb(0, 0, 0)']);

  // Off again, by mouse this time; off persists too.
  await page.click('[data-gk-toggle="large-text"]');
  await page.click('[data-gk-toggle="high-contrast"]');
  await page.goto(url('/'));
  s = await state();
  assert.deepEqual([s.large, s.contrast, s.rootSize, s.bodyBg], ['false', 'false', before.rootSize, before.bodyBg]);
  assert.deepEqual(log.errors, []);
  await context.close();
});

test('keyboard: the skip link comes first, every stop shows its focus, and Tab reaches the main content', async () => {
  for (const p of ['/', '/notices/2026-11-dangyuan-gongshi/', withKiosk('/kiosk/')]) {
    const { context, page } = await openContext(site.browser);
    await page.goto(url(p));
    const stops = [];
    for (let i = 0; i < 40; i++) {
      await page.keyboard.press('Tab');
      const stop = await page.evaluate(() => {
        const el = document.activeElement;
        if (el === document.body || el === document.documentElement) return null;   // past the last control
        const cs = getComputedStyle(el);
        const r = el.getBoundingClientRect();
        return {
          what: `${el.tagName.toLowerCase()} ${(el.textContent || '').trim().slice(0, 12)}`,
          skip: el.classList.contains('skip-link'),
          href: el.getAttribute('href'),
          inMain: !!el.closest('main'),
          outline: cs.outlineStyle !== 'none' && parseFloat(cs.outlineWidth) >= 2,
          shadow: cs.boxShadow !== 'none',
          onScreen: r.width > 0 && r.height > 0 && r.bottom > 0 && r.top < innerHeight,
        };
      });
      if (!stop) break;
      stops.push(stop);
    }
    assert.ok(stops.length >= 10, `${p}: ${stops.length} Tab stops`);
    assert.ok(stops[0].skip, `${p}: first Tab stop is the skip link, not ${stops[0].what}`);
    assert.equal(stops[0].href, '#main');
    assert.ok(stops[0].onScreen, 'the focused skip link is on screen');
    for (const s of stops) assert.ok(s.outline || s.shadow, `${p}: ${s.what} has no visible focus indicator`);
    for (const s of stops) assert.ok(s.onScreen, `${p}: ${s.what} is focused but not scrolled into view`);
    assert.ok(stops.some((s) => s.inMain), `${p}: Tab reaches the main content`);

    // The skip link moves focus to <main>, and the next Tab lands inside it.
    await page.goto(url(p));
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'main');
    await page.keyboard.press('Tab');
    assert.ok(await page.evaluate(() => !!document.activeElement.closest('main')), `${p}: after the skip link, Tab stays in main`);
    await context.close();
  }
});

test('no pop-ups, no dialogs of the browser, no request leaves the local server', async () => {
  const { context, page, log } = await openContext(site.browser, { viewport: { width: 1080, height: 1920 }, hasTouch: true });
  for (const p of Object.values(PAGE_KINDS)) {
    await page.goto(url(p));
    await page.click('[data-gk-toggle="large-text"]');
    await page.click('[data-gk-toggle="large-text"]');
  }
  // Kiosk: tiles, a record, a telephone link (shown in the page, never dialled), the back bar.
  await page.goto(url('/kiosk/'));
  await page.click('.tile-notices');
  await page.waitForURL(/\/notices\/\?kiosk=1$/);
  await page.click('.card-title a >> nth=0');
  await page.waitForURL(/\/notices\/[^/]+\/\?kiosk=1$|\/notices\/[^/]+\/$/);
  const tel = page.locator('a[href^="tel:"]').first();
  if (await tel.count()) {
    await tel.click();
    await page.waitForSelector('.gk-dialog');
    await page.click('.gk-dialog .gk-big-button');
  }
  await page.click('[data-gk-back]');
  await page.waitForLoadState();
  await page.clock.fastForward(130_000);        // idle: warning, then back to the start screen
  await page.waitForURL(/\/kiosk\/$/);
  assert.deepEqual(await page.evaluate(() => window.__popups), []);
  assert.equal(log.windows, 1, 'no page but the first was ever opened');
  const foreign = log.requests.filter((r) => !r.startsWith(site.origin + '/'));
  assert.deepEqual(foreign, [], 'every request goes to the local server');
  assert.ok(log.requests.length > 40);
  assert.deepEqual(log.errors, []);
  await context.close();
});

const SIZES = {
  phone: { width: 390, height: 844 },
  desktop: { width: 1280, height: 900 },
  'kiosk-portrait': { width: 1080, height: 1920 },
  'kiosk-landscape': { width: 1920, height: 1080 },
};

test('layouts at phone, desktop and kiosk sizes: nothing overflows or overlaps, the start screen fits one screen', async () => {
  const shots = process.env.SCREENSHOTS && path.resolve(process.env.SCREENSHOTS);
  if (shots) fs.mkdirSync(shots, { recursive: true });
  const pages = { home: '/', notice: '/notices/2026-11-dangyuan-gongshi/', problem: '/problems/2026-001/', kiosk: '/kiosk/' };
  const variants = { phone: [[], ['large-text'], ['high-contrast']], desktop: [[], ['large-text']], 'kiosk-portrait': [[], ['large-text']], 'kiosk-landscape': [[]] };
  for (const [size, viewport] of Object.entries(SIZES)) {
    for (const prefs of variants[size]) {
      const { context, page, log } = await openContext(site.browser, { viewport, hasTouch: size !== 'desktop', prefs });
      for (const [name, p0] of Object.entries(pages)) {
        const p = size.startsWith('kiosk') && name !== 'kiosk' ? withKiosk(p0) : p0;
        await page.goto(url(p));
        const label = `${name} at ${size}${prefs.length ? ' with ' + prefs : ''}`;
        const r = await page.evaluate((visibleSrc) => {
          const visible = eval(visibleSrc);
          const doc = document.documentElement;
          // Elements wider than the screen, and pairs of header controls that overlap.
          const wide = [...document.querySelectorAll('body *')].filter((el) => {
            if (!visible(el) || el.closest('.prose table, .record table, pre')) return false;
            const r = el.getBoundingClientRect();
            return r.right > innerWidth + 1 || r.left < -1;
          }).map((el) => `${el.tagName.toLowerCase()}.${el.className}`);
          const boxes = [...document.querySelectorAll('.site-header .brand, .site-header .switch, .kiosk-clock, .site-nav a, .tile, .kiosk-bar-button')]
            .filter(visible).map((el) => ({ el: `${el.className || el.tagName} ${el.textContent.trim().slice(0, 8)}`, r: el.getBoundingClientRect() }));
          const overlaps = [];
          for (let i = 0; i < boxes.length; i++) {
            for (let j = i + 1; j < boxes.length; j++) {
              const a = boxes[i].r, b = boxes[j].r;
              if (a.left < b.right - 1 && b.left < a.right - 1 && a.top < b.bottom - 1 && b.top < a.bottom - 1) overlaps.push(`${boxes[i].el} × ${boxes[j].el}`);
            }
          }
          const tiles = [...document.querySelectorAll('.tile')].map((t) => t.getBoundingClientRect());
          return {
            scroll: doc.scrollWidth - innerWidth,
            wide: wide.slice(0, 5),
            overlaps,
            tilesBottom: tiles.length ? Math.max(...tiles.map((t) => t.bottom)) : 0,
            slideButton: (() => { const b = [...document.querySelectorAll('[data-gk-slide] .button-big')].find(visible); return b ? b.getBoundingClientRect().bottom : 0; })(),
            titleLines: [...document.querySelectorAll('.tile-title')].map((t) => Math.round(t.getBoundingClientRect().height / parseFloat(getComputedStyle(t).lineHeight))),
          };
        }, VISIBLE_FN);
        assert.equal(r.scroll, 0, `${label}: scrolls sideways (${r.wide.join(', ')})`);
        assert.deepEqual(r.wide, [], `${label}: wider than the screen`);
        assert.deepEqual(r.overlaps, [], `${label}: overlapping controls`);
        if (name === 'kiosk') {
          assert.ok(r.titleLines.every((n) => n === 1), `${label}: a tile title wraps (${r.titleLines})`);
          if (size.startsWith('kiosk') && !prefs.includes('large-text')) {
            assert.ok(r.tilesBottom <= viewport.height, `${label}: tiles end at ${r.tilesBottom}`);
            assert.ok(r.slideButton > 0 && r.slideButton <= viewport.height, `${label}: the slide's 查看详情 is on the first screen (${r.slideButton})`);
          }
        }
        if (shots) await page.screenshot({ path: path.join(shots, `${size}-${name}${prefs.length ? '-' + prefs.join('+') : ''}.png`), fullPage: size === 'phone' });
      }
      assert.deepEqual(log.errors, []);
      await context.close();
    }
  }
});
