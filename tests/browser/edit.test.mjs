// The 编辑台 (gongkai serve --edit) in headless Chromium: a community worker's day on a phone-sized
// window and a desktop one. Create a 公示 with a working-day period, put a problem on the wall,
// make a mistake and read the message next to the field, fix it, close the problem with an echo
// and ratings, upload a photo and a spreadsheet; the files on disk are compared with hand-written
// expectations, and axe-core checks the list and the form.
//
//   cd tests/browser && npm ci && node --test edit.test.mjs
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { repo, bin, copyDir, ensureBinary, launch, openContext, axeViolations } from './helpers.mjs';

const NOW = '2026-11-21';
let tmp, site, server, editor, browser;

before(async () => {
  ensureBinary();
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'gongkai-edit-'));
  site = path.join(tmp, 'site');
  fs.mkdirSync(site);
  fs.copyFileSync(path.join(repo, 'site.yaml'), path.join(site, 'site.yaml'));
  for (const d of ['content', 'static', 'templates', 'themes']) {
    if (fs.existsSync(path.join(repo, d))) copyDir(path.join(repo, d), path.join(site, d));
  }
  server = spawn(bin, ['--root', site, 'serve', '--edit', '--port', '0', '--now', NOW], { stdio: ['ignore', 'pipe', 'pipe'] });
  server.stderr.resume();
  editor = await new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`serve --edit did not start:\n${out}`)), 120000);
    server.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/编辑台：(http:\/\/127\.0\.0\.1:\d+\/__gongkai\/edit\/)/);
      if (m) { clearTimeout(timer); resolve(m[1]); }
    });
  });
  browser = await launch();
});

after(async () => {
  if (browser) await browser.close();
  if (server) server.kill();
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

// A shared machine can be slow: every wait may take up to two minutes.
async function open(opts) {
  const opened = await openContext(browser, opts);
  opened.context.setDefaultTimeout(120000);
  return opened;
}

const read = (rel) => fs.readFileSync(path.join(site, rel), 'utf8');

// Failed fetches that the page shows (422, 409) are logged by Chromium; they are answers here.
const realErrors = (log) => log.errors.filter((e) => !/status of 4(09|22)/.test(e));

async function savedAs(page) {
  await page.locator('.save-status').filter({ hasText: '已保存到' }).waitFor({ timeout: 120000 });
  const text = await page.locator('.save-status').textContent();
  const m = text.match(/已保存到 (content\/\S+?\.md)/);
  assert.ok(m, text);
  return m[1];
}

test('a worker creates a 公示 with a working-day period on a phone', async () => {
  const { context, page, log } = await open({ viewport: { width: 390, height: 844 }, time: null });
  await page.goto(editor);
  await page.getByRole('heading', { name: '编辑台', level: 1 }).waitFor();
  assert.deepEqual(await axeViolations(page), [], 'list page');
  // Finding a record among many.
  const all = await page.locator('ul.records > li:visible').count();
  await page.getByLabel('按标题或文件名查找').fill('路灯');
  const found = await page.locator('ul.records > li:visible').allTextContents();
  assert.ok(found.length > 0 && found.length < all, `${found.length} of ${all}`);
  assert.ok(found.every((t) => t.includes('路灯')), found.join(' | '));
  await page.getByLabel('按标题或文件名查找').fill('');
  await page.getByRole('link', { name: '新建公示公告' }).click();
  await page.getByLabel('标题（必填）').fill('关于2026年度低保对象的公示');
  assert.equal(await page.title(), '新建公示公告 · 编辑台');
  await page.getByLabel('发布日期（必填）').fill('2026-11-23');
  await page.getByLabel('类型（必填）').selectOption({ label: '公示' });
  await page.getByLabel('分类').fill('低保');
  const period = page.locator('[data-key="publicity"]');
  // By an end date or by working days: one is shown at a time.
  await period.getByLabel('按结束日期').check();
  await period.getByLabel('结束日期', { exact: true }).fill('2026-11-30');
  assert.equal(await period.getByLabel('工作日数', { exact: true }).isVisible(), false);
  await period.getByLabel('按工作日数（自动跳过周末和节假日）').check();
  assert.equal(await period.getByLabel('结束日期', { exact: true }).isVisible(), false);
  await period.getByLabel('开始日期（必填）').fill('2026-11-23');
  await period.getByLabel('工作日数', { exact: true }).fill('5');
  const contact = page.locator('[data-key="contact"]');
  await contact.getByLabel('联系人').fill('社区居委会');
  await contact.getByLabel('电话').fill('021-5555-0000');
  await page.getByLabel('正文（Markdown）').fill('经居民申请、入户调查和民主评议，拟确定以下对象为低保对象。\n\n对公示对象有异议的，请在公示期内向社区居委会反映。\n');
  // The preview is the build's renderer.
  await page.locator('.preview p').first().waitFor();
  assert.match(await page.locator('.preview').innerHTML(), /<p>经居民申请/);
  assert.deepEqual(await axeViolations(page), [], 'form on a phone');
  await page.getByRole('button', { name: '保存', exact: true }).click();
  const rel = await savedAs(page);
  assert.equal(read(rel), `---
title: 关于2026年度低保对象的公示
date: 2026-11-23
kind: 公示
category: 低保
publicity:
  start: 2026-11-23
  working_days: 5
contact:
  name: 社区居委会
  phone: 021-5555-0000
---

经居民申请、入户调查和民主评议，拟确定以下对象为低保对象。

对公示对象有异议的，请在公示期内向社区居委会反映。
`);
  assert.ok(rel.startsWith('content/notices/2026-11-23-'), rel);
  assert.deepEqual(realErrors(log), []);
  await context.close();
});

test('a problem on the wall: a mistake told beside its field, fixed, closed with an echo, with a photo and a spreadsheet', async () => {
  const { context, page, log } = await open({ viewport: { width: 1280, height: 900 }, time: null });
  await page.goto(editor + '#new/problems');
  await page.getByLabel('标题（必填）').fill('5号楼楼道堆放杂物');
  await page.getByLabel('编号（必填）').fill('2026-101');
  await page.getByLabel('来源').fill('网格巡查');
  const who = page.locator('[data-key="responsible"]');
  await who.getByLabel('责任单位（必填）').fill('幸福里物业服务中心');
  await page.getByRole('button', { name: '添加一条整改措施' }).click();
  await page.getByLabel('整改措施第1条').fill('清理楼道内堆放的杂物和电动车');
  // The mistake: a deadline before the day the problem was put on the wall.
  await page.getByLabel('完成时限（必填）').fill('2026-11-01');
  await page.getByLabel('办理状态（必填）').selectOption({ label: '待办理' });
  // The 回音壁 belongs to a closed item: not offered while it is 待办理.
  assert.equal(await page.locator('[data-key="echo"]').isVisible(), false);
  await page.getByLabel('正文（Markdown）').fill('网格员巡查发现5号楼2单元楼道堆放杂物，堵塞消防通道。\n');
  await page.getByRole('button', { name: '保存', exact: true }).click();
  const deadline = page.getByLabel('完成时限（必填）');
  await page.locator('.alerts .error').waitFor();
  assert.match(await page.locator('.alerts').textContent(), /没有保存/);
  assert.equal(await deadline.getAttribute('aria-invalid'), 'true');
  // The message sits next to the field and is named by it.
  const describedBy = (await deadline.getAttribute('aria-describedby')).split(' ');
  const messageId = describedBy.find((id) => id.endsWith('-diag'));
  const message = await page.locator(`[id="${messageId}"]`).textContent();
  assert.match(message, /完成时限|deadline/, message);
  assert.ok(!fs.existsSync(path.join(site, 'content/problems/2026-101.md')), 'nothing written');
  // Fixed.
  await deadline.fill('2026-12-15');
  await page.getByRole('button', { name: '保存', exact: true }).click();
  const rel = await savedAs(page);
  assert.equal(rel, 'content/problems/2026-101.md');
  assert.equal(await deadline.getAttribute('aria-invalid'), null);
  assert.equal(read(rel), `---
title: 5号楼楼道堆放杂物
date: ${NOW}
id: 2026-101
source: 网格巡查
responsible:
  unit: 幸福里物业服务中心
measures:
  - 清理楼道内堆放的杂物和电动车
deadline: 2026-12-15
status: 待办理
---

网格员巡查发现5号楼2单元楼道堆放杂物，堵塞消防通道。
`);

  // A photo from a phone and the spreadsheet of a list, into the record's folder.
  const body = page.getByLabel('正文（Markdown）');
  await body.focus();
  await body.press('End');
  const upload = async (file) => {
    await page.getByLabel('上传照片、表格或 PDF 到这条记录的文件夹').setInputFiles(path.join(repo, file));
    await page.getByRole('button', { name: '上传', exact: true }).click();
    await page.locator('.upload-status').filter({ hasText: `已上传 ${path.basename(file)}` }).waitFor({ timeout: 120000 });
  };
  await upload('content/meetings/2026-05-yishihui/heying.jpg');
  await upload('content/notices/2026-dibao-sanbang.xlsx');
  await page.locator('.preview table').waitFor({ timeout: 120000 });
  assert.ok(await page.locator('.preview img').count() >= 1, 'the photo shows in the preview');

  // Closed: 已办结 with the 回音壁 result and the residents' ratings.
  await page.getByLabel('办理状态（必填）').selectOption({ label: '已办结' });
  const echo = page.locator('[data-key="echo"]');
  await echo.getByLabel('办结日期（必填）').fill('2026-11-25');
  await echo.getByLabel('办理结果（必填）').fill('物业已清理楼道杂物，电动车统一停放到非机动车棚。');
  await echo.getByLabel('满意', { exact: true }).fill('18');
  await echo.getByLabel('基本满意').fill('3');
  await echo.getByLabel('不满意').fill('1');
  assert.deepEqual(await axeViolations(page), [], 'form on a desktop');
  await page.getByRole('button', { name: '保存', exact: true }).click();
  await page.waitForFunction(() => document.querySelector('.save-status')?.textContent.includes('index.md'), null, { timeout: 120000 });
  const bundle = 'content/problems/2026-101/index.md';
  assert.ok(!fs.existsSync(path.join(site, rel)), 'the single file became a bundle');
  assert.equal(read(bundle), `---
title: 5号楼楼道堆放杂物
date: ${NOW}
id: 2026-101
source: 网格巡查
responsible:
  unit: 幸福里物业服务中心
measures:
  - 清理楼道内堆放的杂物和电动车
deadline: 2026-12-15
status: 已办结
echo:
  date: 2026-11-25
  result: 物业已清理楼道杂物，电动车统一停放到非机动车棚。
  evaluation:
    satisfied: 18
    basically: 3
    unsatisfied: 1
---

网格员巡查发现5号楼2单元楼道堆放杂物，堵塞消防通道。

![heying](heying.jpg)

![2026-dibao-sanbang](2026-dibao-sanbang.xlsx)
`);
  assert.deepEqual(
    fs.readFileSync(path.join(site, 'content/problems/2026-101/heying.jpg')),
    fs.readFileSync(path.join(repo, 'content/meetings/2026-05-yishihui/heying.jpg')));
  // The site builds as it is now.
  const check = spawnSync(bin, ['--root', site, 'check', '--now', NOW], { encoding: 'utf8' });
  assert.equal(check.status, 0, check.stderr);
  assert.deepEqual(realErrors(log), []);
  await context.close();
});

test('a save racing an outside edit loses neither: both versions shown, then merged', async () => {
  const { context, page, log } = await open({ viewport: { width: 390, height: 844 }, time: null });
  const rel = 'content/problems/2026-003-3hao-loudao.md';
  await page.goto(editor + '#edit/' + encodeURIComponent(rel));
  await page.getByLabel('标题（必填）').waitFor();
  // No sideways scrolling on a phone.
  assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1), 'no horizontal scroll at 390 px');
  const before = read(rel);
  // Another hand changes the file while the form is open.
  const theirs = before.replace(/^location: .*$/m, 'location: 3号楼1单元至4单元');
  assert.notEqual(theirs, before);
  fs.writeFileSync(path.join(site, rel), theirs);
  await page.getByLabel('来源').fill('12345热线');
  await page.getByRole('button', { name: '保存', exact: true }).click();
  await page.getByRole('heading', { name: '文件已被改动：两个版本' }).waitFor();
  assert.equal(read(rel), theirs, 'nothing overwritten');
  assert.match(await page.getByLabel('磁盘上现在的版本').inputValue(), /3号楼1单元至4单元/);
  assert.match(await page.getByLabel('你的版本（还没有保存）').inputValue(), /12345热线/);
  assert.deepEqual(await axeViolations(page), [], 'conflict view');
  await page.getByRole('button', { name: '把我改过的字段合并到磁盘上的版本，然后保存' }).click();
  await savedAs(page);
  const merged = read(rel);
  assert.match(merged, /^location: 3号楼1单元至4单元$/m);
  assert.match(merged, /^source: 12345热线$/m);
  assert.equal(merged, theirs.replace(/^source: .*$/m, 'source: 12345热线'), 'only the changed line differs');
  assert.deepEqual(realErrors(log), []);
  await context.close();
});

test('a meeting with decisions: items added and removed with the keyboard', async () => {
  const { context, page, log } = await open({ viewport: { width: 1280, height: 900 }, time: null });
  await page.goto(editor);
  await page.getByRole('link', { name: '新建会议记录' }).click();
  await page.getByLabel('标题（必填）').fill('11月居民议事会');
  await page.getByLabel('会议日期（必填）').fill('2026-11-19');
  await page.getByLabel('会议类型（必填）').selectOption('居民议事会');
  const att = page.locator('[data-key="attendance"]');
  await att.getByLabel('应到人数（必填）').fill('25');
  // A mistake inside a group: the message goes beside the part of it that is wrong.
  const present = att.getByLabel('实到人数（必填）');
  await present.fill('26');
  await page.getByRole('button', { name: '检查' }).click();
  await page.waitForFunction(() => document.querySelector('[data-key="attendance.present"] ul.diags li'), null, { timeout: 120000 });
  const ids = (await present.getAttribute('aria-describedby')).split(' ');
  const said = await page.locator(`[id="${ids.find((i) => i.endsWith('-diag'))}"]`).textContent();
  assert.match(said, /实到人数 26 超过了应到人数 25/, said);
  assert.equal(await present.getAttribute('aria-invalid'), 'true');
  await present.fill('23');
  const add = page.getByRole('button', { name: '添加一条议定事项（一事一议）' });
  await add.focus();
  await page.keyboard.press('Enter');
  await page.keyboard.type('非机动车棚改造');
  await add.focus();
  await page.keyboard.press('Enter');
  await page.keyboard.type('作废的一条');
  const items = page.locator('[data-key="decisions"] fieldset.item');
  assert.equal(await items.count(), 2);
  await items.nth(0).getByLabel('决定（必填）').fill('同意改造方案，费用由公益金列支');
  const votes = items.nth(0).locator('[data-key="decisions.votes"]');
  await votes.getByLabel('赞成').fill('21');
  await votes.getByLabel('反对').fill('1');
  await votes.getByLabel('弃权').fill('1');
  await items.nth(1).getByRole('button', { name: '删除这一条' }).focus();
  await page.keyboard.press('Enter');
  assert.equal(await items.count(), 1);
  assert.equal(await page.evaluate(() => document.activeElement.textContent), '添加一条议定事项（一事一议）', 'focus goes back to the add button');
  await page.getByLabel('正文（Markdown）').fill('议事会讨论了非机动车棚改造。\n');
  await page.getByRole('button', { name: '保存', exact: true }).click();
  const rel = await savedAs(page);
  assert.ok(rel.startsWith('content/meetings/2026-11-19-'), rel);
  assert.equal(read(rel), `---
title: 11月居民议事会
date: 2026-11-19
kind: 居民议事会
attendance:
  expected: 25
  present: 23
decisions:
  - item: 非机动车棚改造
    decision: 同意改造方案，费用由公益金列支
    votes:
      for: 21
      against: 1
      abstain: 1
---

议事会讨论了非机动车棚改造。
`);
  assert.deepEqual(realErrors(log), []);
  await context.close();
});

test('a hand-written file with a Chinese colon opens as its text, the mistake named by line, and is put right', async () => {
  const { context, page, log } = await open({ viewport: { width: 390, height: 844 }, time: null });
  const rel = 'content/guide/weihu.md';
  const good = read(rel);
  const broken = good.replace(/^title: /m, 'title：');
  assert.notEqual(broken, good);
  fs.writeFileSync(path.join(site, rel), broken);
  await page.goto(editor + '#edit/' + encodeURIComponent(rel));
  const text = page.getByLabel('文件原文');
  await text.waitFor();
  await page.locator('ul.diags li.error').first().waitFor({ timeout: 120000 });
  assert.match(await page.locator('ul.diags').textContent(), /第2行/);
  assert.equal(await text.getAttribute('aria-invalid'), 'true');
  assert.deepEqual(await axeViolations(page), [], 'the text view');
  await text.fill(good);
  await page.getByRole('button', { name: '保存', exact: true }).click();
  await savedAs(page);
  assert.equal(read(rel), good);
  assert.deepEqual(realErrors(log), []);
  await context.close();
});

test('keyboard only: every control is reachable and the focus is visible', async () => {
  const { context, page } = await open({ viewport: { width: 390, height: 844 }, time: null });
  await page.goto(editor + '#new/meetings');
  await page.getByLabel('标题（必填）').waitFor();
  const seen = [];
  const bare = [];
  for (let i = 0; i < 60; i++) {
    await page.keyboard.press('Tab');
    const info = await page.evaluate(() => {
      const e = document.activeElement;
      const style = getComputedStyle(e);
      return { tag: e.tagName, label: e.labels?.[0]?.textContent || e.textContent.trim().slice(0, 20), outline: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2 };
    });
    if (info.tag === 'BODY') continue;
    seen.push(`${info.tag}:${info.label}`);
    if (!info.outline) bare.push(`${info.tag}:${info.label}`);
  }
  assert.ok(seen.some((s) => s.startsWith('SELECT:会议类型')), seen.join(', '));
  assert.ok(seen.some((s) => s.includes('添加一条议定事项')), seen.join(', '));
  assert.ok(seen.some((s) => s.includes('保存')), seen.join(', '));
  assert.deepEqual(bare, [], 'every stop shows the focus ring');
  await context.close();
});
