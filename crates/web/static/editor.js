// Rich text for record bodies, as a progressive enhancement of the body textarea.
//
// A textarea marked `data-rich-editor` becomes an editable area with a small toolbar (段落, 标题,
// 加粗, 有序列表, 无序列表; undo is the browser's Ctrl+Z). A paste from Word or WPS keeps
// headings, paragraphs, lists and tables. The textarea stays in the form and receives the HTML
// on submit; the server's sanitiser remains the only judge of what is kept, so the clean-up here
// only makes the editing view tidy. Without JavaScript the textarea works as before.
(function () {
  "use strict";

  var KEEP = {
    P: 1, BR: 1, H2: 1, H3: 1, H4: 1, H5: 1, H6: 1, STRONG: 1, B: 1, EM: 1, I: 1, U: 1,
    SUB: 1, SUP: 1, UL: 1, OL: 1, LI: 1, TABLE: 1, THEAD: 1, TBODY: 1, TFOOT: 1, TR: 1,
    TH: 1, TD: 1, CAPTION: 1, BLOCKQUOTE: 1, A: 1, HR: 1, PRE: 1, CODE: 1
  };
  var DROP = { SCRIPT: 1, STYLE: 1, TITLE: 1, META: 1, LINK: 1, XML: 1, TEMPLATE: 1, IFRAME: 1, OBJECT: 1, EMBED: 1, IMG: 1 };
  var ATTRS = { A: ["href"], TD: ["colspan", "rowspan"], TH: ["colspan", "rowspan", "scope"] };

  function looksLikeHtml(s) {
    return /<\/?[A-Za-z][A-Za-z0-9:-]*(\s[^>]*)?\/?>/.test(s) || /<!--/.test(s);
  }

  function escapeText(s) {
    return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  }

  // Plain text: one paragraph per line, as the server does.
  function textToHtml(text) {
    return text.split(/\r\n|\r|\n/).map(function (l) { return l.trim(); })
      .filter(function (l) { return l !== ""; })
      .map(function (l) { return "<p>" + escapeText(l) + "</p>"; }).join("");
  }

  // Word marks list paragraphs with `mso-list` and a typed marker ("1.", "•"); these become
  // real list items, grouped into <ol> or <ul>.
  function listKind(el) {
    var style = el.getAttribute("style") || "";
    if (!/mso-list\s*:\s*l\d/i.test(style) || /mso-list\s*:\s*ignore/i.test(style)) return null;
    var marker = el.querySelector("[style*='mso-list:Ignore'], [style*='mso-list: Ignore']");
    var text = marker ? marker.textContent : el.textContent;
    if (marker) marker.parentNode.removeChild(marker);
    return /^\s*[•·○■□◆◇§oØü\u2022\uF0B7\uF0A7]/.test(text) ? "UL" : "OL";
  }

  // Word wraps its HTML mid-sentence: a line break between two Chinese characters is no space.
  function joinLines(s) {
    return s.replace(/([\u2E80-\u9FFF\uFF00-\uFFEF])\s*[\r\n]+\s*(?=[\u2E80-\u9FFF\uFF00-\uFFEF])/g, "$1")
      .replace(/\s*[\r\n]+\s*/g, " ");
  }

  function cleanChildren(from, to, doc) {
    var node = from.firstChild;
    var list = null;
    while (node) {
      var next = node.nextSibling;
      if (node.nodeType === 3) {
        list = null;
        to.appendChild(doc.createTextNode(joinLines(node.nodeValue)));
      } else if (node.nodeType === 1 && !DROP[node.tagName]) {
        var tag = node.tagName;
        var kind = tag === "P" ? listKind(node) : null;
        if (kind) {
          if (!list || list.tagName !== kind) {
            list = doc.createElement(kind);
            to.appendChild(list);
          }
          var li = doc.createElement("LI");
          cleanChildren(node, li, doc);
          list.appendChild(li);
        } else {
          list = null;
          if (tag === "H1") tag = "H2";
          if (KEEP[tag]) {
            var el = doc.createElement(tag);
            (ATTRS[tag] || []).forEach(function (name) {
              var v = node.getAttribute(name);
              if (v !== null && (name !== "href" || /^(https?:|mailto:|\/)/i.test(v.trim()))) el.setAttribute(name, v);
            });
            cleanChildren(node, el, doc);
            to.appendChild(el);
          } else {
            cleanChildren(node, to, doc);
          }
        }
      }
      node = next;
    }
  }

  // Untrusted HTML (a paste, the textarea's content) → tidy HTML, parsed inertly.
  function cleanHtml(html) {
    var start = html.indexOf("<");
    if (/^\s*Version:/.test(html) && start >= 0) html = html.slice(start);
    var parsed = new DOMParser().parseFromString(html, "text/html");
    var out = document.createElement("div");
    cleanChildren(parsed.body, out, document);
    var empties = out.querySelectorAll("p, strong, b, em, i, u");
    for (var i = empties.length - 1; i >= 0; i--) {
      if (empties[i].textContent.replace(/\u00a0/g, " ").trim() === "" && !empties[i].querySelector("br")) {
        empties[i].parentNode.removeChild(empties[i]);
      }
    }
    return out.innerHTML;
  }

  function toHtml(value) {
    return looksLikeHtml(value) ? cleanHtml(value) : textToHtml(value);
  }

  function button(label, title, run) {
    var b = document.createElement("button");
    b.type = "button";
    b.className = "button secondary";
    b.textContent = label;
    b.title = title;
    b.addEventListener("mousedown", function (e) { e.preventDefault(); });
    b.addEventListener("click", run);
    return b;
  }

  function enhance(textarea) {
    var label = document.querySelector("label[for='" + textarea.id + "']");
    if (label && !label.id) label.id = textarea.id + "-label";
    var wrap = document.createElement("div");
    wrap.className = "rich-editor";
    var bar = document.createElement("div");
    bar.className = "rich-toolbar";
    bar.setAttribute("role", "toolbar");
    bar.setAttribute("aria-label", "正文格式");
    var area = document.createElement("div");
    area.className = "rich-area body";
    area.id = textarea.id + "-rich";
    area.contentEditable = "true";
    area.setAttribute("role", "textbox");
    area.setAttribute("aria-multiline", "true");
    if (label) area.setAttribute("aria-labelledby", label.id);
    var described = textarea.getAttribute("aria-describedby");
    if (described) area.setAttribute("aria-describedby", described);
    if (textarea.getAttribute("aria-invalid")) area.setAttribute("aria-invalid", "true");
    bar.setAttribute("aria-controls", area.id);
    area.innerHTML = toHtml(textarea.value) || "<p><br></p>";

    function exec(command, value) {
      return function () {
        area.focus();
        document.execCommand(command, false, value);
      };
    }
    bar.appendChild(button("段落", "设为正文段落", exec("formatBlock", "<p>")));
    bar.appendChild(button("标题", "设为小标题", exec("formatBlock", "<h2>")));
    bar.appendChild(button("加粗", "加粗（Ctrl+B）", exec("bold")));
    bar.appendChild(button("有序列表", "编号列表", exec("insertOrderedList")));
    bar.appendChild(button("无序列表", "项目符号列表", exec("insertUnorderedList")));

    area.addEventListener("paste", function (e) {
      var data = e.clipboardData;
      if (!data) return;
      var html = data.getData("text/html");
      var text = data.getData("text/plain");
      if (!html && !text) return;
      e.preventDefault();
      document.execCommand("insertHTML", false, html ? cleanHtml(html) : textToHtml(text));
    });
    if (label) label.addEventListener("click", function () { area.focus(); });

    area.addEventListener("focus", function () {
      // Enter starts a new <p>, not a <div>.
      document.execCommand("defaultParagraphSeparator", false, "p");
    });
    textarea.form.addEventListener("submit", function () {
      textarea.value = area.innerHTML;
    });
    textarea.hidden = true;
    wrap.appendChild(bar);
    wrap.appendChild(area);
    textarea.parentNode.insertBefore(wrap, textarea.nextSibling);
  }

  function start() {
    var areas = document.querySelectorAll("textarea[data-rich-editor]");
    for (var i = 0; i < areas.length; i++) {
      if (areas[i].form && typeof document.execCommand === "function") enhance(areas[i]);
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
