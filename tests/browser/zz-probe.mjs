import fs from 'node:fs';
import path from 'node:path';
import { serve, launch, openContext, pdfPages } from '/work/wt-res/tests/browser/helpers.mjs';
const out = process.argv[2];
const server = await serve(out);
const origin = `http://127.0.0.1:${server.address().port}`;
const browser = await launch();
const { context, page } = await openContext(browser);
const recs = [];
for (const kind of ['notices', 'problems', 'meetings']) for (const e of fs.readdirSync(path.join(out, kind), { withFileTypes: true })) if (e.isDirectory() && e.name !== 'page') recs.push(`/${kind}/${e.name}/`);
for (const r of recs) {
  await page.goto(origin + r);
  await page.emulateMedia({ media: 'print' }); await page.waitForTimeout(50);
  const m = await page.evaluate(() => {
    let min = 99, minEl = '';
    const w = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n; (n = w.nextNode());) {
      if (!n.textContent.trim()) continue;
      const el = n.parentElement; const r = el.getBoundingClientRect();
      let vis = true; for (let e = el; e; e = e.parentElement) { const cs = getComputedStyle(e); if (cs.display === 'none' || cs.visibility === 'hidden') { vis = false; break; } }
      if (!vis || r.width === 0) continue;
      const fs = parseFloat(getComputedStyle(el).fontSize); if (fs < min) { min = fs; minEl = el.className + ':' + n.textContent.trim().slice(0, 20); }
    }
    const h1 = parseFloat(getComputedStyle(document.querySelector('h1')).fontSize);
    return { min, minEl, h1, cls: document.querySelector('article').className, h: document.querySelector('article').getBoundingClientRect().height };
  });
  const pdf = await page.pdf({ format: 'A4', printBackground: true });
  console.log(pdfPages(pdf), r, JSON.stringify(m));
  await page.emulateMedia({ media: 'screen' });
}
await browser.close(); server.close();
