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

let built = false;
/** Builds the binary once per test process (a no-op when it is up to date). */
export function ensureBinary() {
  if (built || process.env.GONGKAI_BIN) return;
  const b = spawnSync('cargo', ['build', '--quiet'], { cwd: repo, stdio: 'inherit' });
  assert.equal(b.status, 0, 'cargo build failed');
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
