// The import's progress bar, refreshed from its status every second; once the import moves on (checked, done,
// failed) the browser goes to the page of its new state. Without JavaScript the page reloads itself.
(function () {
  "use strict";
  var box = document.getElementById("import-progress");
  if (!box || !window.fetch) {
    return;
  }
  var bar = document.getElementById("import-progress-bar");
  var text = document.getElementById("import-progress-text");
  var WORDS = { checking: " lines checked…", running: " written…" };
  function poll() {
    fetch(box.getAttribute("data-status-url"), { credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(function (status) {
        if (status.page !== box.getAttribute("data-page-url")) {
          window.location.assign(status.page);
          return;
        }
        if (status.total) {
          bar.max = status.total;
          bar.value = status.done;
          bar.textContent = status.done + " of " + status.total;
          if (WORDS[status.state]) {
            text.textContent = status.done + " of " + status.total + WORDS[status.state];
          }
        }
        setTimeout(poll, 1000);
      })
      .catch(function () { setTimeout(poll, 3000); });
  }
  setTimeout(poll, 1000);
})();
