// 编辑台: the list of records and a form per record kind, talking to gongkai serve --edit.
// Every request carries the session's token (from the page's meta tag); nothing runs inline.
'use strict';

const TOKEN = document.querySelector('meta[name="gongkai-edit-token"]').content;
const main = document.getElementById('main');

async function api(path, { method = 'GET', json, body, headers = {} } = {}) {
  const h = { 'X-Gongkai-Token': TOKEN, ...headers };
  let payload = body;
  if (json !== undefined) {
    h['Content-Type'] = 'application/json';
    payload = JSON.stringify(json);
  }
  let res;
  try {
    res = await fetch('api/' + path, { method, headers: h, body: payload, cache: 'no-store' });
  } catch (e) {
    return { status: 0, data: { error: '连不上预览服务器：gongkai serve --edit 还在运行吗？' } };
  }
  let data;
  try {
    data = await res.json();
  } catch (e) {
    data = { error: (await res.text().catch(() => '')) || '服务器的回答无法读取。' };
  }
  return { status: res.status, data };
}

function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') e.className = v;
    else if (k === 'text') e.textContent = v;
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else if (v === true) e.setAttribute(k, '');
    else e.setAttribute(k, v);
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return e;
}

let uid = 0;
const nextId = (p) => `${p}-${++uid}`;

// ---------------------------------------------------------------- list

async function showList() {
  document.title = '编辑台';
  main.replaceChildren(el('p', { role: 'status', text: '正在读取记录……' }));
  const { status, data } = await api('list');
  if (status !== 200) {
    main.replaceChildren(el('p', { class: 'error', role: 'alert', text: data.error }));
    return;
  }
  const parts = [
    el('header', { class: 'top' },
      el('h1', { text: '编辑台' }),
      el('p', { class: 'lead', text: '选一条记录修改，或者新建一条。保存后网站会自动重新生成。' }),
      el('a', { href: '../../', class: 'site-link', text: '打开网站预览' })),
  ];
  const nav = el('nav', { 'aria-label': '新建记录', class: 'new-kinds' },
    el('h2', { text: '新建' }),
    el('ul', {}, data.kinds.map((k) => el('li', {},
      el('a', { href: `#new/${k.name}`, class: 'button', text: `新建${k.label}` })))));
  parts.push(nav);
  const filterId = nextId('filter');
  const filter = el('input', { type: 'search', id: filterId, autocomplete: 'off' });
  parts.push(el('div', { class: 'field filter' },
    el('label', { for: filterId, text: '按标题或文件名查找' }), filter));
  filter.addEventListener('input', () => {
    const q = filter.value.trim().toLowerCase();
    for (const li of main.querySelectorAll('ul.records > li')) {
      li.hidden = q !== '' && !li.textContent.toLowerCase().includes(q);
    }
  });
  for (const k of data.kinds) {
    const section = el('section', { 'aria-labelledby': `k-${k.name}` },
      el('h2', { id: `k-${k.name}` }, `${k.label}（${k.records.length}）`));
    if (k.records.length === 0) section.append(el('p', { class: 'muted', text: '还没有。' }));
    else {
      section.append(el('ul', { class: 'records' }, k.records.map((r) => el('li', {},
        el('a', { href: `#edit/${encodeURIComponent(r.path)}` },
          el('span', { class: 'title', text: r.title }),
          r.draft ? el('span', { class: 'badge', text: '草稿' }) : null),
        el('span', { class: 'meta' }, [r.date || '', ' ', el('code', { text: r.path })])))));
    }
    parts.push(section);
  }
  main.replaceChildren(...parts);
  main.querySelector('h1').focus?.();
}

// ---------------------------------------------------------------- fields

// A control for one field: {node, get(), set(v), focus, key}.
function control(field, ctx, path) {
  const id = nextId('f');
  const helpId = `${id}-help`;
  const diagId = `${id}-diag`;
  const describedBy = `${field.help ? helpId + ' ' : ''}${diagId}`;
  const labelText = field.label + (field.required ? '（必填）' : '');
  const help = field.help ? el('p', { class: 'help', id: helpId, text: field.help }) : null;
  const diag = el('ul', { class: 'diags', id: diagId, 'aria-live': 'polite' });
  const wrap = (input, extraClass = '') => el('div', { class: `field ${extraClass}`, 'data-key': path },
    el('label', { for: id, text: labelText }), input, help, diag);
  const common = { id, name: path, 'aria-describedby': describedBy, required: field.required };
  let c;
  switch (field.type) {
    case 'text': case 'long': case 'date': case 'int': case 'number': {
      let input;
      if (field.type === 'long') input = el('textarea', { ...common, rows: 3 });
      else if (field.type === 'date') input = el('input', { ...common, type: 'date' });
      else if (field.type === 'int') input = el('input', { ...common, type: 'number', min: 0, step: 1, inputmode: 'numeric' });
      else if (field.type === 'number') input = el('input', { ...common, type: 'number', step: 'any', inputmode: 'decimal' });
      else input = el('input', { ...common, type: 'text', list: path === 'attachments.file' ? ctx.filesList : undefined });
      c = {
        node: wrap(input),
        get: () => {
          const v = input.value.trim();
          if (v === '') return null;
          if (field.type === 'int' || field.type === 'number') return Number(v);
          return v;
        },
        set: (v) => {
          const s = v === null || v === undefined ? '' : String(v);
          // A date written some other way (a datetime, say) stays editable as text.
          if (field.type === 'date' && s && !/^\d{4}-\d{2}-\d{2}$/.test(s)) input.type = 'text';
          input.value = s;
        },
        input,
      };
      break;
    }
    case 'bool': {
      const input = el('input', { ...common, type: 'checkbox', required: false });
      c = {
        node: el('div', { class: 'field check', 'data-key': path },
          el('div', { class: 'check-row' }, input, el('label', { for: id, text: field.label })), help, diag),
        get: () => (input.checked ? true : null),
        set: (v) => { input.checked = v === true; },
        input,
      };
      break;
    }
    case 'enum': case 'org': case 'meeting_kind': case 'meeting': {
      let options = [];
      if (field.type === 'enum') options = field.choices.map(([code, label]) => [code, label]);
      if (field.type === 'org') options = ctx.orgs.map(([oid, name, depth]) => [oid, '　'.repeat(depth) + name]);
      if (field.type === 'meeting_kind') options = ctx.meeting_kinds.map((k) => [k, k]);
      if (field.type === 'meeting') options = ctx.meetings.map(([slug, label]) => [slug, label]);
      const input = el('select', common,
        el('option', { value: '', text: field.required ? '（请选择）' : '（不填）' }),
        options.map(([v, label]) => el('option', { value: v, text: label })));
      c = {
        node: wrap(input),
        get: () => input.value || null,
        set: (v) => {
          const s = v === null || v === undefined ? '' : String(v);
          if (s && ![...input.options].some((o) => o.value === s)) {
            input.append(el('option', { value: s, text: `${s}（文件里写的值）` }));
          }
          input.value = s;
        },
        input,
      };
      break;
    }
    case 'multi': {
      const boxes = field.choices.map(([code, label]) => {
        const bid = nextId('m');
        const box = el('input', { type: 'checkbox', id: bid, value: code, 'aria-describedby': describedBy });
        return [box, el('span', { class: 'check-row' }, box, el('label', { for: bid, text: label }))];
      });
      const fs = el('fieldset', { class: 'field', 'data-key': path, 'aria-describedby': describedBy },
        el('legend', { text: labelText }), boxes.map(([, row]) => row), help, diag);
      c = {
        node: fs,
        get: () => { const v = boxes.filter(([b]) => b.checked).map(([b]) => b.value); return v.length ? v : null; },
        set: (v) => { const s = new Set(v || []); for (const [b] of boxes) b.checked = s.has(b.value); },
        input: boxes[0]?.[0],
      };
      break;
    }
    case 'strlist': {
      const rows = el('ol', { class: 'rows' });
      const items = [];
      const fs = el('fieldset', { class: 'field list', 'data-key': path, 'aria-describedby': describedBy },
        el('legend', { text: labelText }), help, rows);
      const add = (value = '') => {
        const iid = nextId('s');
        const input = el('input', { type: 'text', id: iid, value, 'aria-describedby': describedBy });
        const item = { input };
        const li = el('li', {},
          el('label', { for: iid, class: 'sr-only', text: `${field.label}第${items.length + 1}条` }),
          input,
          el('button', {
            type: 'button', class: 'remove', 'aria-label': `删除这一条${field.label}`, text: '删除',
            onclick: () => { items.splice(items.indexOf(item), 1); li.remove(); ctx.changed(); fs.querySelector('.add').focus(); },
          }));
        item.li = li;
        items.push(item);
        rows.append(li);
        return input;
      };
      fs.append(el('button', {
        type: 'button', class: 'add', text: `添加一条${field.label}`,
        onclick: () => { add().focus(); },
      }), diag);
      c = {
        node: fs,
        get: () => { const v = items.map((i) => i.input.value.trim()).filter(Boolean); return v.length ? v : null; },
        set: (v) => { items.splice(0); rows.replaceChildren(); for (const s of v || []) add(String(s)); },
        input: null,
        get first() { return items[0]?.input || fs.querySelector('.add'); },
        child: ([i]) => (items[Number(i)] ? { diag, input: items[Number(i)].input } : null),
      };
      break;
    }
    case 'object': {
      const subs = field.fields.map((f) => control(f, ctx, `${path}.${f.key}`));
      // A 公示期 ends on a day or after a number of working days, never both: a choice shows one.
      const ways = subs.some((x) => x.key === 'end') && subs.some((x) => x.key === 'working_days')
        ? periodChoice(subs, ctx) : null;
      const fs = el('fieldset', { class: 'field group', 'data-key': path, 'aria-describedby': describedBy },
        el('legend', { text: labelText }), help, ways?.node, subs.map((s) => s.node), diag);
      c = {
        node: fs,
        get: () => {
          const o = {};
          for (const s of subs) {
            if (ways && ways.hides(s.key)) continue;
            const v = s.get();
            if (v !== null) o[s.key] = v;
          }
          return Object.keys(o).length ? o : null;
        },
        set: (v) => {
          for (const s of subs) s.set(v && typeof v === 'object' ? v[s.key] : null);
          if (ways) {
            const has = (k) => v && v[k] !== undefined && v[k] !== null;
            // Both written (a mistake the check names): both stay shown, so neither is lost.
            ways.pick(has('end') && has('working_days') ? null : has('end') ? 'end' : 'working_days');
          }
        },
        input: null,
        get first() { return subs[0].first || subs[0].input; },
        child: ([k, ...rest]) => {
          const sub = subs.find((x) => x.key === k);
          if (!sub) return null;
          return (rest.length && sub.child && sub.child(rest)) || sub;
        },
      };
      break;
    }
    case 'list': {
      const rows = el('div', { class: 'items' });
      const items = [];
      const fs = el('fieldset', { class: 'field list', 'data-key': path, 'aria-describedby': describedBy },
        el('legend', { text: labelText }), help, rows);
      const renumber = () => items.forEach((it, i) => { it.legend.textContent = `${field.label} 第${i + 1}条`; });
      const add = (value) => {
        const subs = field.fields.map((f) => control(f, ctx, `${path}.${f.key}`));
        const legend = el('legend');
        const item = { subs, legend };
        const box = el('fieldset', { class: 'item' }, legend, subs.map((s) => s.node),
          el('button', {
            type: 'button', class: 'remove', text: '删除这一条',
            onclick: () => { items.splice(items.indexOf(item), 1); box.remove(); renumber(); ctx.changed(); fs.querySelector('.add').focus(); },
          }));
        item.box = box;
        items.push(item);
        rows.append(box);
        for (const s of subs) s.set(value ? value[s.key] : null);
        renumber();
        return subs[0];
      };
      fs.append(el('button', {
        type: 'button', class: 'add', text: `添加一条${field.label}`,
        onclick: () => { const s = add(null); (s.first || s.input).focus(); ctx.changed(); },
      }), diag);
      c = {
        node: fs,
        get: () => {
          const v = items.map((it) => {
            const o = {};
            for (const s of it.subs) { const x = s.get(); if (x !== null) o[s.key] = x; }
            return o;
          }).filter((o) => Object.keys(o).length);
          return v.length ? v : null;
        },
        set: (v) => { items.splice(0); rows.replaceChildren(); for (const x of Array.isArray(v) ? v : []) add(x); },
        input: null,
        get first() { return items[0]?.subs[0].input || fs.querySelector('.add'); },
        add,
        child: ([i, k, ...rest]) => {
          const item = items[Number(i)];
          if (!item) return null;
          const sub = k === undefined ? item.subs[0] : item.subs.find((x) => x.key === k);
          if (!sub) return null;
          return (rest.length && sub.child && sub.child(rest)) || sub;
        },
      };
      break;
    }
    default:
      throw new Error(field.type);
  }
  c.key = field.key;
  c.field = field;
  c.diag = diag;
  c.id = id;
  return c;
}

// The two ways a 公示期 is given, as radio buttons; the other way's field is hidden.
function periodChoice(subs, ctx) {
  const name = nextId('way');
  let way = 'working_days';
  const radios = [['working_days', '按工作日数（自动跳过周末和节假日）'], ['end', '按结束日期']].map(([value, label]) => {
    const id = nextId('w');
    const input = el('input', { type: 'radio', name, id, value });
    input.addEventListener('change', () => { if (input.checked) pick(value); ctx.changed(); });
    return [input, el('span', { class: 'check-row' }, input, el('label', { for: id, text: label }))];
  });
  function pick(value) {
    way = value;
    for (const [input] of radios) input.checked = input.value === value;
    for (const s of subs) {
      if (s.key === 'end' || s.key === 'working_days') s.node.hidden = value !== null && s.key !== value;
    }
  }
  const node = el('fieldset', { class: 'ways' }, el('legend', { text: '公示期怎么算' }), radios.map(([, row]) => row));
  pick(way);
  return { node, pick, hides: (key) => way !== null && (key === 'end' || key === 'working_days') && key !== way };
}

// ---------------------------------------------------------------- form

async function showForm({ kind, path }) {
  main.replaceChildren(el('p', { role: 'status', text: '正在打开……' }));
  let record = null;
  if (path) {
    const r = await api(`record?path=${encodeURIComponent(path)}`);
    if (r.status !== 200) {
      main.replaceChildren(el('p', {}, el('a', { href: '#', text: '← 返回列表' })),
        el('p', { class: 'error', role: 'alert', text: r.data.error }));
      return;
    }
    record = r.data;
    kind = record.kind;
    if (record.raw !== undefined) { showRaw(record); return; }
  }
  const s = await api(`schema?kind=${encodeURIComponent(kind)}`);
  if (s.status !== 200) {
    main.replaceChildren(el('p', { class: 'error', role: 'alert', text: s.data.error }));
    return;
  }
  const schema = s.data;
  const state = {
    kind,
    path: record?.path || null,
    hash: record?.hash || null,
    base: record?.values || null,
    baseBody: record ? record.body : null,
    dirty: false,
  };
  let checkTimer = null;
  let previewTimer = null;
  // The files in the record's folder, offered for an attachment's file name.
  const filesList = nextId('files');
  const datalist = el('datalist', { id: filesList }, (record?.files || []).map((f) => el('option', { value: f })));
  const ctx = {
    filesList,
    orgs: schema.orgs, meeting_kinds: schema.meeting_kinds, meetings: schema.meetings,
    changed: () => { state.dirty = true; clearTimeout(checkTimer); checkTimer = setTimeout(runCheck, 900); },
  };
  const controls = schema.fields.map((f) => control(f, ctx, f.key));
  const byKey = Object.fromEntries(controls.map((c) => [c.key, c]));

  const title = el('h1', { tabindex: '-1' });
  const where = el('p', { class: 'where' });
  const setHeading = () => {
    title.textContent = record ? `修改${schema.label}` : `新建${schema.label}`;
    document.title = `${title.textContent} · 编辑台`;
    where.replaceChildren(state.path ? el('code', { text: state.path }) : '保存时按标题和日期起文件名');
  };
  setHeading();
  const status = el('div', { class: 'status save-status', role: 'status', 'aria-live': 'polite' });
  // What the last check found, apart from what the last save said, so neither hides the other.
  const checkStatus = el('div', { class: 'status check-status', role: 'status', 'aria-live': 'polite' });
  const alertBox = el('div', { class: 'alerts', role: 'alert' });
  const general = el('ul', { class: 'diags general', 'aria-live': 'polite' });

  // Body, preview and uploads.
  const bodyId = nextId('body');
  const bodyDiag = el('ul', { class: 'diags', id: `${bodyId}-diag`, 'aria-live': 'polite' });
  const body = el('textarea', { id: bodyId, rows: 14, class: 'body', 'aria-describedby': `${bodyId}-help ${bodyId}-diag` });
  const preview = el('div', { class: 'preview', id: nextId('preview'), 'aria-live': 'off' });
  const fileInput = el('input', { type: 'file', id: nextId('file'), accept: '.jpg,.jpeg,.png,.webp,.gif,.xlsx,.xls,.ods,.csv,.pdf,image/*' });
  const uploadStatus = el('p', { class: 'upload-status', role: 'status', 'aria-live': 'polite' });
  const uploadButton = el('button', { type: 'button', text: '上传', onclick: () => upload() });
  const bodySection = el('section', { class: 'body-area', 'aria-labelledby': `${bodyId}-h` },
    el('h2', { id: `${bodyId}-h`, text: '正文' }),
    el('div', { class: 'split' },
      el('div', { class: 'field', 'data-key': 'body' },
        el('label', { for: bodyId, text: '正文（Markdown）' }),
        el('p', { class: 'help', id: `${bodyId}-help`, text: '空一行分段；**加粗**；- 开头是列表；上传的照片和表格会插在光标处。' }),
        body, bodyDiag),
      el('div', { class: 'preview-box' },
        el('h3', { text: '预览' }), preview)),
    el('div', { class: 'upload' },
      el('label', { for: fileInput.id, text: '上传照片、表格或 PDF 到这条记录的文件夹' }),
      el('p', { class: 'help', text: '照片发布时会去掉拍摄位置等信息；表格里隐藏的行、列和工作表不会公开。先保存（可以存为草稿）再上传。' }),
      fileInput, uploadButton, uploadStatus));

  const unknown = record?.unknown?.length
    ? el('p', { class: 'note', text: `这个文件还有表单里没有的字段：${record.unknown.join('、')}。保存时原样保留。` })
    : null;

  const buttons = el('div', { class: 'actions' },
    el('button', { type: 'button', class: 'primary', text: '保存', onclick: () => save(false) }),
    el('button', { type: 'button', text: '存为草稿', onclick: () => save(true) }),
    el('button', { type: 'button', text: '检查', onclick: () => runCheck(true) }));

  const conflictBox = el('div', { class: 'conflict', hidden: true });
  // The fields a worker fills in every time come first; the rarer shared ones fold away.
  const RARE = new Set(['updated', 'slug', 'approval', 'expires', 'after_expiry', 'privacy_allow']);
  const LATE = ['org', 'tags', 'summary', 'attachments', 'draft'];
  const first = controls.filter((c) => !RARE.has(c.key) && !LATE.includes(c.key));
  const late = LATE.map((k) => byKey[k]).filter(Boolean);
  const rare = controls.filter((c) => RARE.has(c.key));
  const more = el('details', { class: 'more' },
    el('summary', { text: '更多设置：更新日期、网址名、审核审批、到期、允许公开的个人信息' }),
    el('div', { class: 'more-fields' }, rare.map((c) => c.node)));
  const form = el('form', { novalidate: true, onsubmit: (e) => { e.preventDefault(); save(false); } },
    first.map((c) => c.node), late.map((c) => c.node), more);

  main.replaceChildren(...[
    el('p', { class: 'back' }, el('a', { href: '#', text: '← 返回列表' })),
    title, where, alertBox, status, checkStatus, general, unknown, conflictBox, form, bodySection, buttons, datalist].filter(Boolean));

  // Values.
  const defaults = record ? record.values : (schema.defaults || {});
  for (const c of controls) c.set(defaults[c.key] ?? null);
  if (rare.some((c) => c.get() !== null)) more.open = true;

  // Fields that belong to some choices only are shown with them (and whenever they hold a value,
  // so nothing written is ever out of sight): the 回音壁 with a closed status, the 公示期 with a
  // 公示, a project list's columns with a 项目清单.
  const CLOSED = ['resolved', 'unresolvable', 'referred'];
  function follow() {
    if (byKey.echo && byKey.status) {
      byKey.echo.node.hidden = !CLOSED.includes(byKey.status.get()) && byKey.echo.get() === null;
    }
    if (byKey.publicity && state.kind === 'notices' && byKey.kind) {
      byKey.publicity.node.hidden = byKey.kind.get() !== 'publicity' && byKey.publicity.get() === null;
    }
    if (byKey.items && state.kind === 'services' && byKey.kind) {
      form.classList.toggle('not-projects', byKey.kind.get() !== 'projects');
    }
  }
  follow();
  form.addEventListener('change', follow);
  form.addEventListener('input', follow);
  body.value = record ? record.body : '';
  for (const c of controls) c.node.addEventListener('input', ctx.changed);
  for (const c of controls) c.node.addEventListener('change', ctx.changed);
  body.addEventListener('input', () => {
    state.dirty = true;
    clearTimeout(previewTimer);
    previewTimer = setTimeout(renderPreview, 300);
    ctx.changed();
  });
  title.focus();

  function values() {
    const v = {};
    for (const c of controls) { const x = c.get(); if (x !== null) v[c.key] = x; }
    return v;
  }

  function request() {
    return {
      path: state.path, kind: state.kind, values: values(), body: body.value,
      hash: state.hash, base: state.base, base_body: state.baseBody,
    };
  }

  async function renderPreview() {
    const r = await api('preview', { method: 'POST', json: { path: state.path, body: body.value } });
    if (r.status === 200) preview.innerHTML = r.data.html;
  }

  function clearDiags() {
    for (const u of main.querySelectorAll('ul.diags')) u.replaceChildren();
    for (const i of main.querySelectorAll('[aria-invalid]')) i.removeAttribute('aria-invalid');
  }

  function showDiags(list) {
    clearDiags();
    let errors = 0;
    for (const d of list || []) {
      const isError = d.severity === 'error';
      if (isError) errors++;
      const item = el('li', { class: isError ? 'error' : 'warning' },
        el('strong', { text: isError ? '错误：' : '提醒：' }), d.message,
        d.help ? el('span', { class: 'fix' }, '　', d.help) : null,
        el('span', { class: 'code', text: ` [${d.code}]` }));
      let target = null;
      let c = null;
      if (d.field === 'body') c = { diag: bodyDiag, input: body };
      else if (byKey[d.field]) {
        c = byKey[d.field];
        // A message about one item of a list or one part of a group goes beside that part.
        const inner = d.at && c.child ? c.child(d.at.split('.').slice(1)) : null;
        if (inner) c = inner;
      }
      if (c) target = c.diag;
      if (target) {
        target.append(item);
        if (more.contains(target)) more.open = true;
        const input = c.input || c.node?.querySelector('input,select,textarea');
        if (input && isError) input.setAttribute('aria-invalid', 'true');
      } else {
        general.append(item);
      }
    }
    return errors;
  }

  let checks = 0;
  let checking = false;
  let again = false;
  async function runCheck(loud) {
    clearTimeout(checkTimer);
    // On a large site a check takes a while: one at a time, the latest values next.
    if (checking) { again = again || (loud ? 'loud' : true); return; }
    checking = true;
    try {
      await checkOnce(loud);
    } finally {
      checking = false;
    }
    if (again) { const next = again; again = false; runCheck(next === 'loud'); }
  }

  async function checkOnce(loud) {
    const mine = ++checks;
    const r = await api('check', { method: 'POST', json: request() });
    // A later check or a save has spoken since: this answer is stale.
    if (mine !== checks) return;
    if (r.status !== 200) { say(r.data.error, true); return; }
    const errors = showDiags(r.data.diagnostics);
    if (r.data.trouble) say(r.data.trouble, true);
    else if (errors) checkStatus.textContent = `检查发现 ${errors} 处错误，见各字段下方的说明。`;
    else checkStatus.textContent = loud ? '检查通过，可以保存。' : '';
  }

  function say(text, isError) {
    if (isError) { alertBox.replaceChildren(el('p', { class: 'error', text })); status.textContent = ''; }
    else { alertBox.replaceChildren(); status.textContent = text; }
  }

  async function save(asDraft) {
    // One save at a time: a second click on a new record must not make a second file.
    if (state.saving) return;
    state.saving = true;
    for (const b of buttons.querySelectorAll('button')) b.setAttribute('aria-disabled', 'true');
    try {
      await saveNow(asDraft);
    } finally {
      state.saving = false;
      for (const b of buttons.querySelectorAll('button')) b.removeAttribute('aria-disabled');
    }
  }

  async function saveNow(asDraft) {
    clearTimeout(checkTimer);
    checks++;
    checkStatus.textContent = '';
    if (asDraft && byKey.draft) byKey.draft.set(true);
    conflictBox.hidden = true;
    status.textContent = '正在保存……';
    const r = await api('save', { method: 'POST', json: request() });
    if (r.status === 200) {
      showDiags(r.data.diagnostics);
      state.path = r.data.path;
      state.hash = r.data.hash;
      state.base = values();
      state.baseBody = body.value;
      state.dirty = false;
      record = record || { values: state.base };
      setHeading();
      history.replaceState(null, '', `#edit/${encodeURIComponent(state.path)}`);
      const draftNote = values().draft ? '（草稿，不会发布）' : '';
      say(`已保存到 ${state.path}${draftNote}。`);
      if (r.data.url) {
        status.append(' ', el('a', { href: r.data.url, target: '_blank', rel: 'noopener', text: '在网站预览里查看（新窗口）' }));
      }
      return;
    }
    if (r.status === 409) {
      showConflict(r.data);
      return;
    }
    if (r.data.diagnostics) showDiags(r.data.diagnostics);
    say(r.data.error || '保存失败。', true);
    const firstBad = main.querySelector('[aria-invalid="true"]');
    if (firstBad) firstBad.focus();
  }

  function showConflict(data) {
    status.textContent = '';
    alertBox.replaceChildren(el('p', { class: 'error', text: data.error }));
    const d1 = nextId('disk');
    const d2 = nextId('mine');
    conflictBox.replaceChildren(
      el('h2', { text: '文件已被改动：两个版本' }),
      el('div', { class: 'versions' },
        el('div', {}, el('label', { for: d1, text: '磁盘上现在的版本' }),
          el('textarea', { id: d1, readonly: true, rows: 12 }, data.disk || '（文件已被删除）')),
        el('div', {}, el('label', { for: d2, text: '你的版本（还没有保存）' }),
          el('textarea', { id: d2, readonly: true, rows: 12 }, data.mine || ''))),
      el('div', { class: 'actions' },
        el('button', {
          type: 'button', class: 'primary', text: '把我改过的字段合并到磁盘上的版本，然后保存',
          onclick: () => { state.hash = data.disk_hash; save(false); },
        }),
        el('button', {
          type: 'button', text: '放弃我的修改，打开磁盘上的版本',
          onclick: () => { route(true); },
        })));
    conflictBox.hidden = false;
    conflictBox.querySelector('h2').setAttribute('tabindex', '-1');
    conflictBox.querySelector('h2').focus();
  }

  async function upload() {
    const file = fileInput.files[0];
    if (!file) { uploadStatus.textContent = '请先选择一个文件。'; fileInput.focus(); return; }
    if (!state.path) { uploadStatus.textContent = '请先保存这条记录（可以存为草稿），再上传文件。'; return; }
    uploadStatus.textContent = `正在上传 ${file.name}……`;
    const r = await api(`upload?path=${encodeURIComponent(state.path)}&name=${encodeURIComponent(file.name)}`,
      { method: 'POST', body: file, headers: { 'Content-Type': 'application/octet-stream' } });
    if (r.data.path && r.data.path !== state.path) {
      state.path = r.data.path;
      state.hash = r.data.hash;
      setHeading();
      history.replaceState(null, '', `#edit/${encodeURIComponent(state.path)}`);
    }
    if (r.status !== 200) { uploadStatus.textContent = r.data.error; uploadStatus.classList.add('error'); return; }
    uploadStatus.classList.remove('error');
    datalist.append(el('option', { value: r.data.file }));
    if (r.data.attachment && byKey.attachments) {
      byKey.attachments.add({ file: r.data.file, title: r.data.file.replace(/\.[^.]+$/, '') });
    } else {
      const at = body.selectionStart ?? body.value.length;
      const before = body.value.slice(0, at);
      const sep = before === '' || before.endsWith('\n\n') ? '' : before.endsWith('\n') ? '\n' : '\n\n';
      body.value = `${before}${sep}${r.data.markdown}\n${body.value.slice(at)}`;
    }
    const warn = (r.data.warnings || []).map((w) => w.message).join('；');
    uploadStatus.textContent = `已上传 ${r.data.file}${r.data.moved ? '（这条记录已改为文件夹形式）' : ''}。${warn ? '提醒：' + warn : ''}记得保存。`;
    fileInput.value = '';
    state.dirty = true;
    renderPreview();
    runCheck();
  }

  renderPreview();
  runCheck();
}

// ---------------------------------------------------------------- a file the form cannot read

function showRaw(record) {
  const state = { path: record.path, hash: record.hash };
  const id = nextId('raw');
  const title = el('h1', { tabindex: '-1', text: '修改文件原文' });
  document.title = '修改文件原文 · 编辑台';
  const status = el('div', { class: 'status save-status', role: 'status', 'aria-live': 'polite' });
  const checkStatus = el('div', { class: 'status check-status', role: 'status', 'aria-live': 'polite' });
  const alertBox = el('div', { class: 'alerts', role: 'alert' });
  const diags = el('ul', { class: 'diags', id: `${id}-diag`, 'aria-live': 'polite' });
  const text = el('textarea', { id, rows: 24, class: 'body', 'aria-describedby': `${id}-help ${id}-diag` });
  text.value = record.raw;
  const conflictBox = el('div', { class: 'conflict', hidden: true });
  main.replaceChildren(
    el('p', { class: 'back' }, el('a', { href: '#', text: '← 返回列表' })),
    title, el('p', { class: 'where' }, el('code', { text: record.path })),
    el('p', { class: 'note', id: `${id}-help`, text: `表单读不懂这个文件（${record.unreadable}）。请直接改正下面的原文，检查结果会列在下面，写明第几行；改好保存后，再打开就能用表单了。` }),
    alertBox, status, checkStatus,
    el('div', { class: 'field', 'data-key': 'raw' }, el('label', { for: id, text: '文件原文' }), text, diags),
    conflictBox,
    el('div', { class: 'actions' },
      el('button', { type: 'button', class: 'primary', text: '保存', onclick: () => save() }),
      el('button', { type: 'button', text: '检查', onclick: () => check(true) })));
  title.focus();
  let timer = null;
  text.addEventListener('input', () => { clearTimeout(timer); timer = setTimeout(check, 900); });

  function show(list) {
    diags.replaceChildren();
    let errors = 0;
    for (const d of list || []) {
      const isError = d.severity === 'error';
      if (isError) errors++;
      diags.append(el('li', { class: isError ? 'error' : 'warning' },
        el('strong', { text: `${isError ? '错误' : '提醒'}（第${d.line}行第${d.column}列）：` }), d.message,
        d.help ? el('span', { class: 'fix' }, '　', d.help) : null,
        el('span', { class: 'code', text: ` [${d.code}]` })));
    }
    if (errors) text.setAttribute('aria-invalid', 'true'); else text.removeAttribute('aria-invalid');
    return errors;
  }
  let checks = 0;
  async function check(loud) {
    clearTimeout(timer);
    const mine = ++checks;
    const r = await api('check', { method: 'POST', json: { path: state.path, raw: text.value } });
    // A later check or a save has spoken since.
    if (mine !== checks) return;
    if (r.status !== 200) { alertBox.replaceChildren(el('p', { class: 'error', text: r.data.error })); return; }
    const errors = show(r.data.diagnostics);
    checkStatus.textContent = errors ? `检查发现 ${errors} 处错误。` : (loud ? '检查通过，可以保存。' : '');
  }
  async function save() {
    clearTimeout(timer);
    checks++;
    checkStatus.textContent = '';
    status.textContent = '正在保存……';
    const r = await api('save', { method: 'POST', json: { path: state.path, raw: text.value, hash: state.hash } });
    if (r.status === 200) {
      state.hash = r.data.hash;
      show(r.data.diagnostics);
      alertBox.replaceChildren();
      status.textContent = `已保存到 ${r.data.path}。`;
      return;
    }
    status.textContent = '';
    if (r.data.diagnostics) show(r.data.diagnostics);
    alertBox.replaceChildren(el('p', { class: 'error', text: r.data.error || '保存失败。' }));
    if (r.status === 409) {
      const d = nextId('disk');
      conflictBox.replaceChildren(el('label', { for: d, text: '磁盘上现在的版本' }),
        el('textarea', { id: d, readonly: true, rows: 12 }, r.data.disk || '（文件已被删除）'),
        el('button', { type: 'button', text: '放弃我的修改，打开磁盘上的版本', onclick: () => route() }));
      conflictBox.hidden = false;
    }
  }
  check();
}

// ---------------------------------------------------------------- routing

function route() {
  const h = decodeURIComponent(location.hash.slice(1));
  if (h.startsWith('new/')) showForm({ kind: h.slice(4) });
  else if (h.startsWith('edit/')) showForm({ path: h.slice(5) });
  else showList();
}

window.addEventListener('hashchange', route);
route();
