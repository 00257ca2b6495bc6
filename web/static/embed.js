// Copy button for the embed snippet on /embed. Optional: the snippet can
// always be selected and copied by hand.
document.addEventListener("DOMContentLoaded", function () {
  var snippet = document.getElementById("snippet");
  var button = document.getElementById("copy");
  var status = document.getElementById("copy-status");
  if (!snippet || !button) return;
  button.hidden = false;
  button.addEventListener("click", function () {
    var done = function () { status.textContent = "\u5df2\u590d\u5236"; }; // 已复制
    snippet.select();
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(snippet.value).then(done, function () {
        if (document.execCommand("copy")) done();
      });
    } else if (document.execCommand("copy")) {
      done();
    }
  });
});
