// Injected by `gongkai serve` only: reloads the page after a rebuild and shows the diagnostics of
// a failed one over the last good page. Everything shown is set as text, never as HTML.
(function () {
  "use strict";
  var me = document.currentScript;
  var since = me && me.dataset.generation ? me.dataset.generation : "";
  var box = null;

  function hide() {
    if (box) {
      box.remove();
      box = null;
    }
  }

  function show(status) {
    if (!box) {
      box = document.createElement("div");
      box.id = "gongkai-overlay";
      box.setAttribute("role", "alert");
      box.style.cssText =
        "position:fixed;inset:0;z-index:2147483647;overflow:auto;margin:0;padding:24px;" +
        "background:rgba(24,24,24,.94);color:#fff;font:16px/1.5 monospace;white-space:pre-wrap";
      document.body.appendChild(box);
    }
    box.textContent = "";
    var title = document.createElement("p");
    title.style.cssText = "font-weight:bold;color:#ffb4a8;margin:0 0 16px";
    title.textContent = "网站有错误：下面是诊断信息。浏览器里显示的仍是上一次成功生成的版本，改正后页面会自动刷新。";
    var text = document.createElement("div");
    text.textContent = status.text;
    var close = document.createElement("button");
    close.type = "button";
    close.textContent = "暂时关闭";
    close.style.cssText = "margin-top:16px;font:inherit;padding:8px 16px";
    close.onclick = hide;
    box.appendChild(title);
    box.appendChild(text);
    box.appendChild(close);
  }

  function check() {
    fetch("/__gongkai/status", { cache: "no-store" })
      .then(function (r) { return r.json(); })
      .then(function (s) { if (s.ok) { hide(); } else { show(s); } })
      .catch(function () {});
  }

  var events = new EventSource("/__gongkai/events" + (since ? "?since=" + since : ""));
  events.addEventListener("reload", function () { location.reload(); });
  events.addEventListener("failed", check);
  check();
})();
