// The console's small behaviours (no framework, no inline scripts: the CSP allows only
// this file). The pages work without it; it adds the live preview, copying and confirms.
document.addEventListener("DOMContentLoaded", function () {
  "use strict";

  // Delete buttons ask first.
  document.querySelectorAll("form.confirm").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.confirm(form.dataset.confirm)) event.preventDefault();
    });
  });

  var snippet = document.getElementById("snippet");
  var copy = document.getElementById("copy");
  if (snippet && copy) {
    copy.hidden = false;
    copy.addEventListener("click", function () {
      snippet.select();
      var done = function () { document.getElementById("copy-status").textContent = "已复制"; };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(snippet.value).then(done, function () { if (document.execCommand("copy")) done(); });
      } else if (document.execCommand("copy")) {
        done();
      }
    });
  }

  // The embed page: the snippet and the preview follow the title and colour as they are typed.
  var options = document.getElementById("embed-options");
  var preview = document.getElementById("preview");
  if (!options || !snippet || !preview) return;
  var escape = function (value) {
    return String(value).replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  };
  var timer = null;
  var follow = function () {
    var title = options.elements.widget_title.value.trim();
    var color = options.elements.color.value;
    var data = options.dataset;
    var attributes = [
      ["src", data.widgetUrl], ["data-server", data.server], ["data-title", title],
      ["data-school", data.school], ["data-school-name", data.schoolName], ["data-color", color],
    ];
    snippet.value = "<script " + attributes.map(function (a) { return a[0] + '="' + escape(a[1]) + '"'; }).join(" ") +
      " async></" + "script>";
    clearTimeout(timer);
    timer = setTimeout(function () {
      preview.src = data.preview + "?" + new URLSearchParams({ color: color, widget_title: title }).toString();
    }, 300);
  };
  options.addEventListener("input", follow);
  options.addEventListener("change", follow);
});
