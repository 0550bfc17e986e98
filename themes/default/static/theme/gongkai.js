/* gongkai default theme — small, dependency-free enhancements (ES2017).
 *
 * Every page is complete without this file. It only:
 *  - wires the 大字 / 高对比 switches (stored in localStorage),
 *  - recomputes 公示 status, days left and overdue from the visitor's clock
 *    (in the site's time zone), every minute,
 *  - fills the 打印日期,
 *  - runs kiosk mode: idle warning and return to the start screen, the rotating
 *    公示中 panel, the on-screen keypad, and links that leave the site shown as
 *    text instead of being followed.
 * Each feature is isolated so that one failing never stops the others.
 */
(function () {
  'use strict';

  var doc = document;
  var root = doc.documentElement;
  var DAY = 86400000;

  function run(name, fn) {
    try { fn(); } catch (e) { try { console.warn('gongkai: ' + name, e); } catch (_) { /* no console */ } }
  }
  function $all(sel, ctx) { return Array.prototype.slice.call((ctx || doc).querySelectorAll(sel)); }
  function data(el, key) { return (el && el.getAttribute('data-' + key)) || ''; }

  function storage(kind) {
    try {
      var s = window[kind];
      var k = '__gk_test__';
      s.setItem(k, k); s.removeItem(k);
      return s;
    } catch (e) { return null; }
  }
  var local = storage('localStorage');
  var session = storage('sessionStorage');

  var settings = {
    tz: data(root, 'timezone') || 'Asia/Shanghai',
    today: data(root, 'today'),
    root: data(root, 'root') || '/',
    baseUrl: data(root, 'base-url'),
    idle: Math.max(15, parseInt(data(root, 'idle-seconds'), 10) || 120),
    rotate: Math.max(5, parseInt(data(root, 'rotate-seconds'), 10) || 20)
  };

  /* ---------------- dates in the site's time zone ---------------- */

  var ISO = /^(\d{4})-(\d{2})-(\d{2})/;
  function dayNumber(iso) {
    var m = ISO.exec(iso || '');
    return m ? Math.round(Date.UTC(+m[1], +m[2] - 1, +m[3]) / DAY) : NaN;
  }
  function partsInZone(date, withTime) {
    var opts = { timeZone: settings.tz, year: 'numeric', month: '2-digit', day: '2-digit' };
    if (withTime) { opts.hour = '2-digit'; opts.minute = '2-digit'; opts.hourCycle = 'h23'; }
    var out = {};
    try {
      new Intl.DateTimeFormat('en-CA', opts).formatToParts(date).forEach(function (p) { out[p.type] = p.value; });
    } catch (e) {
      // No Intl time zone support: fall back to the device's own clock.
      var pad = function (n) { return (n < 10 ? '0' : '') + n; };
      out = { year: String(date.getFullYear()), month: pad(date.getMonth() + 1), day: pad(date.getDate()),
              hour: pad(date.getHours()), minute: pad(date.getMinutes()) };
    }
    if (out.hour === '24') out.hour = '00';
    return out;
  }
  function todayISO() {
    var p = partsInZone(new Date(), false);
    var iso = p.year + '-' + p.month + '-' + p.day;
    if (!ISO.test(iso)) return settings.today;
    // A kiosk whose clock was reset must not move time backwards past the build day.
    if (settings.today && dayNumber(iso) < dayNumber(settings.today)) return settings.today;
    return iso;
  }
  function zhDate(iso) {
    var m = ISO.exec(iso || '');
    return m ? (+m[1]) + '年' + (+m[2]) + '月' + (+m[3]) + '日' : '';
  }

  /* ---------------- 大字 / 高对比 switches ---------------- */

  var PREFS = { 'large-text': 'gk-large-text', 'high-contrast': 'gk-high-contrast' };
  function initSwitches() {
    $all('[data-gk-toggle]').forEach(function (btn) {
      var cls = data(btn, 'gk-toggle');
      if (!PREFS[cls]) return;
      btn.setAttribute('aria-pressed', root.classList.contains(cls) ? 'true' : 'false');
      btn.hidden = false;
      btn.addEventListener('click', function () {
        var on = !root.classList.contains(cls);
        root.classList.toggle(cls, on);
        $all('[data-gk-toggle="' + cls + '"]').forEach(function (b) { b.setAttribute('aria-pressed', on ? 'true' : 'false'); });
        if (local) {
          try { if (on) local.setItem(PREFS[cls], '1'); else local.removeItem(PREFS[cls]); } catch (e) { /* full or blocked */ }
        }
      });
    });
  }

  /* ---------------- status freshness ---------------- */

  var PUB_LABEL = { upcoming: '未开始', active: '公示中', ended: '已结束', withdrawn: '已撤回' };

  function publicityState(el, t) {
    if (data(el, 'withdrawn')) return { status: 'withdrawn' };
    var start = dayNumber(data(el, 'start'));
    var end = dayNumber(data(el, 'end'));
    if (isNaN(start) || isNaN(end)) return null;
    if (t < start) return { status: 'upcoming', until: start - t };
    if (t <= end) return { status: 'active', left: end - t + 1 };
    return { status: 'ended' };
  }

  function setStatusClass(el, prefix, value) {
    Array.prototype.slice.call(el.classList).forEach(function (c) {
      if (c.indexOf(prefix) === 0) el.classList.remove(c);
    });
    el.classList.add(prefix + value);
  }

  function setText(el, text) {
    if (el.textContent !== text) el.textContent = text;
  }

  function refreshStatuses() {
    var iso = todayISO();
    var t = dayNumber(iso);
    if (isNaN(t)) return;

    $all('[data-gk-status="publicity"]').forEach(function (el) {
      var s = publicityState(el, t);
      if (!s) return;
      el.setAttribute('data-state', s.status);
      setStatusClass(el, 'status-', s.status);
      setText(el, PUB_LABEL[s.status]);
    });

    $all('[data-gk-days="publicity"]').forEach(function (el) {
      var s = publicityState(el, t);
      if (!s) return;
      var text = '';
      if (s.status === 'active') text = s.left === 1 ? '今天截止' : '剩余' + s.left + '天';
      else if (s.status === 'upcoming') text = s.until + '天后开始';
      el.setAttribute('data-state', s.status === 'active' && s.left === 1 ? 'last' : s.status);
      setText(el, text);
      el.hidden = !text;
    });

    $all('[data-gk-status="problem"]').forEach(function (el) {
      if (data(el, 'closed') === 'true') return;   // closed items do not change with time
      var deadline = dayNumber(data(el, 'deadline'));
      if (isNaN(deadline)) return;
      var diff = deadline - t;
      var state, text;
      if (diff < 0) { state = 'overdue'; text = '已逾期' + (-diff) + '天'; }
      else if (diff === 0) { state = 'today'; text = '今天到期'; }
      else { state = 'ok'; text = '剩余' + diff + '天'; }
      el.setAttribute('data-state', state);
      setStatusClass(el, 'deadline-', state);
      setText(el, text);
      var box = el.closest('.card, .problem-box, .record-problem');
      if (box) box.classList.toggle('is-overdue', state === 'overdue');
    });

    $all('[data-gk-today]').forEach(function (el) {
      if (el.getAttribute('datetime') !== iso) {
        el.setAttribute('datetime', iso);
        setText(el, zhDate(iso));
      }
    });

    refreshActiveCount();
    if (rotator) rotator.refresh();
  }

  function isStillActive(container) {
    var st = container.querySelector('[data-gk-status="publicity"]');
    return !st || (st.getAttribute('data-state') || 'active') === 'active';
  }

  function refreshActiveCount() {
    var slides = $all('[data-gk-slide]');
    if (!slides.length) return;
    var n = slides.filter(isStillActive).length;
    $all('[data-gk-active-count]').forEach(function (el) { setText(el, String(n)); });
  }

  /* ---------------- print date ---------------- */

  function fillPrintDate() {
    var text = zhDate(todayISO());
    if (!text) return;
    $all('[data-gk-print-date]').forEach(function (el) { setText(el, text); });
  }
  function initPrint() {
    fillPrintDate();
    $all('[data-gk-print]').forEach(function (btn) {
      if (typeof window.print !== 'function') return;
      btn.hidden = false;
      btn.addEventListener('click', function () { fillPrintDate(); window.print(); });
    });
    window.addEventListener('beforeprint', fillPrintDate);
    if (window.matchMedia) {
      var mq = window.matchMedia('print');
      var onChange = function (e) { if (e.matches) fillPrintDate(); };
      if (mq.addEventListener) mq.addEventListener('change', onChange);
      else if (mq.addListener) mq.addListener(onChange);
    }
  }

  /* ---------------- in-page dialogs (never a window) ---------------- */

  var openDialog = null;
  function showDialog(opts) {
    closeDialog();
    var previous = doc.activeElement;
    var overlay = doc.createElement('div');
    overlay.className = 'gk-overlay';
    var id = 'gk-dialog-' + Date.now();
    overlay.innerHTML =
      '<div class="gk-dialog" role="alertdialog" aria-modal="true" aria-labelledby="' + id + '-t" aria-describedby="' + id + '-d">' +
      '<h2 id="' + id + '-t"></h2><div id="' + id + '-d"></div>' +
      '<p><button type="button" class="gk-big-button"></button></p></div>';
    overlay.querySelector('h2').textContent = opts.title;
    var body = overlay.querySelector('#' + id + '-d');
    opts.body.forEach(function (node) { body.appendChild(node); });
    var button = overlay.querySelector('button');
    button.textContent = opts.button;
    var close = function () {
      if (openDialog !== state) return;
      openDialog = null;
      if (overlay.parentNode) overlay.parentNode.removeChild(overlay);
      doc.removeEventListener('keydown', onKey, true);
      if (previous && previous.focus) { try { previous.focus(); } catch (e) { /* gone */ } }
      if (opts.onClose) opts.onClose();
    };
    var onKey = function (e) {
      if (e.key === 'Escape') { e.preventDefault(); close(); }
      else if (e.key === 'Tab') { e.preventDefault(); button.focus(); }  // one control: keep focus inside
    };
    button.addEventListener('click', close);
    overlay.addEventListener('click', function (e) { if (opts.anyClick || e.target === overlay) close(); });
    doc.addEventListener('keydown', onKey, true);
    doc.body.appendChild(overlay);
    button.focus();
    var state = { close: close, overlay: overlay, kind: opts.kind };
    openDialog = state;
    return state;
  }
  function closeDialog() { if (openDialog) openDialog.close(); }
  function para(text, cls) {
    var p = doc.createElement('p');
    if (cls) p.className = cls;
    p.textContent = text;
    return p;
  }

  /* ---------------- kiosk mode ---------------- */

  var isKiosk = root.classList.contains('kiosk');
  var isKioskHome = root.classList.contains('kiosk-home');
  var kioskHome = settings.root.replace(/\/?$/, '/') + 'kiosk/';

  function siteUrlFor(href) {
    // The site's own absolute URLs (base_url) stay inside the kiosk.
    if (settings.baseUrl && href.indexOf(settings.baseUrl) === 0) {
      return settings.root.replace(/\/?$/, '/') + href.slice(settings.baseUrl.length);
    }
    return null;
  }

  function initKioskLinks() {
    doc.addEventListener('click', function (e) {
      if (e.defaultPrevented || e.button > 0) return;
      var a = e.target && e.target.closest ? e.target.closest('a[href]') : null;
      if (!a) return;
      var url;
      try { url = new URL(a.getAttribute('href'), location.href); } catch (err) { return; }
      var proto = url.protocol;
      if (proto === 'tel:' || proto === 'mailto:') {
        e.preventDefault();
        var value = decodeURIComponent(url.href.slice(proto.length));
        showDialog({
          kind: 'external',
          title: proto === 'tel:' ? '请用电话拨打' : '请用手机或电脑发邮件',
          body: [para(proto === 'tel:' ? '本机不能拨打电话。号码：' : '本机不能发送邮件。邮箱：'), para(proto === 'tel:' ? (a.textContent.trim() || value) : value, 'gk-url')],
          button: '知道了'
        });
        return;
      }
      if (proto !== 'http:' && proto !== 'https:') return;
      var own = siteUrlFor(url.href);
      if (own) { e.preventDefault(); location.href = own; return; }
      if (url.host !== location.host) {
        e.preventDefault();
        showDialog({
          kind: 'external',
          title: '这是本站以外的网址',
          body: [para('触摸屏不能打开其他网站。请用手机浏览器输入下面的网址，或拍照记下：'), para(url.href, 'gk-url')],
          button: '返回'
        });
        return;
      }
      if (a.target && a.target !== '_self') {   // no new windows on a kiosk
        e.preventDefault();
        location.href = url.href;
      }
    }, true);
  }

  function initKioskBar() {
    if (isKioskHome) return;
    // In kiosk mode "首页" means the kiosk start screen.
    var home = settings.root.replace(/\/?$/, '/');
    $all('.site-header a[href]').forEach(function (a) {
      if (a.getAttribute('href') === home) a.setAttribute('href', kioskHome);
    });
    $all('.kiosk-bar').forEach(function (bar) { bar.hidden = false; });
    $all('[data-gk-back]').forEach(function (btn) {
      btn.addEventListener('click', function () {
        if (history.length > 1) history.back(); else location.href = kioskHome;
      });
    });
  }

  function initIdleTimer() {
    var last = Date.now();
    var warnSeconds = Math.min(20, Math.max(5, Math.floor(settings.idle / 4)));
    var warning = null;
    var countEl = null;

    // While the warning is up, only its own button (or a tap anywhere on it)
    // continues: closing on pointerdown would let the tap fall through to a link.
    function activity() {
      if (!warning) last = Date.now();
    }
    ['pointerdown', 'touchstart', 'keydown', 'wheel', 'scroll'].forEach(function (ev) {
      window.addEventListener(ev, activity, { passive: true, capture: true });
    });
    var lastMove = 0;
    window.addEventListener('mousemove', function () {
      var now = Date.now();
      if (now - lastMove > 1000) { lastMove = now; activity(); }
    }, { passive: true });

    setInterval(function () {
      run('idle', function () {
        var idleFor = (Date.now() - last) / 1000;
        if (isKioskHome) {
          if (idleFor >= settings.idle) {
            last = Date.now();
            closeDialog();
            if (window.scrollY > 0) window.scrollTo(0, 0);
            if (doc.activeElement && doc.activeElement.blur) doc.activeElement.blur();
            if (rotator) rotator.resume();
          }
          return;
        }
        var remaining = Math.ceil(settings.idle - idleFor);
        if (remaining <= 0) {
          location.href = kioskHome;
          return;
        }
        if (remaining <= warnSeconds) {
          if (!warning) {
            countEl = doc.createElement('span');
            countEl.className = 'gk-count';
            var p = doc.createElement('p');
            p.appendChild(doc.createTextNode('如果没有操作，'));
            p.appendChild(countEl);
            p.appendChild(doc.createTextNode('秒后将回到触摸屏首页。'));
            warning = showDialog({ kind: 'idle', anyClick: true, title: '您还在看吗？', body: [p], button: '继续', onClose: function () { last = Date.now(); warning = null; } });
          }
          setText(countEl, String(remaining));
        }
      });
    }, 1000);
  }

  function initClock() {
    var els = $all('[data-gk-clock]');
    if (!els.length) return;
    var tick = function () {
      var p = partsInZone(new Date(), true);
      if (!p.hour) return;
      els.forEach(function (el) { setText(el, p.hour + ':' + p.minute); el.hidden = false; });
    };
    tick();
    setInterval(function () { run('clock', tick); }, 15000);
  }

  /* ---------------- rotating 公示中 panel ---------------- */

  var rotator = null;
  function initRotator() {
    var box = doc.querySelector('[data-gk-rotator]');
    if (!box) return;
    var slides = $all('[data-gk-slide]', box);
    var controls = box.querySelector('[data-gk-rotator-controls]');
    var pos = box.querySelector('[data-gk-rotator-pos]');
    var pauseBtn = box.querySelector('[data-gk-pause]');
    var empty = box.querySelector('[data-gk-rotator-empty]');
    var live = box.querySelector('[data-gk-slides]');
    var index = 0;
    var paused = false;
    var timer = null;

    function visible() { return slides.filter(isStillActive); }
    function show(i) {
      var list = visible();
      if (empty) empty.hidden = list.length > 0;
      slides.forEach(function (s) { s.hidden = list.indexOf(s) === -1; });
      if (list.length < 2) {
        if (controls) controls.hidden = true;
        box.classList.remove('is-rotating');
        return;
      }
      index = ((i % list.length) + list.length) % list.length;
      list.forEach(function (s, k) { s.hidden = k !== index; });
      if (controls) controls.hidden = false;
      box.classList.add('is-rotating');
      if (pos) setText(pos, (index + 1) + ' / ' + list.length);
    }
    function schedule() {
      clearInterval(timer);
      timer = null;
      if (!paused) timer = setInterval(function () { run('rotate', function () { show(index + 1); }); }, settings.rotate * 1000);
      if (live) live.setAttribute('aria-live', paused ? 'polite' : 'off');
    }
    function setPaused(p) {
      paused = p;
      if (pauseBtn) {
        pauseBtn.setAttribute('aria-pressed', p ? 'true' : 'false');
        setText(pauseBtn, p ? '继续轮播' : '暂停');
      }
      schedule();
    }
    var prev = box.querySelector('[data-gk-prev]');
    var next = box.querySelector('[data-gk-next]');
    if (prev) prev.addEventListener('click', function () { show(index - 1); schedule(); });
    if (next) next.addEventListener('click', function () { show(index + 1); schedule(); });
    if (pauseBtn) pauseBtn.addEventListener('click', function () { setPaused(!paused); });
    // Keyboard users reading a slide should not have it swapped away under them.
    box.addEventListener('focusin', function (e) { if (e.target.closest('[data-gk-slide]')) { clearInterval(timer); timer = null; } });
    box.addEventListener('focusout', function () { if (!paused && !timer) schedule(); });

    rotator = {
      refresh: function () { show(index); },
      resume: function () { show(0); setPaused(false); }
    };
    show(0);
    setPaused(false);
  }

  /* ---------------- on-screen pinyin-initials keypad ---------------- */

  function initKeypad() {
    var pad = doc.getElementById('initials-keypad');
    if (!pad) return;
    var input = doc.getElementById('search-q') || (pad.closest('form') && pad.closest('form').querySelector('input[name="q"]'));
    if (!input) return;
    pad.hidden = false;
    var details = pad.closest('details');
    if (details && isKiosk) details.open = true;
    pad.addEventListener('click', function (e) {
      var key = e.target.closest ? e.target.closest('button') : null;
      if (!key || !pad.contains(key)) return;
      e.preventDefault();
      var value = input.value;
      var k = key.getAttribute('data-key');
      var action = key.getAttribute('data-action');
      if (k) value += k;
      else if (action === 'delete') value = Array.from(value).slice(0, -1).join('');
      else if (action === 'clear') value = '';
      else return;
      input.value = value;
      // search.js listens for ordinary input events; the keypad behaves like typing.
      input.dispatchEvent(new Event('input', { bubbles: true }));
    });
  }

  /* ---------------- start ---------------- */

  function start() {
    run('switches', initSwitches);
    run('rotator', initRotator);
    run('status', refreshStatuses);
    run('print', initPrint);
    run('keypad', initKeypad);
    if (isKiosk) {
      run('kiosk-links', initKioskLinks);
      run('kiosk-bar', initKioskBar);
      run('idle', initIdleTimer);
    }
    run('clock', initClock);
    // A page left open for days (a kiosk) keeps its statuses right.
    setInterval(function () { run('status', refreshStatuses); run('print', fillPrintDate); }, 60000);
  }

  if (doc.readyState === 'loading') doc.addEventListener('DOMContentLoaded', start);
  else start();
})();
