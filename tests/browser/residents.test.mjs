// For residents (output.md "Print", "Kiosk", "For everyone"): paper that says nothing that changes
// by itself and carries a small QR code of a short address that leads to the record; wide tables
// that scroll inside a labelled region on a phone; kiosk sizes on every page reached from /kiosk/;
// and the 朗读 control, driven against a stubbed speechSynthesis.
//
//   cd tests/browser && npm ci && node --test residents.test.mjs
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startSite, openContext, at, decodeSvg, pdfPages, VISIBLE_FN } from './helpers.mjs';

// Eight columns, as a 发展党员 roster has: too wide for a phone.
const WIDE = [
  '---', 'title: 2026年发展党员情况公开', 'date: 2026-11-02', 'kind: disclosure', 'category: 党员发展', '---', '',
  '今年发展党员情况如下。', '',
  '| 序号 | 姓名 | 性别 | 出生年月 | 学历 | 所在支部 | 申请入党时间 | 列为积极分子时间 |', '|---|---|---|---|---|---|---|---|',
  ...Array.from({ length: 6 }, (_, i) => `| ${i + 1} | 某某某 | 男 | 1990年${i + 1}月 | 大学本科 | 第${i + 1}网格党支部 | 2024年3月 | 2024年9月 |`), '',
].join('\n');

let site;
before(async () => {
  site = await startSite({ prefix: 'gongkai-residents-', files: { 'content/notices/zz-wide.md': WIDE } });
});
after(async () => { if (site) await site.close(); });

const NOTICE = '/notices/2026-11-dangyuan-gongshi/';
const PROBLEM = '/problems/2026-001/';
const MEETING = '/meetings/2026-10-lianxi/';

test('printed: no days-left or days-overdue, text at least 12pt, title at least 18pt, one A4 sheet for a notice and a problem', async () => {
  const { context, page, log } = await openContext(site.browser, { time: at('2026-11-24') });
  for (const r of [NOTICE, PROBLEM, '/notices/tingshui-1125/', '/problems/2026-011/']) {
    await page.goto(site.origin + r);
    // On screen the time-relative words are there (the fixture records have them)…
    const onScreen = await page.innerText('main');
    if (r === PROBLEM) assert.match(onScreen, /已逾期\d+天/, `${r}: on screen`);
    await page.emulateMedia({ media: 'print' });
    const v = await page.evaluate((visibleFn) => {
      const visible = eval(visibleFn);
      let min = Infinity;
      let small = '';
      const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
      for (let n; (n = walker.nextNode());) {
        if (!n.nodeValue.trim() || !visible(n.parentElement)) continue;
        const size = parseFloat(getComputedStyle(n.parentElement).fontSize);
        if (size < min) { min = size; small = n.nodeValue.trim().slice(0, 20); }
      }
      return { min, small, h1: parseFloat(getComputedStyle(document.querySelector('h1')).fontSize), text: document.body.innerText };
    }, VISIBLE_FN);
    assert.ok(v.min >= 16 - 0.01, `${r}: "${v.small}" at ${v.min}px (under 12pt)`);
    assert.ok(v.h1 >= 24 - 0.01, `${r}: title at ${v.h1}px (under 18pt)`);
    assert.doesNotMatch(v.text, /剩余\d+天|已逾期\d+天|今天截止|今天到期|\d+天后开始/, `${r}: time-relative text on paper`);
    assert.match(v.text, /打印日期：2026年11月24日/, `${r}: the day it is printed`);
    assert.match(v.text, /编码：[0-9a-f]{8}/, `${r}: the content code`);
    await page.emulateMedia({ media: null });
    const pdf = await page.pdf({ format: 'A4', printBackground: true });
    assert.equal(pdfPages(pdf), 1, `${r}: ${pdfPages(pdf)} pages`);
  }
  assert.deepEqual(log.errors, []);
  await context.close();
});

test('a short text is set larger on paper than a long one, so that both fill the sheet', async () => {
  const { context, page } = await openContext(site.browser);
  const size = async (r) => {
    await page.goto(site.origin + r);
    await page.emulateMedia({ media: 'print' });
    // The script fits the sheet when the print media query turns on (an event, so: wait).
    await page.waitForFunction(() => document.querySelector('article.record').style.fontSize !== '', null, { timeout: 5000 });
    const px = await page.evaluate(() => parseFloat(getComputedStyle(document.querySelector('.record-body p')).fontSize));
    await page.emulateMedia({ media: null });
    return px;
  };
  const short = await size('/notices/tingshui-1125/');
  const long = await size('/notices/2026-q3-caiwu/');
  assert.ok(short > long && short >= 20, `short ${short}px, long ${long}px`);
  await context.close();
});

test('the printed QR code is a short address (path at most 24 characters) that leads to the record', async () => {
  const { context, page } = await openContext(site.browser);
  for (const r of [NOTICE, PROBLEM, MEETING]) {
    await page.goto(site.origin + r);
    await page.emulateMedia({ media: 'print' });
    const url = await decodeSvg(page, '.print-footer .qr svg');
    await page.emulateMedia({ media: null });
    assert.ok(url, `${r}: the QR code decodes`);
    const u = new URL(url);
    assert.equal(u.origin, 'https://xingfuli.example.cn');
    assert.ok(u.pathname.length <= 24, `${r}: ${u.pathname} is longer than 24 characters`);
    // The record's own address when that is short enough, else its short permalink.
    if (r.length <= 24) assert.equal(u.pathname, r);
    else assert.match(u.pathname, /^\/p\/[1-9a-z]{6,}\.html$/);
    // Followed on the test server: the short page sends the browser on to the record.
    await page.goto(site.origin + u.pathname);
    await page.waitForURL((x) => x.pathname === r, { timeout: 5000 });
    assert.equal(new URL(page.url()).pathname, r);
  }
  await context.close();
});

test('a meeting prints with its QR code and without navigation', async () => {
  const { context, page } = await openContext(site.browser);
  await page.goto(site.origin + MEETING);
  await page.emulateMedia({ media: 'print' });
  const v = await page.evaluate((visibleFn) => {
    const visible = eval(visibleFn);
    return {
      qr: visible(document.querySelector('.print-footer .qr svg')),
      nav: [...document.querySelectorAll('nav, .site-header, .site-footer')].some((e) => visible(e)),
      read: visible(document.querySelector('.read-aloud') || document.body) && !!document.querySelector('.read-aloud:not([hidden])'),
    };
  }, VISIBLE_FN);
  assert.ok(v.qr, 'QR code on the printed meeting');
  assert.ok(!v.nav, 'no navigation on paper');
  assert.ok(!v.read, 'no read-aloud control on paper');
  await context.close();
});

test('on a 390 px phone a wide table scrolls inside its own labelled, focusable region, and no cell is under 3 characters wide', async () => {
  const { context, page, log } = await openContext(site.browser, { viewport: { width: 390, height: 844 } });
  await page.goto(site.origin + '/notices/zz-wide/');
  const v = await page.evaluate(() => {
    const box = document.querySelector('.table-scroll');
    const cells = [...box.querySelectorAll('th, td')];
    // The width text can use: the cell less its padding and borders, in characters.
    const narrowest = Math.min(...cells.map((c) => {
      const cs = getComputedStyle(c);
      const inner = c.getBoundingClientRect().width - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight) - parseFloat(cs.borderLeftWidth) - parseFloat(cs.borderRightWidth);
      return inner / parseFloat(cs.fontSize);
    }));
    const hint = box.previousElementSibling;
    return {
      role: box.getAttribute('role'), label: box.getAttribute('aria-label'), tabindex: box.getAttribute('tabindex'),
      scrolls: box.scrollWidth > box.clientWidth, pageWide: document.documentElement.scrollWidth > window.innerWidth,
      narrowest, hint: !!hint && hint.classList.contains('table-scroll-hint') && getComputedStyle(hint).display !== 'none' && hint.textContent,
    };
  });
  assert.equal(v.role, 'region');
  assert.equal(v.tabindex, '0');
  assert.equal(v.label, '表格：序号、姓名、性别等');
  assert.ok(v.scrolls, 'the table scrolls inside its region');
  assert.ok(!v.pageWide, 'the page itself does not scroll sideways');
  assert.ok(v.narrowest >= 3, `a cell ${v.narrowest.toFixed(2)} characters wide`);
  assert.match(v.hint || '', /左右滑动查看/);
  // Reached by keyboard, and scrolled by it.
  await page.focus('.table-scroll');
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  await page.waitForFunction(() => document.querySelector('.table-scroll').scrollLeft > 0, null, { timeout: 3000 })
    .catch(() => assert.fail('arrow keys scroll the focused region'));
  assert.deepEqual(log.errors, []);
  await context.close();
});

/** Stubs speechSynthesis before any page script: voices (after a delay, as Chrome loads them) and
 *  a record of every utterance, pause, resume and cancel. */
async function stubSpeech(context, voices) {
  await context.addInitScript((voiceList) => {
    const log = (window.__speech = { said: [], calls: [] });
    const listeners = [];
    let ready = [];
    const synth = {
      speaking: false, paused: false, pending: false,
      getVoices: () => ready,
      speak(u) { log.said.push({ text: u.text, lang: u.lang, voice: u.voice && u.voice.lang }); log.calls.push('speak'); this.speaking = true; },
      pause() { log.calls.push('pause'); this.paused = true; },
      resume() { log.calls.push('resume'); this.paused = false; },
      cancel() { log.calls.push('cancel'); this.speaking = false; },
      addEventListener(type, f) { if (type === 'voiceschanged') listeners.push(f); },
      removeEventListener() {},
    };
    Object.defineProperty(window, 'speechSynthesis', { value: synth, configurable: true });
    window.SpeechSynthesisUtterance = function (text) { this.text = text; this.lang = ''; this.voice = null; };
    setTimeout(() => { ready = voiceList; listeners.forEach((f) => f(new Event('voiceschanged'))); }, 200);
  }, voices);
}

test('朗读 reads the record in Chinese with pause, resume and stop, once a Chinese voice has loaded; no request', async () => {
  const { context, page, log } = await openContext(site.browser);
  await stubSpeech(context, [{ lang: 'en-US', name: 'English' }, { lang: 'zh-CN', name: '中文' }]);
  await page.goto(site.origin + NOTICE);
  await page.waitForSelector('.read-aloud:not([hidden])', { timeout: 5000 });
  const before = log.requests.length;
  const play = page.locator('[data-gk-read-play]');
  await play.click();
  let s = await page.evaluate(() => window.__speech);
  assert.ok(s.said.length > 1, 'the text is read in several parts');
  const all = s.said.map((x) => x.text).join('');
  const title = await page.innerText('h1');
  assert.ok(all.includes(title), 'the title is read');
  assert.ok(all.includes('公示期'), 'the 公示期 is read');
  assert.ok(!all.includes('扫码查看网页版'), 'the print footer is not read');
  assert.ok(s.said.every((x) => x.lang === 'zh-CN' && x.voice === 'zh-CN'), 'in the Chinese voice');
  assert.equal(await play.innerText(), '暂停');
  await play.click();
  assert.equal(await play.innerText(), '继续');
  await play.click();
  await page.locator('[data-gk-read-stop]').click();
  s = await page.evaluate(() => window.__speech);
  assert.deepEqual(s.calls.filter((c) => c !== 'speak'), ['cancel', 'pause', 'resume', 'cancel']);
  assert.equal(await play.innerText(), '朗读');
  assert.ok(await page.locator('[data-gk-read-stop]').isDisabled());
  assert.equal(log.requests.length, before, 'no request while reading');
  await context.close();
});

test('朗读 stays hidden without a Chinese voice, and on the kiosk it reads the start screen', async () => {
  let { context, page } = await openContext(site.browser);
  await stubSpeech(context, [{ lang: 'en-US', name: 'English' }]);
  await page.goto(site.origin + MEETING);
  await page.waitForTimeout(500);
  assert.ok(await page.locator('.read-aloud').isHidden());
  await context.close();
  ({ context, page } = await openContext(site.browser, { viewport: { width: 1080, height: 1920 } }));
  await stubSpeech(context, [{ lang: 'zh-CN', name: '中文' }]);
  await page.goto(site.origin + '/kiosk/');
  await page.waitForSelector('.read-aloud:not([hidden])', { timeout: 5000 });
  const box = await page.locator('[data-gk-read-play]').boundingBox();
  assert.ok(box.width >= 60 && box.height >= 60, `kiosk read-aloud target ${box.width}×${box.height}`);
  await page.locator('[data-gk-read-play]').click();
  const said = await page.evaluate(() => window.__speech.said.map((x) => x.text).join(''));
  assert.match(said, /欢迎查阅党务居务公开/);
  await context.close();
});

/** In the page: the smallest text, the smallest link or button, and the back control. */
const KIOSK_CHECK = `(visibleFn) => {
  const visible = eval(visibleFn);
  let minText = Infinity, textAt = '';
  const walker = document.createTreeWalker(document.querySelector('body'), NodeFilter.SHOW_TEXT);
  for (let n; (n = walker.nextNode());) {
    if (!n.nodeValue.trim() || !visible(n.parentElement)) continue;
    const size = parseFloat(getComputedStyle(n.parentElement).fontSize);
    if (size < minText) { minText = size; textAt = n.nodeValue.trim().slice(0, 24); }
  }
  let minTarget = Infinity, targetAt = '';
  for (const el of document.querySelectorAll('a[href], button:not(:disabled), summary, input:not(:disabled), select, [tabindex="0"]')) {
    if (!visible(el)) continue;
    const r = el.getBoundingClientRect();
    const m = Math.min(r.width, r.height);
    if (m < minTarget) { minTarget = m; targetAt = (el.textContent || el.getAttribute('aria-label') || el.tagName).trim().slice(0, 24) + ' ' + Math.round(r.width) + '×' + Math.round(r.height); }
  }
  const back = [...document.querySelectorAll('.kiosk-bar a, .kiosk-bar button')].filter(visible);
  const kioskHome = document.documentElement.classList.contains('kiosk-home');
  // No blank band: the footer (or, on the start screen, the page) reaches the foot of the window
  // and nothing but the page's own background lies below it.
  const foot = document.querySelector('.site-footer, .kiosk-footer');
  const bottom = foot ? foot.getBoundingClientRect().bottom + window.scrollY : document.body.scrollHeight;
  const used = bottom >= Math.max(window.innerHeight, document.documentElement.scrollHeight) - 2;
  return { minText, textAt, minTarget, targetAt, back: back.map((b) => b.textContent.trim()), kioskHome, used };
}`;

test('every page reached from the kiosk (start screen and one level below) keeps kiosk sizes and the way back', async () => {
  const { context, page, log } = await openContext(site.browser, { viewport: { width: 1080, height: 1920 }, hasTouch: true });
  await page.goto(site.origin + '/kiosk/');
  const own = (hrefs) => [...new Set(hrefs.map((h) => new URL(h, site.origin)).filter((u) => u.origin === site.origin && !/\.(xml|json|ics|svg|pdf)$/.test(u.pathname)).map((u) => u.pathname + u.search))];
  const links = async () => own(await page.$$eval('a[href]', (as) => as.map((a) => a.getAttribute('href'))));
  const first = await links();
  assert.ok(first.length >= 6, `start screen links: ${first}`);
  const seen = new Set(['/kiosk/']);
  const problems = [];
  const check = async (url) => {
    await page.goto(site.origin + url);
    const v = await page.evaluate(`(${KIOSK_CHECK})(${JSON.stringify(VISIBLE_FN)})`);
    if (v.minText < 20 - 0.01) problems.push(`${url}: text "${v.textAt}" at ${v.minText}px`);
    if (v.minTarget < 60 - 0.5) problems.push(`${url}: target "${v.targetAt}"`);
    if (!v.kioskHome && !v.back.some((b) => /回到首页/.test(b))) problems.push(`${url}: no way back to the start screen (${v.back})`);
    if (!v.used) problems.push(`${url}: blank band below the footer`);
  };
  const second = [];
  for (const url of first) {
    if (seen.has(url.split('?')[0])) continue;
    seen.add(url.split('?')[0]);
    await check(url);
    for (const l of await links()) second.push(l);
  }
  for (const url of second) {
    if (seen.has(url.split('?')[0])) continue;
    seen.add(url.split('?')[0]);
    await check(url);
  }
  assert.ok(seen.size >= 20, `only ${seen.size} pages visited`);
  assert.deepEqual(problems, []);
  assert.deepEqual(log.errors, []);
  await context.close();
});
