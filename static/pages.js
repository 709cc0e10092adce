// Behaviour of the staff pages, kept out of the HTML so the Content-Security-Policy can forbid inline scripts.
(function () {
  "use strict";

  // Buttons marked data-print print the page (label sheets, the recall report).
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });

  // An import job's page follows the job: its progress bar names the status URL to poll.
  var bar = document.getElementById("import-progress");
  if (bar && bar.dataset.statusUrl) {
    var text = document.getElementById("import-state");
    var poll = function () {
      fetch(bar.dataset.statusUrl, {credentials: "same-origin", headers: {"Accept": "application/json"}})
        .then(function (response) { return response.json(); })
        .then(function (job) {
          if (job.finished) { window.location.reload(); return; }
          bar.max = job.total_rows || 1;
          bar.value = job.rows_done;
          if (text) { text.textContent = job.text; }
          window.setTimeout(poll, 1000);
        })
        .catch(function () { window.setTimeout(poll, 3000); });
    };
    window.setTimeout(poll, 1000);
  }
})();
