// The import's progress bar, refreshed from its status every second; without JavaScript the page reloads itself.
(function () {
  "use strict";
  var box = document.getElementById("import-progress");
  if (!box || !window.fetch) {
    return;
  }
  var bar = document.getElementById("import-progress-bar");
  var text = document.getElementById("import-progress-text");
  function poll() {
    fetch(box.getAttribute("data-status-url"), { credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(function (status) {
        if (status.state === "done" || status.state === "failed") {
          window.location.assign(box.getAttribute("data-result-url"));
          return;
        }
        bar.max = status.total;
        bar.value = status.done;
        bar.textContent = status.done + " of " + status.total;
        if (status.state === "running") {
          text.textContent = status.done + " of " + status.total + " written…";
        }
        setTimeout(poll, 1000);
      })
      .catch(function () { setTimeout(poll, 3000); });
  }
  setTimeout(poll, 1000);
})();
