/*
 * 职教升学助手 embeddable chat widget for the Rasa REST channel.
 *
 * Hand-written, dependency-free, served as-is (no build step). Embedding:
 *   <script src="https://…/widget.js" data-server="https://bot.example"
 *           data-title="职教升学助手" data-school="qingcheng-zhiye"
 *           data-school-name="青城职业技术学校"
 *           data-color="#1a73e8" async></script>
 *
 * Safety rules this file keeps:
 *  - Message text only ever reaches the DOM through textContent / text nodes;
 *    links are <a> elements built with DOM APIs, and only for http(s) URLs.
 *  - Everything lives in one shadow root whose :host resets inherited styles,
 *    so school-site CSS cannot reach in and ours cannot leak out.
 *  - Sizes are in px, never rem: rem follows the host page's root font size.
 *  - One global, window.ZhijiaoWidget.
 * Syntax is kept to ES2017 because many school computers run older
 * Chromium-based browsers (360, QQ) that lack ?. and ??.
 */
(function () {
  "use strict";

  if (window.ZhijiaoWidget) return; // the snippet was pasted twice

  var MAX_CHARS = 500;
  var HISTORY_LIMIT = 100;
  var REQUEST_TIMEOUT_MS = 30000;
  var RETRY_MIN_MS = 1000;
  var RETRY_MAX_MS = 15000;
  var DEFAULT_COLOR = "#1a73e8";
  var DEFAULT_TITLE = "职教升学助手";

  // All Chinese wording of the widget in one place.
  var TEXT = {
    openLabel: "打开在线咨询：",
    closeLabel: "关闭对话窗口",
    resetLabel: "清空对话记录，开始新对话",
    logLabel: "对话记录",
    inputLabel: "输入你的问题",
    placeholder: "输入问题，按 Enter 发送",
    send: "发送",
    you: "我",
    bot: "助手",
    welcome: function (title, school) {
      return "你好！我是" + (school ? school + "的" : "") + title +
        "，可以解答内蒙古职业教育升学的问题，比如 3+2、单招、对口升学和资助政策。\n" +
        "请不要在对话中填写身份证号、手机号等个人信息。";
    },
    suggestionsLabel: "推荐问题",
    suggestions: ["3+2是什么？", "单招考什么？", "我家能享受哪些资助？"],
    repliesLabel: "快捷回复",
    typing: "助手正在输入…",
    reconnecting: "连接中断，正在重连…",
    retryNow: "立即重试",
    pending: "等待发送",
    tooLong: function (n) { return "消息不能超过 " + n + " 字，请精简后再发送。"; },
    emptyReply: "（助手暂时没有回答，请换个问法试试。）",
    failed: function (status) { return "抱歉，消息发送失败（错误 " + status + "）。请稍后再试。"; },
    badServer: "聊天服务地址配置有误，请联系学校网站管理员。",
    image: "图片：",
    // The folded 来源 lines of an answer on a phone, with how many sources.
    sources: function (n) { return n ? "来源（" + n + "）" : "来源"; },
  };

  // ---------------------------------------------------------------- config

  var script = document.currentScript ||
    document.querySelector("script[data-server][src*='widget.js']");

  function readConfig(el) {
    var data = (el && el.dataset) || {};
    return {
      server: normaliseServer(data.server),
      title: clip(data.title, 30) || DEFAULT_TITLE,
      school: clip(data.school, 60),
      // Shown in the header and the welcome; data-school (a console school's id, sent
      // with each message) is shown when there is no name, as older snippets had it.
      schoolName: clip(data.schoolName || data.school, 60),
      color: /^#[0-9a-f]{6}$/i.test(data.color || "") ? data.color : DEFAULT_COLOR,
    };
  }

  function clip(value, max) {
    return Array.from(String(value || "").trim()).slice(0, max).join("");
  }

  function normaliseServer(value) {
    try {
      var url = new URL(String(value || ""), document.baseURI);
      if (url.protocol !== "http:" && url.protocol !== "https:") return null;
      return url.origin + url.pathname.replace(/\/+$/, "");
    } catch (e) {
      return null;
    }
  }

  function httpUrl(candidate) {
    try {
      var url = new URL(candidate);
      return url.protocol === "http:" || url.protocol === "https:" ? url.href : null;
    } catch (e) {
      return null;
    }
  }

  // Readable text colour for the brand colour (WCAG relative luminance).
  function textOn(hex) {
    var channels = [1, 3, 5].map(function (i) {
      var c = parseInt(hex.substr(i, 2), 16) / 255;
      return c <= 0.03928 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4);
    });
    var luminance = 0.2126 * channels[0] + 0.7152 * channels[1] + 0.0722 * channels[2];
    return luminance > 0.4 ? "#1f1f1f" : "#ffffff";
  }

  // --------------------------------------------------------------- storage

  // localStorage can be missing or throw (privacy modes, full quota); the
  // widget then keeps the conversation in memory only.
  function makeStore(key) {
    var memory = null;
    return {
      load: function () {
        try {
          var raw = window.localStorage.getItem(key);
          if (raw) return JSON.parse(raw);
        } catch (e) { /* fall through */ }
        return memory;
      },
      save: function (value) {
        memory = value;
        try { window.localStorage.setItem(key, JSON.stringify(value)); } catch (e) { /* memory only */ }
      },
    };
  }

  // The bot server issues conversation ids (it refuses ids it did not issue); a
  // conversation without one yet asks for one before its first message.
  function validConversationId(value) {
    return typeof value === "string" && /^[A-Za-z0-9._-]{1,128}$/.test(value) ? value : null;
  }

  function validButtons(buttons) {
    return (Array.isArray(buttons) ? buttons : []).filter(function (b) {
      return b && typeof b.title === "string" && typeof b.payload === "string";
    }).slice(0, 10).map(function (b) { return { title: b.title, payload: b.payload }; });
  }

  // Stored data is re-checked: another script on the school's origin, or an
  // older widget version, may have written something else under our key.
  function loadConversation(store) {
    var saved = store.load();
    if (!saved || !Array.isArray(saved.messages)) {
      return { senderId: null, messages: [] };
    }
    var messages = saved.messages.filter(function (m) {
      return m && typeof m.text === "string" && (m.from === "user" || m.from === "bot" || m.from === "notice") &&
        (m.from !== "user" || typeof m.payload === "string");
    }).map(function (m) {
      var message = { from: m.from, text: m.text };
      if (m.from === "user") { message.payload = m.payload; if (m.pending) message.pending = true; }
      var buttons = validButtons(m.buttons);
      if (m.from === "bot" && buttons.length) message.buttons = buttons;
      return message;
    });
    return { senderId: validConversationId(saved.senderId), messages: messages.slice(-HISTORY_LIMIT) };
  }

  // ------------------------------------------------------------------- DOM

  function h(tag, attrs, children) {
    var el = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) {
      var value = attrs[name];
      if (value === null || value === undefined || value === false) return;
      if (name === "text") el.textContent = value;
      else if (name === "class") el.className = value;
      else if (name.indexOf("on") === 0) el.addEventListener(name.slice(2), value);
      else el.setAttribute(name, value === true ? "" : String(value));
    });
    (children || []).forEach(function (child) {
      if (child) el.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    });
    return el;
  }

  // Element.replaceChildren is too new for older Chromium-based browsers.
  function setChildren(el, nodes) {
    while (el.firstChild) el.removeChild(el.firstChild);
    nodes.forEach(function (node) { if (node) el.appendChild(node); });
  }

  function icon(pathData) {
    var ns = "http://www.w3.org/2000/svg";
    var svg = document.createElementNS(ns, "svg");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("focusable", "false");
    var path = document.createElementNS(ns, "path");
    path.setAttribute("d", pathData);
    svg.appendChild(path);
    return svg;
  }

  var ICON_CHAT = "M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H8l-4 4V6a2 2 0 0 1 2-2z";
  var ICON_CLOSE = "M6.4 5 12 10.6 17.6 5 19 6.4 13.4 12 19 17.6 17.6 19 12 13.4 6.4 19 5 17.6 10.6 12 5 6.4z";
  var ICON_SEND = "M3 20.5 21 12 3 3.5v6.6L15 12 3 13.9z";
  var ICON_RESET = "M12 5V2L7 6l5 4V7a5 5 0 1 1-5 5H5a7 7 0 1 0 7-7z";

  // Bot text to DOM: http(s) and www. addresses become links, everything else
  // text nodes. A www. address is linked over https, as the sites the bot
  // names (www.nm.zsks.cn, …) serve it.
  var URL_PATTERN = /(?:https?:\/\/|www\.)[^\s<>"'`，。！？；：、（）【】《》「」]+/gi;
  var URL_TRAILING = /[.,;:!?)\]}'"]+$/;
  var WWW_HOST = /^www\.[a-z0-9-]+(\.[a-z0-9-]+)+/i;
  var WORD_BEFORE = /[a-z0-9@.\/:_-]/i; // "xwww.a.cn", "a@www.b.cn": not an address of its own

  function linkTarget(candidate, before) {
    if (!/^www\./i.test(candidate)) return httpUrl(candidate);
    if (WORD_BEFORE.test(before) || !WWW_HOST.test(candidate)) return null;
    return httpUrl("https://" + candidate);
  }

  function linkify(text) {
    var fragment = document.createDocumentFragment();
    var last = 0;
    text.replace(URL_PATTERN, function (match, offset) {
      var candidate = match.replace(URL_TRAILING, "");
      var href = linkTarget(candidate, text.charAt(offset - 1));
      if (!href) return match;
      fragment.appendChild(document.createTextNode(text.slice(last, offset)));
      fragment.appendChild(h("a", { href: href, target: "_blank", rel: "noopener noreferrer", text: candidate }));
      last = offset + candidate.length;
      return match;
    });
    fragment.appendChild(document.createTextNode(text.slice(last)));
    return fragment;
  }

  // Replies are short lines and "·" lists. Each line is a block of its own so
  // that a list item wraps under its text, not under its bullet.
  var SOURCE_LINE = /^\s*来源[：:]/;
  var LIST_MARK = /^(?:([·•・]|[-*](?=\s)|\d{1,2}[.、)）](?!\d)|[（(]\d{1,2}[）)])\s*)/;
  var INDENT = /^\s+(?=\S)/;

  function lineBlock(line) {
    if (!line.trim()) return h("div", { class: "gap" });
    var mark = LIST_MARK.exec(line);
    if (mark) {
      return h("div", { class: "item" }, [
        // A bullet is decoration; a number is part of what is said.
        h("span", { class: "mark", text: mark[1], "aria-hidden": /\d/.test(mark[1]) ? null : "true" }),
        h("span", { class: "item-text" }, [linkify(line.slice(mark[0].length))]),
      ]);
    }
    var indent = INDENT.exec(line);
    if (indent) return h("div", { class: "more" }, [linkify(line.slice(indent[0].length))]);
    if (/^【[^】]+】$/.test(line.trim())) return h("div", { class: "section", text: line.trim() });
    return h("div", null, [linkify(line)]);
  }

  // Where the answer's closing "来源：" lines start (list lines under them
  // belong to them), or -1 when the reply does not end with sources.
  function sourcesStart(lines) {
    var start = -1;
    for (var i = lines.length - 1; i >= 0; i--) {
      if (SOURCE_LINE.test(lines[i])) start = i;
      else if (lines[i].trim() && !LIST_MARK.test(lines[i]) && !INDENT.test(lines[i])) break;
    }
    return start;
  }

  // Sources are "《title》，issuer，number，date" joined by "；"; a title may
  // itself hold "；" or a nested 《》, so on a line with titles the top-level
  // titles are counted, on other lines the "；"-separated parts.
  function countSources(lines) {
    return lines.reduce(function (total, line) {
      var depth = 0, titles = 0, parts = 0, inPart = false;
      Array.from(line.replace(SOURCE_LINE, "")).forEach(function (ch) {
        if (ch === "《") { if (!depth) titles++; depth++; }
        else if (ch === "》") depth = Math.max(0, depth - 1);
        if (!depth && /[；;]/.test(ch)) { inPart = false; return; }
        if (!inPart && ch.trim()) { parts++; inPart = true; }
      });
      return total + (titles || parts);
    }, 0);
  }

  var sourceIds = 0;

  // A footnote on wide screens; on phones one tappable line that unfolds
  // (CSS decides which, from the button's aria-expanded).
  function sourceBlock(lines) {
    var id = "zw-source-" + (++sourceIds);
    var text = h("div", { class: "source-text", id: id }, lines.map(lineBlock));
    var chevron = h("span", { "aria-hidden": "true", text: "▸" });
    var toggle = h("button", {
      class: "source-toggle", type: "button", "aria-expanded": "false", "aria-controls": id,
      onclick: function () {
        var open = toggle.getAttribute("aria-expanded") !== "true";
        toggle.setAttribute("aria-expanded", String(open));
        chevron.textContent = open ? "▾" : "▸";
        if (open) revealSources(toggle);
      },
    }, [TEXT.sources(countSources(lines)), chevron]);
    return h("div", { class: "source" }, [toggle, text]);
  }

  // Sources unfolded at the bottom of the view are scrolled into it, with
  // the end of their bubble, but the tapped line is not pushed out at the top.
  function revealSources(toggle) {
    var scroller = toggle.closest(".scroll");
    var bubble = toggle.closest(".msg");
    if (!scroller || !bubble) return;
    var view = scroller.getBoundingClientRect();
    var margin = 12; // the list's own padding below the last bubble
    var overflow = bubble.getBoundingClientRect().bottom + margin - view.bottom;
    var room = toggle.getBoundingClientRect().top - view.top;
    if (overflow > 0) scroller.scrollTop += Math.min(overflow, Math.max(0, room));
  }

  function botBody(text) {
    var lines = text.replace(/\s+$/, "").split("\n");
    var at = sourcesStart(lines);
    var main = at < 0 ? lines : lines.slice(0, at);
    while (main.length && !main[main.length - 1].trim()) main.pop();
    var parts = [h("div", { class: "text" }, main.map(lineBlock))];
    if (at >= 0) parts.push(sourceBlock(lines.slice(at).filter(function (line) { return line.trim(); })));
    return parts;
  }

  // ------------------------------------------------------------------- CSS

  function stylesheet(color) {
    return [
      ":host{all:initial!important;display:block!important;position:static!important;" +
        "--zw-brand:" + color + ";--zw-on-brand:" + textOn(color) + "}",
      "[hidden]{display:none!important}",
      ".root{font-family:-apple-system,BlinkMacSystemFont,'PingFang SC','Hiragino Sans GB','Microsoft YaHei'," +
        "'Noto Sans CJK SC','Source Han Sans SC','WenQuanYi Micro Hei',sans-serif;font-size:14px;" +
        "line-height:1.5;color:#1f1f1f;text-align:left;direction:ltr;-webkit-text-size-adjust:100%}",
      ".root *,.root *::before,.root *::after{box-sizing:border-box}",
      "button,textarea{font:inherit;color:inherit;margin:0}",
      "button{cursor:pointer}",
      ":focus-visible{outline:3px solid #f9ab00;outline-offset:2px}",
      ".sr-only{position:absolute;width:1px;height:1px;margin:-1px;padding:0;overflow:hidden;" +
        "clip:rect(0 0 0 0);white-space:nowrap;border:0}",
      "svg{width:24px;height:24px;fill:currentColor;display:block}",
      ".launcher{position:fixed;right:20px;bottom:20px;z-index:2147483000;width:56px;height:56px;" +
        "border:0;border-radius:50%;padding:16px;background:var(--zw-brand);color:var(--zw-on-brand);" +
        "box-shadow:0 4px 14px rgba(0,0,0,.28)}",
      ".launcher svg{width:24px;height:24px}",
      ".panel{position:fixed;right:20px;bottom:88px;z-index:2147483000;width:380px;height:600px;" +
        "max-height:calc(100vh - 108px);display:flex;flex-direction:column;background:#fff;" +
        "border-radius:12px;overflow:hidden;box-shadow:0 8px 30px rgba(0,0,0,.25)}",
      ".header{display:flex;align-items:center;gap:4px;padding:10px 8px 10px 16px;" +
        "background:var(--zw-brand);color:var(--zw-on-brand)}",
      ".heading{flex:1;min-width:0}",
      ".title{font-size:16px;font-weight:600;margin:0;line-height:1.3;overflow:hidden;" +
        "text-overflow:ellipsis;white-space:nowrap}",
      ".school{font-size:12px;opacity:.9;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}",
      ".icon-button{background:transparent;border:0;border-radius:6px;width:36px;height:36px;" +
        "padding:6px;color:inherit;flex:none}",
      ".icon-button:hover{background:rgba(127,127,127,.25)}",
      ".icon-button svg{width:24px;height:24px}",
      ".status{display:flex;align-items:center;gap:8px;padding:6px 12px;background:#fef7e0;" +
        "color:#5f4300;font-size:13px;border-bottom:1px solid #f3e3a8}",
      ".status span{flex:1}",
      ".status button{background:#fff;border:1px solid #c9a227;border-radius:14px;padding:2px 10px;font-size:12px}",
      ".scroll{flex:1;overflow-y:auto;padding:12px;background:#f5f7fa;overscroll-behavior:contain}",
      ".log{display:flex;flex-direction:column;gap:8px}",
      ".msg{max-width:85%;padding:8px 12px;border-radius:12px;word-wrap:break-word;overflow-wrap:anywhere}",
      ".msg .text,.source-text,.msg.user{white-space:pre-wrap}",
      // Lines of a reply: "·" items hang under their text; "  还需要：…" lines sit under an item.
      ".item{display:flex;gap:2px}",
      ".mark{flex:none;min-width:1em}",
      ".item-text{flex:1;min-width:0}",
      ".item+.item,.more+.item{margin-top:4px}",
      ".more{padding-left:1em}",
      ".section{font-weight:600;margin-top:6px}",
      ".section:first-child{margin-top:0}",
      ".gap{height:.5em}",
      ".msg.bot{align-self:flex-start;background:#fff;border:1px solid #e3e7ee;border-bottom-left-radius:4px}",
      ".msg.user{align-self:flex-end;background:var(--zw-brand);color:var(--zw-on-brand);border-bottom-right-radius:4px}",
      ".msg.user.pending{opacity:.7}",
      // "Waiting to send" only matters once the connection is down.
      ".msg .state{display:none;font-size:11px;opacity:.85;margin-top:2px;text-align:right}",
      ".root.offline .msg .state{display:block}",
      ".msg.notice{align-self:center;background:#fce8e6;color:#a50e0e;font-size:13px}",
      ".msg a{color:#0b57d0;text-decoration:underline}",
      // Sources are secondary: small and grey; on phones folded behind one line (below).
      ".source{margin-top:6px;padding-top:6px;border-top:1px dashed #d5dae3;font-size:12px;" +
        "line-height:1.45;color:#5f6368}",
      ".source a{color:#3c5a99}",
      ".source-toggle{display:none;align-items:center;gap:4px;min-height:32px;padding:4px 10px 4px 0;" +
        "background:transparent;border:0;font-size:12px;color:#5f6368;-webkit-tap-highlight-color:transparent}",
      ".typing{display:flex;gap:4px;align-items:center;align-self:flex-start;margin-top:8px;" +
        "padding:10px 12px;background:#fff;border:1px solid #e3e7ee;border-radius:12px;width:max-content}",
      ".typing i{width:6px;height:6px;border-radius:50%;background:#9aa0a6;display:block}",
      "@media (prefers-reduced-motion:no-preference){.typing i{animation:zw-blink 1.2s infinite}" +
        ".typing i:nth-child(2){animation-delay:.2s}.typing i:nth-child(3){animation-delay:.4s}}",
      "@keyframes zw-blink{0%,80%,100%{opacity:.3}40%{opacity:1}}",
      ".replies{display:flex;flex-wrap:wrap;gap:6px;margin-top:10px}",
      ".reply{background:#fff;border:1px solid var(--zw-brand);color:#1f1f1f;border-radius:16px;" +
        "padding:5px 12px;font-size:13px;line-height:1.4;text-align:left}",
      ".reply:hover{background:#eef3fd}",
      ".composer{border-top:1px solid #e3e7ee;padding:8px 10px 6px;background:#fff}",
      ".row{display:flex;align-items:flex-end;gap:6px}",
      // 16px stops iOS Safari from zooming the page when the input gets focus.
      "textarea{flex:1;resize:none;border:1px solid #c4c9d2;border-radius:8px;padding:7px 10px;" +
        "font-size:16px;line-height:1.4;height:38px;max-height:120px;background:#fff;min-width:0}",
      "textarea:focus-visible{outline:2px solid var(--zw-brand);outline-offset:0}",
      "textarea[aria-invalid=true]{border-color:#d93025}",
      ".send{flex:none;width:40px;height:38px;border:0;border-radius:8px;padding:7px 8px;" +
        "background:var(--zw-brand);color:var(--zw-on-brand)}",
      ".send:disabled{opacity:.45;cursor:default}",
      ".meta{display:flex;justify-content:space-between;gap:8px;font-size:12px;color:#5f6368;margin-top:4px;min-height:18px}",
      ".hint{color:#d93025}",
      ".counter{margin-left:auto;font-variant-numeric:tabular-nums}",
      ".counter.over{color:#d93025;font-weight:600}",
      // Narrow phones: the panel takes the whole screen.
      "@media (max-width:480px){.panel{top:0;right:0;bottom:0;left:0;width:100%;height:100%;" +
        "max-height:none;border-radius:0}.root.open .launcher{display:none}" +
        ".msg{max-width:92%}.reply{min-height:36px;padding:6px 14px;font-size:14px}" +
        ".source-toggle{display:inline-flex}.source-toggle[aria-expanded=false]+.source-text{display:none}}",
    ].join("\n");
  }

  function adoptStyles(shadow, css) {
    // Constructable sheets are not blocked by a host page's CSP style-src,
    // which a <style> element would be on sites without 'unsafe-inline'.
    if ("adoptedStyleSheets" in shadow && typeof CSSStyleSheet === "function") {
      try {
        var sheet = new CSSStyleSheet();
        sheet.replaceSync(css);
        shadow.adoptedStyleSheets = [sheet];
        return;
      } catch (e) { /* older engines: fall back */ }
    }
    shadow.appendChild(h("style", { text: css }));
  }

  // ---------------------------------------------------------------- widget

  function Widget(config) {
    this.config = config;
    this.store = makeStore("zhijiao-widget:v1:" + (config.server || "unconfigured"));
    this.conversation = loadConversation(this.store);
    this.inFlight = false;
    this.retryTimer = null;
    this.retryDelay = 0;
  }

  Widget.prototype.mount = function () {
    var self = this;
    var c = this.config;
    var host = document.createElement("zhijiao-widget");
    var shadow = host.attachShadow({ mode: "open" });
    adoptStyles(shadow, stylesheet(c.color));

    this.launcher = h("button", {
      class: "launcher", type: "button", "aria-label": TEXT.openLabel + c.title,
      "aria-expanded": "false", "aria-controls": "zw-panel", onclick: function () { self.toggle(); },
    }, [icon(ICON_CHAT)]);

    this.log = h("div", { class: "log", role: "log", "aria-live": "polite", "aria-label": TEXT.logLabel });
    this.typing = h("div", { class: "typing", role: "status", hidden: true }, [
      h("span", { class: "sr-only", text: TEXT.typing }), h("i"), h("i"), h("i"),
    ]);
    this.replies = h("div", { class: "replies", role: "group" });
    this.scroller = h("div", { class: "scroll" }, [this.log, this.typing, this.replies]);

    this.status = h("div", { class: "status", role: "status", hidden: true }, [
      h("span", { text: TEXT.reconnecting }),
      h("button", { type: "button", text: TEXT.retryNow, onclick: function () { self.retryNow(); } }),
    ]);

    this.input = h("textarea", {
      id: "zw-input", rows: "1", placeholder: TEXT.placeholder, autocomplete: "off",
      "aria-describedby": "zw-counter zw-hint", oninput: function () { self.onInput(); },
      onkeydown: function (event) { self.onInputKey(event); },
    });
    this.sendButton = h("button", {
      class: "send", type: "submit", "aria-label": TEXT.send, disabled: true,
    }, [icon(ICON_SEND)]);
    this.hint = h("span", { id: "zw-hint", class: "hint", role: "alert" });
    this.counter = h("span", { id: "zw-counter", class: "counter", text: "0/" + MAX_CHARS });

    var titleId = "zw-title";
    this.panel = h("div", {
      id: "zw-panel", class: "panel", role: "dialog", "aria-labelledby": titleId, hidden: true,
      onkeydown: function (event) {
        if (event.key === "Escape" || event.key === "Esc") { event.preventDefault(); self.close(); }
      },
    }, [
      h("div", { class: "header" }, [
        h("div", { class: "heading" }, [
          h("h2", { id: titleId, class: "title", text: c.title }),
          c.schoolName ? h("div", { class: "school", text: c.schoolName }) : null,
        ]),
        h("button", {
          class: "icon-button", type: "button", "aria-label": TEXT.resetLabel, title: TEXT.resetLabel,
          onclick: function () { self.reset(); },
        }, [icon(ICON_RESET)]),
        h("button", {
          class: "icon-button", type: "button", "aria-label": TEXT.closeLabel, title: TEXT.closeLabel,
          onclick: function () { self.close(); },
        }, [icon(ICON_CLOSE)]),
      ]),
      this.status,
      this.scroller,
      h("form", {
        class: "composer", novalidate: true,
        onsubmit: function (event) { event.preventDefault(); self.submitInput(); },
      }, [
        h("label", { class: "sr-only", for: "zw-input", text: TEXT.inputLabel }),
        h("div", { class: "row" }, [this.input, this.sendButton]),
        h("div", { class: "meta" }, [this.hint, this.counter]),
      ]),
    ]);

    this.root = h("div", { class: "root" }, [this.panel, this.launcher]);
    shadow.appendChild(this.root);
    document.body.appendChild(host);

    this.render();
    window.addEventListener("online", function () { self.retryNow(); });
    this.pump(); // messages left unsent by an earlier page are sent now
  };

  // ---- open / close

  Widget.prototype.isOpen = function () { return !this.panel.hidden; };
  Widget.prototype.toggle = function () { if (this.isOpen()) this.close(); else this.open(); };

  Widget.prototype.open = function () {
    if (!this.panel) return; // called before the page finished loading
    if (!this.openedSent && this.config.server && navigator.sendBeacon) {
      this.openedSent = true; // once a page: the console's report counts visitors who opened it
      try {
        navigator.sendBeacon(this.config.server + "/webhooks/widget/opened?school=" +
          encodeURIComponent(this.config.school));
      } catch (e) { /* a count, never an error */ }
    }
    this.panel.hidden = false;
    this.root.classList.add("open");
    this.launcher.setAttribute("aria-expanded", "true");
    setChildren(this.launcher, [icon(ICON_CLOSE)]);
    this.scrollToLatest();
    this.input.focus();
  };

  Widget.prototype.close = function () {
    if (!this.panel || !this.isOpen()) return;
    this.panel.hidden = true;
    this.root.classList.remove("open");
    this.launcher.setAttribute("aria-expanded", "false");
    setChildren(this.launcher, [icon(ICON_CHAT)]);
    this.launcher.focus();
  };

  // ---- rendering

  Widget.prototype.render = function () {
    var self = this;
    this.bubbles = new WeakMap();
    var welcome = { from: "bot", text: TEXT.welcome(this.config.title, this.config.schoolName) };
    setChildren(this.log, [welcome].concat(this.conversation.messages).map(function (message) {
      return self.bubble(message);
    }));
    // Shown, not stored: it describes the page, not the conversation.
    if (!this.config.server) this.log.appendChild(h("div", { class: "msg notice", text: TEXT.badServer }));
    this.renderReplies();
    this.scrollToLatest();
  };

  // Returns null for a bot message that carries only buttons.
  Widget.prototype.bubble = function (message) {
    var el = null;
    if (message.from === "notice") {
      el = h("div", { class: "msg notice", text: message.text });
    } else if (message.from === "user") {
      el = h("div", { class: "msg user" + (message.pending ? " pending" : "") }, [
        h("span", { class: "sr-only", text: TEXT.you + "：" }),
        message.text,
        message.pending ? h("span", { class: "state", text: TEXT.pending }) : null,
      ]);
    } else if (message.text) {
      el = h("div", { class: "msg bot" }, [h("span", { class: "sr-only", text: TEXT.bot + "：" })].concat(botBody(message.text)));
    }
    if (el) this.bubbles.set(message, el);
    return el;
  };

  // Quick replies belong to the bot's latest turn, all its messages: a
  // question's buttons (取消 among them) stay when a hint follows it. An empty
  // conversation gets the suggested questions instead.
  Widget.prototype.renderReplies = function () {
    var self = this;
    var messages = this.conversation.messages;
    var options = [];
    var label = TEXT.repliesLabel;
    if (!messages.length) {
      options = TEXT.suggestions.map(function (q) { return { title: q, payload: q }; });
      label = TEXT.suggestionsLabel;
    } else {
      options = latestTurnButtons(messages);
    }
    this.replies.setAttribute("aria-label", label);
    setChildren(this.replies, options.map(function (option) {
      return h("button", {
        class: "reply", type: "button", text: option.title,
        onclick: function () { self.send(option.payload, option.title); },
      });
    }));
    this.replies.hidden = !options.length;
  };

  function latestTurnButtons(messages) {
    var buttons = [];
    for (var i = messages.length - 1; i >= 0 && messages[i].from !== "user"; i--) {
      buttons = (messages[i].buttons || []).concat(buttons);
    }
    var seen = {};
    return buttons.filter(function (b) {
      var key = b.title + "\n" + b.payload;
      if (seen[key]) return false;
      seen[key] = true;
      return true;
    }).slice(0, 10);
  }

  // The end of the conversation, but never past the first line of the bot's
  // latest turn: a long answer opens at its start, not at its sources.
  Widget.prototype.scrollToLatest = function () {
    var scroller = this.scroller;
    var end = scroller.scrollHeight - scroller.clientHeight;
    var start = latestTurnStart(this.log);
    if (!start) {
      scroller.scrollTop = end;
      return;
    }
    var gap = 8; // a little of what came before, so the reader sees where the turn begins
    var top = start.getBoundingClientRect().top - scroller.getBoundingClientRect().top + scroller.scrollTop - gap;
    scroller.scrollTop = Math.max(0, Math.min(end, top));
  };

  // The first bubble after the user's last message (null when the user spoke last).
  function latestTurnStart(log) {
    var start = null;
    for (var el = log.lastElementChild; el && !el.classList.contains("user"); el = el.previousElementSibling) start = el;
    return start;
  }

  Widget.prototype.append = function (message) {
    var messages = this.conversation.messages;
    messages.push(message);
    if (messages.length > HISTORY_LIMIT) {
      // Trim only delivered messages: unsent ones must survive.
      var excess = messages.length - HISTORY_LIMIT;
      this.conversation.messages = messages.filter(function (m) { return m.pending || excess-- <= 0; });
      this.save();
      this.render();
      return;
    }
    this.save();
    var el = this.bubble(message);
    if (el) this.log.appendChild(el);
    this.renderReplies();
    this.scrollToLatest();
  };

  Widget.prototype.addNotice = function (text) { this.append({ from: "notice", text: text }); };
  Widget.prototype.save = function () { this.store.save(this.conversation); };

  Widget.prototype.reset = function () {
    clearTimeout(this.retryTimer);
    this.conversation = { senderId: null, messages: [] };
    this.save();
    this.setOnline(true);
    this.render();
    this.input.focus();
  };

  // ---- input

  Widget.prototype.inputLength = function () { return Array.from(this.input.value).length; };

  Widget.prototype.onInput = function () {
    var n = this.inputLength();
    var over = n > MAX_CHARS;
    this.counter.textContent = n + "/" + MAX_CHARS;
    this.counter.classList.toggle("over", over);
    this.hint.textContent = over ? TEXT.tooLong(MAX_CHARS) : "";
    this.input.setAttribute("aria-invalid", over ? "true" : "false");
    this.sendButton.disabled = over || !this.input.value.trim();
    this.input.style.height = "auto";
    this.input.style.height = Math.min(this.input.scrollHeight + 2, 120) + "px";
  };

  Widget.prototype.onInputKey = function (event) {
    // Enter confirms a Chinese IME candidate while composing; never send then.
    if (event.key !== "Enter" || event.shiftKey || event.isComposing || event.keyCode === 229) return;
    event.preventDefault();
    this.submitInput();
  };

  Widget.prototype.submitInput = function () {
    var text = this.input.value.trim();
    if (!text) return;
    if (Array.from(text).length > MAX_CHARS) {
      this.onInput();
      this.input.focus();
      return;
    }
    this.input.value = "";
    this.onInput();
    this.send(text, text);
  };

  // ---- delivery

  // The message goes into the (persisted) history first, marked pending, so
  // that neither a failed request nor a reload loses it.
  Widget.prototype.send = function (payload, display) {
    this.append({ from: "user", text: display, payload: payload, pending: true });
    this.input.focus();
    this.pump();
  };

  Widget.prototype.pump = function () {
    var self = this;
    if (this.inFlight || !this.config.server) return;
    var conversation = this.conversation;
    var next = conversation.messages.filter(function (m) { return m.pending; })[0];
    if (!next) return;
    this.inFlight = true;
    this.typing.hidden = false;
    this.scrollToLatest();
    // A reset while the request is out starts a new conversation; the late
    // answer belongs to the old one and is dropped.
    function stale() {
      self.inFlight = false;
      self.typing.hidden = true;
      if (self.conversation === conversation) return false;
      self.pump();
      return true;
    }
    this.post(next.payload).then(function (replies) {
      if (stale()) return;
      self.retryDelay = 0;
      self.setOnline(true);
      self.markSent(next);
      if (!replies.length) replies = [{ from: "bot", text: TEXT.emptyReply }];
      replies.forEach(function (reply) { self.append(reply); });
      self.pump();
    }, function (error) {
      if (stale()) return;
      if (error.permanent) {
        self.markSent(next);
        self.addNotice(TEXT.failed(error.status));
        self.pump();
        return;
      }
      self.setOnline(false);
      self.retryDelay = Math.min(self.retryDelay ? self.retryDelay * 2 : RETRY_MIN_MS, RETRY_MAX_MS);
      clearTimeout(self.retryTimer);
      self.retryTimer = setTimeout(function () { self.pump(); }, self.retryDelay * (0.8 + Math.random() * 0.4));
    });
  };

  Widget.prototype.markSent = function (message) {
    delete message.pending;
    this.save();
    // Update the bubble in place: re-rendering the log would make screen
    // readers announce the whole conversation again.
    var el = this.bubbles.get(message);
    if (!el) return;
    el.classList.remove("pending");
    var state = el.querySelector(".state");
    if (state) el.removeChild(state);
  };

  Widget.prototype.retryNow = function () {
    clearTimeout(this.retryTimer);
    this.retryDelay = 0;
    this.pump();
  };

  Widget.prototype.setOnline = function (online) {
    this.status.hidden = online;
    this.root.classList.toggle("offline", !online);
  };

  // Sends a message under the conversation's id, asking the server for an id first if
  // it has none; an id the server no longer knows (a restart with a new key, or an id
  // from an older widget) is replaced once and the message sent again.
  Widget.prototype.post = function (message, renewed) {
    var self = this;
    var conversation = this.conversation;
    var body = { message: message };
    if (this.config.school) body.metadata = { school: this.config.school };
    return this.conversationId(conversation).then(function (senderId) {
      body.sender = senderId;
      return self.request("/webhooks/rest/webhook", body);
    }).then(parseReplies, function (error) {
      if (error.unknownConversation && !renewed && conversation.senderId === body.sender) {
        conversation.senderId = null;
        if (self.conversation === conversation) self.save();
        return self.post(message, true);
      }
      throw error;
    });
  };

  Widget.prototype.conversationId = function (conversation) {
    var self = this;
    if (conversation.senderId) return Promise.resolve(conversation.senderId);
    return this.request("/webhooks/rest/conversations", {}).then(function (issued) {
      var id = validConversationId(issued && issued.sender);
      if (!id) throw { permanent: true, status: "JSON" };
      conversation.senderId = id;
      if (self.conversation === conversation) self.save();
      return id;
    });
  };

  Widget.prototype.request = function (path, body) {
    var controller = typeof AbortController === "function" ? new AbortController() : null;
    var timer = setTimeout(function () { if (controller) controller.abort(); }, REQUEST_TIMEOUT_MS);
    return fetch(this.config.server + path, {
      method: "POST",
      mode: "cors",
      credentials: "omit",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
      signal: controller ? controller.signal : undefined,
    }).then(function (response) {
      clearTimeout(timer);
      if (response.status === 403) {
        return response.json().then(function (refusal) {
          throw { permanent: true, status: 403, unknownConversation: !!refusal && refusal.code === "unknown_conversation" };
        }, function () { throw { permanent: true, status: 403 }; });
      }
      if (!response.ok) {
        var transient = response.status >= 500 || response.status === 408 || response.status === 429;
        throw { permanent: !transient, status: response.status };
      }
      return response.json().then(null, function () { throw { permanent: true, status: "JSON" }; });
    }, function (networkError) {
      clearTimeout(timer);
      throw { permanent: false, cause: networkError };
    });
  };

  function parseReplies(body) {
    if (!Array.isArray(body)) return [];
    return body.map(function (item) {
      item = item || {};
      var text = typeof item.text === "string" ? item.text : "";
      if (typeof item.image === "string") text += (text ? "\n" : "") + TEXT.image + item.image;
      var buttons = validButtons(item.buttons);
      var reply = { from: "bot", text: text };
      if (buttons.length) reply.buttons = buttons;
      return reply;
    }).filter(function (reply) { return reply.text || reply.buttons; });
  }

  // ----------------------------------------------------------------- start

  var widget = new Widget(readConfig(script));

  window.ZhijiaoWidget = Object.freeze({
    version: "1.0.0",
    open: function () { widget.open(); },
    close: function () { widget.close(); },
  });

  if (document.body) widget.mount();
  else document.addEventListener("DOMContentLoaded", function () { widget.mount(); });
})();
