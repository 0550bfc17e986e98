/* gongkai default theme — small, dependency-free enhancements (ES2017).
 *
 * Every page is complete without this file. It only:
 *  - wires the 大字 / 高对比 switches (stored in localStorage),
 *  - recomputes 公示 status, days left and overdue from the visitor's clock
 *    (in the site's time zone), every minute, and keeps the 正在公示 lists and
 *    counts in step with it; turns a 公开目录 period still owed into 逾期未公开
 *    once its due day has passed,
 *  - fills the 打印日期,
 *  - runs kiosk mode: idle warning and return to the start screen, the rotating
 *    公示中 panel, the on-screen keypad, and links that leave the site shown as
 *    a QR code (drawn here, no third-party code) instead of being followed.
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

  /** Back to the defaults (a kiosk's next visitor); the switches follow. */
  function resetPrefs() {
    Object.keys(PREFS).forEach(function (cls) {
      root.classList.remove(cls);
      if (local) { try { local.removeItem(PREFS[cls]); } catch (e) { /* blocked */ } }
      $all('[data-gk-toggle="' + cls + '"]').forEach(function (b) { b.setAttribute('aria-pressed', 'false'); });
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
      var box = el.closest('.publicity-box');
      if (box) box.classList.toggle('is-active', s.status === 'active');
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

    /* 公开目录: a period still owed (本期中) becomes 逾期未公开 the day after its due day,
       and a missing one counts its days from the reader's day. */
    $all('[data-gk-period]').forEach(function (el) {
      var state = data(el, 'state');
      if (state === 'done') return;
      var due = dayNumber(data(el, 'due'));
      if (isNaN(due)) return;
      var badge = el.querySelector('[data-gk-period-status]');
      if (t > due) {
        el.setAttribute('data-state', 'missing');
        setStatusClass(el, 'period-', 'missing');
        if (badge) { setStatusClass(badge, 'cat-', 'missing'); setText(badge, '逾期未公开 ' + (t - due) + '天'); }
      }
    });
    $all('[data-gk-catalogue-summary]').forEach(function (box) {
      function passed(key) {
        return data(box, key).split(' ').filter(function (d) {
          var n = dayNumber(d);
          return !isNaN(n) && t > n;
        }).length;
      }
      var owed = box.querySelector('[data-gk-cat-owed]');
      var done = box.querySelector('[data-gk-cat-done]');
      var missing = box.querySelector('[data-gk-cat-missing]');
      if (!owed || !done || !missing) return;
      if (!box.hasAttribute('data-gk-base')) {
        box.setAttribute('data-gk-base', [owed.textContent, done.textContent, missing.textContent].join(' '));
      }
      var b = data(box, 'gk-base').split(' ').map(Number);
      var late = passed('dues'), closed = passed('done-dues');
      setText(owed, String(Math.max(0, b[0] - late - closed)));
      setText(done, String(Math.max(0, b[1] - closed)));
      setText(missing, String(b[2] + late));
      var alertBox = box.querySelector('[data-gk-cat-missing-box]');
      if (alertBox) alertBox.classList.toggle('stat-alert', b[2] + late > 0);
    });

    $all('[data-gk-today]').forEach(function (el) {
      if (el.getAttribute('datetime') !== iso) {
        el.setAttribute('datetime', iso);
        setText(el, zhDate(iso));
      }
    });

    refreshActiveLists();
    if (rotator) rotator.refresh();
    if (isKioskHome) run('more-slides', function () { moreSlides(iso); });
  }

  function isStillActive(container) {
    var st = container.querySelector('[data-gk-status="publicity"]');
    return !st || (st.getAttribute('data-state') || 'active') === 'active';
  }

  /* The 正在公示 list of the home page ([data-gk-active-list]) and the kiosk's
     slides ([data-gk-slide]) were chosen on the build day: ended items leave them,
     notices listed elsewhere on the page ([data-gk-may-start]) join them on their
     first day, and every [data-gk-active-count] says how many remain. */
  function refreshActiveLists() {
    $all('[data-gk-active-list]').forEach(function (box) {
      var list = box.querySelector('ul.cards');
      $all('[data-gk-may-start] .cards > li', doc).forEach(function (li) {
        if (isStillActive(li) && li.querySelector('[data-gk-status="publicity"]')) {
          if (!list) {
            list = doc.createElement('ul');
            list.className = 'cards cards-2 cards-active';
            list.setAttribute('role', 'list');
            var empty = box.querySelector('[data-gk-active-empty]');
            box.insertBefore(list, empty || null);
          }
          li.parentNode.removeChild(li);
          list.appendChild(li);
        }
      });
      var items = list ? $all(':scope > li', list) : [];
      var n = 0;
      items.forEach(function (li) {
        var on = isStillActive(li);
        li.hidden = !on;
        if (on) n++;
      });
      $all('[data-gk-active-empty]', box).forEach(function (el) { el.hidden = n > 0; });
      $all('[data-gk-active-count]', box).forEach(function (el) { setText(el, String(n)); });
      $all('[data-gk-active-counted]', box).forEach(function (el) { el.hidden = n === 0; });
    });
    var slides = $all('[data-gk-slide]');
    if (slides.length || isKioskHome) {
      var count = String(slides.filter(isStillActive).length);
      $all('[data-gk-active-count]').forEach(function (el) {
        if (!el.closest('[data-gk-active-list]')) setText(el, count);
      });
    }
  }

  /* ---------------- print date ---------------- */

  function fillPrintDate() {
    var text = zhDate(todayISO());
    if (!text) return;
    $all('[data-gk-print-date]').forEach(function (el) { setText(el, text); });
  }
  /* A notice or problem fills its one A4 sheet: when the page is laid out for print (the
     'print' media query turns on, with the sheet's width), the largest type from 12pt up at
     which the record still fits on the sheet; back to the stylesheet's size on screen. */
  var SHEET_PX = (297 - 24) * 96 / 25.4 - 12;   /* A4 less the @page margins, less a safety line */
  function fitSheet(on) {
    var a = doc.querySelector('article.record-notice, article.record-problem');
    if (!a || a.classList.contains('is-redacted')) return;
    a.style.removeProperty('font-size');
    a.style.removeProperty('width');
    if (!on) return;
    var fits = function (pt) {
      a.style.setProperty('font-size', pt + 'pt', 'important');
      return a.getBoundingClientRect().bottom + window.pageYOffset <= SHEET_PX;
    };
    /* Measured at the sheet's width (A4 less the margins), also when print media is only
       emulated in a wider window. */
    a.style.setProperty('width', '182mm');
    if (!fits(12)) a.style.removeProperty('font-size');
    else {
      var lo = 12, hi = 30;
      for (var i = 0; i < 7; i++) {
        var mid = (lo + hi) / 2;
        if (fits(mid)) lo = mid; else hi = mid;
      }
      fits(Math.floor(lo * 4) / 4);
    }
    a.style.removeProperty('width');
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
      var onChange = function (e) { if (e.matches) fillPrintDate(); fitSheet(e.matches); };
      if (mq.addEventListener) mq.addEventListener('change', onChange);
      else if (mq.addListener) mq.addListener(onChange);
    }
  }

  /* ---------------- wide tables ---------------- */
  /* A table wider than its region gets a "左右滑动查看" line above it (the shadows at its
     edges are CSS alone); checked again when the window changes size. */
  function initTableHints() {
    var boxes = $all('.table-scroll');
    if (!boxes.length) return;
    var check = function () {
      boxes.forEach(function (box) {
        var hint = box.previousElementSibling;
        if (!hint || !hint.classList.contains('table-scroll-hint')) {
          hint = doc.createElement('p');
          hint.className = 'table-scroll-hint';
          hint.setAttribute('aria-hidden', 'true');
          hint.textContent = '← 表格较宽，左右滑动查看 →';
          box.parentNode.insertBefore(hint, box);
        }
        hint.classList.toggle('is-shown', box.scrollWidth > box.clientWidth + 2);
      });
    };
    check();
    window.addEventListener('resize', check);
  }

  /* ---------------- 朗读 (read aloud) ---------------- */
  /* The browser's own speech synthesis, in Chinese: shown only once a Chinese voice is known
     (voices may arrive later, with 'voiceschanged'). The text is cut at sentence ends, since
     long utterances stop early in some browsers. Nothing is fetched. */
  var READ_SKIP = '.read-aloud, .print-footer, .print-only, .tag-list, .breadcrumbs, [hidden], [aria-hidden="true"], script, style, svg, .visually-hidden';
  function readableText(root) {
    var parts = [];
    var walk = function (el) {
      for (var n = el.firstChild; n; n = n.nextSibling) {
        if (n.nodeType === 3) parts.push(n.nodeValue);
        else if (n.nodeType === 1 && !n.matches(READ_SKIP)) {
          var block = /^(P|LI|H[1-6]|DT|DD|TR|DIV|SECTION|HEADER|FIGCAPTION|BLOCKQUOTE)$/.test(n.tagName);
          walk(n);
          if (block) parts.push('\n');
        }
      }
    };
    walk(root);
    return parts.join('').replace(/[ \t\u00a0]+/g, ' ').replace(/\s*\n\s*/g, '\n').trim();
  }
  function sentences(text) {
    var out = [];
    text.replace(/([。！？；\n!?;])/g, '$1\u0000').split('\u0000').forEach(function (s) {
      s = s.trim();
      while (s.length > 180) { out.push(s.slice(0, 180)); s = s.slice(180); }
      if (s) out.push(s);
    });
    return out;
  }
  function chineseVoice(synth) {
    var voices = synth.getVoices() || [];
    for (var i = 0; i < voices.length; i++) {
      if (/^(zh|cmn)([-_]|$)/i.test(voices[i].lang || '')) return voices[i];
    }
    return null;
  }
  function initReadAloud() {
    var boxes = $all('[data-gk-read]');
    var synth = window.speechSynthesis;
    if (!boxes.length || !synth || typeof window.SpeechSynthesisUtterance !== 'function') return;
    /* The page carries an empty box: its buttons are made here, where they can work. */
    var button = function (cls, attr, text) {
      var b = doc.createElement('button');
      b.type = 'button';
      b.className = 'button ' + cls;
      b.setAttribute(attr, '');
      b.textContent = text;
      return b;
    };
    boxes.forEach(function (box) {
      if (box.querySelector('[data-gk-read-play]')) return;
      var p = button('read-play', 'data-gk-read-play', '朗读');
      p.setAttribute('aria-pressed', 'false');
      var s = button('read-stop', 'data-gk-read-stop', '停止');
      s.disabled = true;
      box.appendChild(p);
      box.appendChild(s);
    });
    var state = 'idle';   /* idle | speaking | paused */
    var play, stop;
    var show = function (voice) {
      boxes.forEach(function (box) {
        box.hidden = !voice;
        play = box.querySelector('[data-gk-read-play]');
        stop = box.querySelector('[data-gk-read-stop]');
      });
    };
    var render = function () {
      if (!play) return;
      setText(play, state === 'speaking' ? '暂停' : state === 'paused' ? '继续' : '朗读');
      play.setAttribute('aria-pressed', state === 'speaking' ? 'true' : 'false');
      stop.disabled = state === 'idle';
    };
    var finish = function () { state = 'idle'; render(); };
    var speak = function (box) {
      var root = doc.querySelector(box.getAttribute('data-gk-read')) || doc.querySelector('main');
      var voice = chineseVoice(synth);
      var queue = sentences(readableText(root));
      if (!voice || !queue.length) return;
      synth.cancel();
      state = 'speaking';
      queue.forEach(function (text, i) {
        var u = new window.SpeechSynthesisUtterance(text);
        u.lang = voice.lang || 'zh-CN';
        u.voice = voice;
        u.rate = 0.9;
        if (i === queue.length - 1) u.onend = finish;
        u.onerror = function (e) { if (!e || e.error !== 'interrupted') finish(); };
        synth.speak(u);
      });
      render();
    };
    var check = function () { show(chineseVoice(synth)); };
    check();
    if (synth.addEventListener) synth.addEventListener('voiceschanged', check);
    boxes.forEach(function (box) {
      box.querySelector('[data-gk-read-play]').addEventListener('click', function () {
        if (state === 'speaking') { synth.pause(); state = 'paused'; render(); }
        else if (state === 'paused') { synth.resume(); state = 'speaking'; render(); }
        else speak(box);
      });
      box.querySelector('[data-gk-read-stop]').addEventListener('click', function () { synth.cancel(); finish(); });
    });
    /* Leaving the page (or the kiosk's idle return) stops the voice. */
    window.addEventListener('pagehide', function () { synth.cancel(); });
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
      '<div class="gk-dialog gk-dialog-' + (opts.kind || 'note') + '" role="' + (opts.role || 'alertdialog') + '" aria-modal="true" aria-labelledby="' + id + '-t" aria-describedby="' + id + '-d">' +
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

  /* ---------------- QR codes ----------------
   * Made at build time: a link that leaves the site carries data-qr, the address of
   * an SVG of its QR code on this site. A link without one shows its URL only. */

  function qrImage(a, href) {
    var src = a.getAttribute('data-qr');
    if (!src) return null;
    var img = doc.createElement('img');
    img.className = 'gk-qr';
    img.src = src;
    img.alt = '二维码：' + href;
    return img;
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
        var body = [para('触摸屏不能打开其他网站。请用手机扫描下面的二维码，或记下网址：')];
        var code = qrImage(a, url.href);
        if (code) {
          var box = doc.createElement('div');
          box.className = 'gk-qr-box';
          box.appendChild(code);
          body.push(box);
        }
        body.push(para(url.href, 'gk-url'));
        showDialog({ kind: 'external', role: 'dialog', title: '这是本站以外的网址', body: body, button: '返回' });
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
    /* The bar is made here (pages carry none), unless the theme wrote its own. */
    if (!doc.querySelector('.kiosk-bar')) {
      var bar = doc.createElement('nav');
      bar.className = 'kiosk-bar';
      bar.setAttribute('aria-label', '触摸屏导航');
      var back = doc.createElement('button');
      back.type = 'button';
      back.className = 'kiosk-bar-button';
      back.setAttribute('data-gk-back', '');
      back.textContent = '‹ 返回';
      var home = doc.createElement('a');
      home.className = 'kiosk-bar-button';
      home.href = kioskHome;
      home.textContent = '回到首页';
      bar.appendChild(back);
      bar.appendChild(home);
      doc.body.appendChild(bar);
    }
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
    var idleReset = false;
    function activity() {
      if (!warning) { last = Date.now(); idleReset = false; }
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
          dailyReload(idleFor);
          if (idleFor >= settings.idle && !idleReset) {
            idleReset = true;
            closeDialog();
            resetPrefs();
            if (window.scrollY > 0) window.scrollTo(0, 0);
            if (doc.activeElement && doc.activeElement.blur) doc.activeElement.blur();
            if (rotator) rotator.resume();
          }
          return;
        }
        var remaining = Math.ceil(settings.idle - idleFor);
        if (remaining <= 0) {
          // The next visitor starts afresh: default settings, and 返回 cannot lead
          // back into this visitor's pages.
          resetPrefs();
          location.replace(kioskHome);
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
    var controls = box.querySelector('[data-gk-rotator-controls]');
    var pos = box.querySelector('[data-gk-rotator-pos]');
    var pauseBtn = box.querySelector('[data-gk-pause]');
    var empty = box.querySelector('[data-gk-rotator-empty]');
    var live = box.querySelector('[data-gk-slides]');
    var current = null;                     // the slide on screen, so added slides never move it
    var paused = false;
    var timer = null;

    // Slides can be added later (notices whose 公示期 began after the build).
    function visible() { return $all('[data-gk-slide]', box).filter(isStillActive); }
    function show(step) {
      var list = visible();
      var all = $all('[data-gk-slide]', box);
      if (empty) empty.hidden = list.length > 0;
      var index = list.indexOf(current);
      if (index === -1) { index = 0; step = 0; }  // the one on screen has ended: start again
      if (list.length) index = ((index + step) % list.length + list.length) % list.length;
      current = list[index] || null;
      all.forEach(function (s) { s.hidden = s !== current; });
      if (controls) controls.hidden = list.length < 2;
      box.classList.toggle('is-rotating', list.length > 1);
      if (pos) setText(pos, list.length ? (index + 1) + ' / ' + list.length : '');
    }
    function schedule() {
      clearInterval(timer);
      timer = null;
      if (!paused) timer = setInterval(function () { run('rotate', function () { show(1); }); }, settings.rotate * 1000);
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
    if (prev) prev.addEventListener('click', function () { show(-1); schedule(); });
    if (next) next.addEventListener('click', function () { show(1); schedule(); });
    if (pauseBtn) pauseBtn.addEventListener('click', function () { setPaused(!paused); });
    // Keyboard users reading a slide should not have it swapped away under them.
    box.addEventListener('focusin', function (e) { if (e.target.closest('[data-gk-slide]')) { clearInterval(timer); timer = null; } });
    box.addEventListener('focusout', function () { if (!paused && !timer) schedule(); });

    rotator = {
      box: box,
      refresh: function () { show(0); },
      resume: function () { current = visible()[0] || null; show(0); setPaused(false); }
    };
    show(0);
    setPaused(false);
  }

  /* The start screen only lists the notices that were 公示中 on the build day. When
     the visitor's day is another, data/notices.json (the site's own open data) tells
     which notices are in their 公示期 now; those missing become slides too. */
  var slidesDay = '';
  function moreSlides(iso) {
    if (!rotator || iso === settings.today || iso === slidesDay || !window.fetch) return;
    slidesDay = iso;
    fetch(settings.root.replace(/\/?$/, '/') + 'data/notices.json', { cache: 'no-store' })
      .then(function (r) { return r.ok ? r.json() : []; })
      .then(function (list) {
        run('more-slides', function () { addSlides(list); });
      })
      .catch(function () { /* offline: the page's own slides stay */ });
  }
  function addSlides(list) {
    var box = rotator.box;
    var holder = box.querySelector('[data-gk-slides]');
    if (!holder || !Array.isArray(list)) return;
    var have = {};
    $all('[data-gk-slide] a[href]', box).forEach(function (a) {
      have[new URL(a.getAttribute('href'), location.href).pathname] = true;
    });
    var t = dayNumber(todayISO());
    list.forEach(function (n) {
      if (!n || !n.publicity || n.status === 'withdrawn' || !n.url) return;
      var path = siteUrlFor(n.url) || n.url;
      try { path = new URL(path, location.href).pathname; } catch (e) { return; }
      if (have[path]) return;
      var probe = doc.createElement('span');
      probe.setAttribute('data-start', n.publicity.start);
      probe.setAttribute('data-end', n.publicity.end);
      probe.setAttribute('data-withdrawn', '');
      var st = publicityState(probe, t);
      if (!st || st.status !== 'active') return;
      have[path] = true;
      holder.appendChild(slideFor(n, path));
    });
    refreshStatuses();
  }
  function make(tag, cls, text) {
    var e = doc.createElement(tag);
    if (cls) e.className = cls;
    if (text) e.textContent = text;
    return e;
  }
  function slideFor(n, path) {
    var id = 'slide-x-' + path.replace(/[^a-z0-9]+/gi, '-');
    var art = make('article', 'slide');
    art.setAttribute('data-gk-slide', '');
    art.setAttribute('aria-labelledby', id + '-h');
    art.hidden = true;
    var labels = make('p', 'card-labels');
    if (n.kind_label) labels.appendChild(make('span', 'chip', n.kind_label));
    if (n.category) labels.appendChild(make('span', 'chip chip-plain', n.category));
    art.appendChild(labels);
    var h = make('h3', 'slide-title', n.title);
    h.id = id + '-h';
    art.appendChild(h);
    var status = make('p', 'slide-status');
    var badge = make('span', 'badge', '公示中');
    var days = make('span', 'days');
    [badge, days].forEach(function (x) {
      x.setAttribute('data-start', n.publicity.start);
      x.setAttribute('data-end', n.publicity.end);
      x.setAttribute('data-withdrawn', '');
    });
    badge.setAttribute('data-gk-status', 'publicity');
    days.setAttribute('data-gk-days', 'publicity');
    status.appendChild(badge);
    status.appendChild(doc.createTextNode(' '));
    status.appendChild(days);
    art.appendChild(status);
    var period = make('p', 'slide-period');
    period.appendChild(make('span', 'muted', '公示期：'));
    period.appendChild(doc.createTextNode(zhDate(n.publicity.start) + ' 至 ' + zhDate(n.publicity.end)));
    art.appendChild(period);
    var more = make('p');
    var a = make('a', 'button button-primary button-big', '查看详情');
    a.href = path + '?kiosk=1';
    a.appendChild(make('span', 'visually-hidden', '：' + n.title));
    more.appendChild(a);
    art.appendChild(more);
    return art;
  }

  /* A start screen left on for days reloads itself once a day while nobody uses it,
     so a rebuilt site shows up; only when the server answers, so an offline moment
     never leaves an error page on the screen. */
  var loadedDay = '';
  function dailyReload(idleForSeconds) {
    var iso = todayISO();
    if (iso === loadedDay || idleForSeconds < settings.idle || !window.fetch) return;
    loadedDay = iso;
    fetch(location.href, { cache: 'no-store' })
      .then(function (r) { if (r.ok) location.reload(); })
      .catch(function () { /* try again tomorrow */ });
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
    run('tables', initTableHints);
    run('read-aloud', initReadAloud);
    run('keypad', initKeypad);
    if (isKiosk) {
      loadedDay = todayISO();
      run('kiosk-links', initKioskLinks);
      run('kiosk-bar', initKioskBar);
      run('idle', initIdleTimer);
    }
    run('clock', initClock);
    // A page left open for days (a kiosk) keeps its statuses right.
    setInterval(function () { run('status', refreshStatuses); run('print', fillPrintDate); }, 60000);
  }

  // For the theme's browser tests and for a site's own scripts: the QR encoder and a
  // way to recompute the statuses now.
  window.gongkai = { refresh: function () { run('status', refreshStatuses); } };

  if (doc.readyState === 'loading') doc.addEventListener('DOMContentLoaded', start);
  else start();
})();
