// Shared by the browser tests: build a site with the real binary, serve it from 127.0.0.1, and
// launch Debian's Chromium through playwright-core.
//
// The binary is target/debug/gongkai (or $GONGKAI_BIN), built with `cargo build` first; Chromium
// is /usr/bin/chromium (or $CHROMIUM). The example community at the repository root is copied
// together with themes/default, so the theme under test is the one in the working tree even when
// the binary was built before the last theme edit.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import jsQR from 'jsqr';

export const here = path.dirname(fileURLToPath(import.meta.url));
export const repo = path.resolve(here, '../..');
export const bin = process.env.GONGKAI_BIN || path.join(repo, 'target/debug/gongkai');
export const chromiumPath = process.env.CHROMIUM || '/usr/bin/chromium';
export const BUILD_DAY = '2026-11-21';

export function copyDir(from, to) {
  fs.mkdirSync(to, { recursive: true });
  for (const e of fs.readdirSync(from, { withFileTypes: true })) {
    const a = path.join(from, e.name);
    const b = path.join(to, e.name);
    if (e.isDirectory()) copyDir(a, b);
    else fs.copyFileSync(a, b);
  }
}

function newestSource() {
  let newest = 0;
  const walk = (p) => {
    const st = fs.statSync(p);
    if (st.isDirectory()) for (const e of fs.readdirSync(p)) walk(path.join(p, e));
    else newest = Math.max(newest, st.mtimeMs);
  };
  for (const p of ['src', 'Cargo.toml', 'Cargo.lock']) if (fs.existsSync(path.join(repo, p))) walk(path.join(repo, p));
  return newest;
}

let built = false;
/** Runs `cargo build` when the binary is missing or older than the Rust sources. (The theme
 *  under test is copied into each site, so the binary's built-in copy does not matter.) */
export function ensureBinary() {
  if (built || process.env.GONGKAI_BIN) return;
  if (!fs.existsSync(bin) || fs.statSync(bin).mtimeMs < newestSource()) {
    const b = spawnSync('cargo', ['build'], { cwd: repo, stdio: 'inherit' });
    assert.equal(b.status, 0, 'cargo build failed');
  }
  built = true;
}

/**
 * Copies the example site (site.yaml, content, static, templates, themes) into a fresh temporary
 * folder, adds `files` ({relative path: text}), and builds it at `now`.
 * Returns {tmp, site, out}.
 */
export function buildSite({ prefix = 'gongkai-browser-', files = {}, now = BUILD_DAY } = {}) {
  ensureBinary();
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  const site = path.join(tmp, 'site');
  fs.mkdirSync(site);
  fs.copyFileSync(path.join(repo, 'site.yaml'), path.join(site, 'site.yaml'));
  for (const d of ['content', 'static', 'templates', 'themes']) {
    if (fs.existsSync(path.join(repo, d))) copyDir(path.join(repo, d), path.join(site, d));
  }
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(site, rel)), { recursive: true });
    fs.writeFileSync(path.join(site, rel), text);
  }
  const out = path.join(tmp, 'out');
  const r = spawnSync(bin, ['build', '--root', site, '--now', now, '--output', out], { encoding: 'utf8' });
  if (r.status !== 0) fs.rmSync(tmp, { recursive: true, force: true });
  assert.equal(r.status, 0, `build failed:\n${r.stdout}\n${r.stderr}`);
  return { tmp, site, out };
}

const TYPES = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8',
  '.json': 'application/json', '.bin': 'application/octet-stream', '.svg': 'image/svg+xml', '.xml': 'application/xml',
  '.png': 'image/png', '.jpg': 'image/jpeg', '.pdf': 'application/pdf', '.ics': 'text/calendar',
};

/** A static server on 127.0.0.1 and a free port; `/x/` serves `/x/index.html`. */
export function serve(dir) {
  return new Promise((resolve) => {
    const s = http.createServer((req, res) => {
      let p;
      try { p = decodeURIComponent(new URL(req.url, 'http://x').pathname); } catch { res.writeHead(400).end(); return; }
      let file = path.join(dir, p);
      if (!file.startsWith(dir)) { res.writeHead(403).end(); return; }
      if (fs.existsSync(file) && fs.statSync(file).isDirectory()) file = path.join(file, 'index.html');
      if (!fs.existsSync(file)) { res.writeHead(404).end('not found'); return; }
      const body = fs.readFileSync(file);
      res.writeHead(200, { 'content-type': TYPES[path.extname(file)] || 'application/octet-stream', 'content-length': body.length });
      res.end(body);
    });
    s.listen(0, '127.0.0.1', () => resolve(s));
  });
}

export function launch() {
  return chromium.launch({
    executablePath: chromiumPath,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

/** Builds, serves and launches: {tmp, out, origin, browser, close()}. */
export async function startSite(opts = {}) {
  const { tmp, site, out } = buildSite(opts);
  const server = await serve(out);
  const origin = `http://127.0.0.1:${server.address().port}`;
  const browser = await launch();
  return {
    tmp, site, out, origin, browser,
    async close() {
      await browser.close();
      await new Promise((r) => server.close(r));
      fs.rmSync(tmp, { recursive: true, force: true });
    },
  };
}

/** axe-core's browser bundle, injected into pages with page.addScriptTag. */
export const axePath = path.join(here, 'node_modules/axe-core/axe.min.js');

/** Build day, 10:00 in the site's time zone (Asia/Shanghai). */
export function at(day, time = '10:00:00') {
  return new Date(`${day}T${time}+08:00`);
}

/**
 * A fresh context and page. Records page errors, console errors, every request, new windows and
 * calls of window.open / alert / confirm / prompt (stubbed, so none can block).
 *   viewport, js (default true), prefs: ['large-text', 'high-contrast'], hasTouch,
 *   time: a Date to install the controllable clock at (default: the build day, 10:00).
 */
export async function openContext(browser, { viewport = { width: 1280, height: 900 }, js = true, prefs = [], hasTouch = false, time = at(BUILD_DAY) } = {}) {
  const context = await browser.newContext({ viewport, javaScriptEnabled: js, hasTouch, reducedMotion: 'reduce' });
  const log = { errors: [], requests: [], popups: [], windows: 0 };
  context.on('request', (r) => log.requests.push(r.url()));
  context.on('page', () => { log.windows++; });
  if (js) {
    await context.addInitScript((p) => {
      for (const k of p) localStorage.setItem('gk-' + k, '1');
    }, prefs);
    await context.addInitScript(() => {
      window.__popups = [];
      for (const name of ['open', 'alert', 'confirm', 'prompt']) {
        window[name] = function () { window.__popups.push(name); return name === 'open' ? null : undefined; };
      }
    });
  }
  if (time && js) await context.clock.install({ time });
  const page = await context.newPage();
  page.on('pageerror', (e) => log.errors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') log.errors.push(`console.${m.type()}: ${m.text()}`); });
  return { context, page, log };
}

/** Serious and critical axe violations (WCAG 2.0/2.1 A and AA), as readable strings. */
export async function axeViolations(page) {
  // Evaluated, not added as a <script>: the pages' Content-Security-Policy refuses inline scripts.
  await page.evaluate(fs.readFileSync(axePath, 'utf8'));
  const result = await page.evaluate(() => window.axe.run(document, {
    runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
    resultTypes: ['violations'],
  }));
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact} ${v.id}: ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`);
}

/** Pages in a PDF: `/Type /Page` objects (not `/Pages`). */
export function pdfPages(buf) {
  return (Buffer.from(buf).toString('latin1').match(/\/Type\s*\/Page(?![a-z])/g) || []).length;
}

/** One URL of every kind of page of the example site (built at BUILD_DAY). */
export const PAGE_KINDS = {
  home: '/',
  notices: '/notices/',
  'notice (active)': '/notices/2026-11-dangyuan-gongshi/',
  'notice (withdrawn)': '/notices/2026-11-tingche-shoufei-gongshi/',
  'notice (redacted)': '/notices/2026-08-linshi-jiuzhu-gongshi/',
  'notice (series)': '/notices/2026-dibao-sanbang/',
  meetings: '/meetings/',
  meeting: '/meetings/2026-10-lianxi/',
  problems: '/problems/',
  'problem (overdue)': '/problems/2026-001/',
  'problem (closed)': '/problems/2026-004/',
  echo: '/echo/',
  services: '/services/',
  service: '/services/fuwu/',
  org: '/org/grid-1/',
  tags: '/tags/',
  tag: '/tags/di-bao/',
  page: '/about/',
  search: '/search/?q=%E5%8A%A0%E8%A3%85%E7%94%B5%E6%A2%AF',
  kiosk: '/kiosk/',
  catalogue: '/catalogue/',
  stats: '/stats/',
  report: '/reports/2026/',
  404: '/404.html',
};

/** In the page: is this element rendered and visible (not hidden, not off-screen, not clipped to nothing)? */
export const VISIBLE_FN = `(el) => {
  if (el.closest('[hidden], .visually-hidden, [aria-hidden="true"]')) return false;
  for (let e = el; e; e = e.parentElement) {
    const cs = getComputedStyle(e);
    if (cs.display === 'none' || cs.visibility === 'hidden' || cs.opacity === '0') return false;
  }
  const r = el.getBoundingClientRect();
  if (r.width < 2 || r.height < 2) return false;
  const doc = document.documentElement;
  if (r.bottom <= 0 || r.right <= 0 || r.left >= doc.scrollWidth || r.top >= doc.scrollHeight) return false;
  return true;
}`;

/** Rasterises an <svg> in the page and decodes it with jsQR. */
export async function decodeSvg(page, selector) {
  await page.evaluate(GREY_FN);
  const img = await page.evaluate(async (sel) => {
    const svg = document.querySelector(sel);
    const n = svg.viewBox.baseVal.width;
    const src = 'data:image/svg+xml;charset=utf-8,' + encodeURIComponent(new XMLSerializer().serializeToString(svg));
    const im = new Image();
    await new Promise((ok, bad) => { im.onload = ok; im.onerror = bad; im.src = src; });
    return window.__gkGrey(im, n * 4);
  }, selector);
  return jsqrGrey(img);
}

/** Draws an <img> of a QR code (an SVG file) at 4 canvas pixels a CSS pixel, decodes it with jsQR. */
export async function decodeImg(page, selector) {
  await page.evaluate(GREY_FN);
  const img = await page.evaluate(async (sel) => {
    const im = document.querySelector(sel);
    if (!im.complete) await new Promise((ok, bad) => { im.onload = ok; im.onerror = bad; });
    await im.decode();
    return window.__gkGrey(im, im.naturalWidth * 4);
  }, selector);
  return jsqrGrey(img);
}

/** Defines window.__gkGrey(image, width): the image drawn on a square canvas, its red channel as base64. */
const GREY_FN = `window.__gkGrey = (im, w) => {
  const c = document.createElement('canvas');
  c.width = c.height = w;
  const g = c.getContext('2d');
  g.imageSmoothingEnabled = false;
  g.drawImage(im, 0, 0, w, w);
  // One byte a pixel (its red channel), as base64: small enough to pass back quickly.
  const px = g.getImageData(0, 0, w, w).data;
  let bin = '';
  for (let i = 0; i < px.length; i += 4) bin += String.fromCharCode(px[i]);
  return { w, grey: btoa(bin) };
}`;

function jsqrGrey(img) {
  const grey = Buffer.from(img.grey, 'base64');
  const rgba = new Uint8ClampedArray(grey.length * 4);
  for (let i = 0; i < grey.length; i++) { rgba[4 * i] = rgba[4 * i + 1] = rgba[4 * i + 2] = grey[i]; rgba[4 * i + 3] = 255; }
  const r = jsQR(rgba, img.w, img.w);
  return r && r.data;
}
