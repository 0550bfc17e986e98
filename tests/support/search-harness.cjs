// Runs the real search.js core (no DOM) against a built site's index, as a first-time visitor per query.
// usage: node search-harness.cjs SEARCH_JS OUTPUT_DIR QUERIES_JSON
// QUERIES_JSON: a JSON array of query strings. Prints a JSON array, one object per query:
//   { q, urls: [all hits in rank order], ranks: [...], title: [[segments] of the first page],
//     snippet: [...], bytes: bytes fetched for the query and its first page of results, files: [...] }
'use strict';
const fs = require('fs');
const path = require('path');

const [searchJs, outDir, queriesFile] = process.argv.slice(2);
const core = require(path.resolve(searchJs));
const queries = JSON.parse(fs.readFileSync(queriesFile, 'utf8'));
const disk = new Map();
function read(p) {
  const full = path.join(outDir, 'search', p);
  if (!disk.has(full)) disk.set(full, fs.readFileSync(full));
  return disk.get(full);
}

async function one(q) {
  const fetched = [];
  let counting = true;
  const note = (p, n) => { if (counting) fetched.push([p, n]); };
  const index = core.createIndex({
    fetchJSON: async (p) => { const b = read(p); note(p, b.length); return JSON.parse(b.toString('utf8')); },
    fetchBytes: async (p) => { const b = read(p); note(p, b.length); return new Uint8Array(b.buffer, b.byteOffset, b.length); },
  });
  const res = await index.search(q);
  // What the page does: the first page of results (checked against their text when needed).
  const first = await index.page(res, () => true, 10);
  counting = false;
  const exactAtFirst = res.exact;
  // Then every hit, checked, for the test's comparison (not counted).
  await index.page(res, () => true, res.hits.length);
  const all = await index.docs(res.hits.map((h) => h.id));
  const shown = first.hits.map((h, i) => core.present(first.docs[i], h, res.parsed, res.base));
  return {
    q,
    urls: all.map((d) => d.u),
    ranks: res.hits.map((h) => h.rank),
    kinds: res.hits.map((h) => h.group && h.group.type),
    statuses: res.hits.map((h) => h.group && h.group.status),
    title: shown.map((s) => s.title),
    snippet: shown.map((s) => s.snippet),
    bytes: fetched.reduce((a, f) => a + f[1], 0),
    files: fetched.map((f) => f[0]),
    exact: exactAtFirst,
  };
}

(async () => {
  const out = [];
  for (const q of queries) out.push(await one(q));
  process.stdout.write(JSON.stringify(out));
})().catch((e) => { console.error(e); process.exit(1); });
