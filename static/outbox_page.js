// The outbox page: draws what static/outbox.js keeps on this phone (waiting, refused with the reason and the typed
// values, sent), and lets the user send now, correct a refused form or discard it.
(function () {
  "use strict";

  var box = document.getElementById("outbox");
  var outbox = window.supplyOutbox;
  if (!box || !outbox) { return; }
  var template = document.getElementById("outbox-entry");

  function when(iso) {
    return new Date(iso).toLocaleString(document.documentElement.lang || undefined,
                                        {timeZone: "Asia/Shanghai", dateStyle: "short", timeStyle: "short"});
  }

  function item(entry, kind) {
    var node = template.content.firstElementChild.cloneNode(true);
    node.dataset.id = entry.id || "";
    node.querySelector(".outbox-title").textContent = entry.title;
    node.querySelector(".outbox-time").textContent =
      (kind === "sent" ? box.dataset.sentAt : box.dataset.keptAt) + " " + when(entry.time);
    var reason = node.querySelector(".outbox-reason");
    reason.textContent = entry.reason || "";
    reason.hidden = !entry.reason;
    var list = node.querySelector(".outbox-fields");
    (entry.fields || []).filter(function (field) { return !field.hidden; }).forEach(function (field) {
      var term = document.createElement("dt");
      term.textContent = field.label;
      var value = document.createElement("dd");
      value.textContent = field.shown;
      list.appendChild(term);
      list.appendChild(value);
    });
    var actions = node.querySelector(".outbox-actions");
    if (kind === "sent") {
      actions.textContent = "";
      var link = document.createElement("a");
      link.href = entry.url;
      link.textContent = box.dataset.open;
      actions.appendChild(link);
    } else {
      node.querySelector(".outbox-edit").hidden = kind !== "refused";
      node.querySelector(".outbox-edit").addEventListener("click", function () { outbox.edit(entry.id); });
      node.querySelector(".outbox-discard").addEventListener("click", function () { outbox.discard(entry.id); });
    }
    return node;
  }

  function fill(id, entries, kind) {
    var list = document.getElementById(id);
    list.textContent = "";
    entries.forEach(function (entry) { list.appendChild(item(entry, kind)); });
    if (!entries.length) {
      var empty = document.createElement("li");
      empty.className = "muted";
      empty.textContent = box.dataset.empty;
      if (kind === "waiting") { list.appendChild(empty); }
    }
  }

  function draw() {
    var entries = outbox.read();
    fill("outbox-waiting", entries.filter(function (e) { return e.state === "waiting"; }), "waiting");
    fill("outbox-refused", entries.filter(function (e) { return e.state === "refused"; }), "refused");
    fill("outbox-sent", outbox.sent(), "sent");
    document.getElementById("outbox-offline").hidden = navigator.onLine;
  }

  document.getElementById("outbox-send").addEventListener("click", function () { outbox.flush().then(draw); });
  document.addEventListener("outbox-changed", draw);
  window.addEventListener("online", draw);
  window.addEventListener("offline", draw);
  draw();
})();
