// The outbox of the field: the main forms (register a harvest, log a shipment, receive, record storing) sent
// without a network are kept on the phone, each with its own one-time key, and sent when the network returns. The
// server writes each key once (supply.views.once), so a send that was cut off and sent again writes once. A form the
// server refuses comes back to the outbox page with the reason and the typed values, never silently dropped.
(function () {
  "use strict";

  var STORE = "supply-outbox";
  var SENT = "supply-outbox-sent";
  var EDIT = "supply-outbox-edit";
  var banner = document.getElementById("outbox-link");
  var user = meta("supply-user");

  function meta(name) {
    var found = document.querySelector('meta[name="' + name + '"]');
    return found ? found.getAttribute("content") : "";
  }

  function read(name) {
    try { return JSON.parse(window.localStorage.getItem(name)) || []; } catch (error) { return []; }
  }

  function write(name, entries) {
    window.localStorage.setItem(name, JSON.stringify(entries));
    show();
  }

  function mine(entries) {
    return entries.filter(function (entry) { return entry.user === user; });
  }

  function newKey() {
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  function say(template, count) {
    return template.replace("{n}", String(count));
  }

  // The banner in the header: "waiting to send (3)", or how many were refused.
  function show() {
    if (!banner || !user) { return; }
    var entries = mine(read(STORE));
    var waiting = entries.filter(function (e) { return e.state === "waiting"; }).length;
    var refused = entries.length - waiting;
    var parts = [];
    if (waiting) { parts.push(say(banner.dataset.waiting, waiting)); }
    if (refused) { parts.push(say(banner.dataset.refused, refused)); }
    banner.textContent = parts.join(" · ");
    banner.hidden = parts.length === 0;
    banner.classList.toggle("refused", refused > 0);
    document.dispatchEvent(new CustomEvent("outbox-changed"));
  }

  function labelOf(form, name) {
    var field = form.querySelector('[name="' + name.replace(/"/g, '\\"') + '"]');
    var label = field && field.closest("label");
    var text = label && label.querySelector("span");
    return text ? text.textContent.replace(/\s*\*$/, "").trim() : name;
  }

  function shownValue(form, name, value) {
    var field = form.querySelector('[name="' + name.replace(/"/g, '\\"') + '"]');
    if (field && field.tagName === "SELECT") {
      var option = Array.prototype.find.call(field.options, function (o) { return o.value === value; });
      return option ? option.textContent.trim() : value;
    }
    return field && field.type === "datetime-local" ? value.replace("T", " ") : value;
  }

  function isHidden(form, name) {
    var field = form.querySelector('[name="' + name.replace(/"/g, '\\"') + '"]');
    return Boolean(field && field.type === "hidden");
  }

  // Keep a form sent without a network.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!user || !form.matches("form[data-outbox]") || navigator.onLine) { return; }
    event.preventDefault();
    if (event.submitter && event.submitter.name) { return; }  // "more lines" needs the server: not offline
    var key = newKey();
    var fields = [];
    new window.FormData(form).forEach(function (value, name) {
      if (typeof value !== "string" || name === "csrf_token" || name === "form_key" || value === "") { return; }
      fields.push({name: name, value: value, label: labelOf(form, name), shown: shownValue(form, name, value),
                   hidden: isHidden(form, name)});
    });
    var entries = read(STORE);
    entries.push({id: key, user: user, title: form.dataset.outbox, action: form.getAttribute("action") ||
                  window.location.pathname + window.location.search, page: window.location.pathname +
                  window.location.search, fields: fields, time: new Date().toISOString(), state: "waiting"});
    write(STORE, entries);
    form.reset();
    var note = form.querySelector(".outbox-note");
    if (!note) {
      note = document.createElement("p");
      note.className = "flash outbox-note";
      note.setAttribute("role", "status");
      form.insertBefore(note, form.firstChild);
    }
    note.textContent = banner ? banner.dataset.kept : "";
  });

  function reasons(html) {
    var page = new window.DOMParser().parseFromString(html, "text/html");
    var found = [];
    // The messages beside the fields, each after its field's label; the form-wide banner only when there is none.
    page.querySelectorAll("main span.error").forEach(function (element) {
      var label = element.closest("label");
      var name = label && label.querySelector("span");
      var text = element.textContent.trim();
      if (text) { found.push(name ? name.textContent.replace(/\s*\*$/, "").trim() + ": " + text : text); }
    });
    if (!found.length) {
      page.querySelectorAll("main .error").forEach(function (element) {
        if (element.textContent.trim()) { found.push(element.textContent.trim()); }
      });
    }
    return found.length ? found.join(" · ") : (page.title || "").split(" · ")[0];
  }

  function settle(id, change) {
    var entries = read(STORE);
    var index = entries.findIndex(function (entry) { return entry.id === id; });
    if (index < 0) { return null; }
    var entry = entries[index];
    if (change) { entries[index] = Object.assign(entry, change); } else { entries.splice(index, 1); }
    write(STORE, entries);
    return entry;
  }

  function sendOne(entry) {
    var body = new window.URLSearchParams();
    entry.fields.forEach(function (field) { body.append(field.name, field.value); });
    body.append("form_key", entry.id);
    body.append("csrf_token", meta("csrf-token"));
    return window.fetch(entry.action, {method: "POST", body: body, credentials: "same-origin",
                                       headers: {"Accept": "text/html"}})
      .then(function (response) {
        if (new URL(response.url).pathname === "/login") { return false; }  // signed out: send after sign-in
        if (response.ok) {
          settle(entry.id, null);
          var sent = read(SENT);
          sent.unshift({user: user, title: entry.title, url: response.url, time: new Date().toISOString(),
                        fields: entry.fields});
          write(SENT, sent.slice(0, 30));
          return true;
        }
        if (response.status >= 400 && response.status < 500) {
          return response.text().then(function (html) {
            settle(entry.id, {state: "refused", status: response.status, reason: reasons(html)});
            return true;
          });
        }
        return false;  // the server is down: try again later
      }, function () { return false; });
  }

  // Send what waits, one after the other, in the order it was kept; one tab at a time.
  function flush() {
    if (!user || !navigator.onLine) { return Promise.resolve(); }
    var run = function () {
      var waiting = mine(read(STORE)).filter(function (e) { return e.state === "waiting"; });
      return waiting.reduce(function (chain, entry) {
        return chain.then(function (going) { return going ? sendOne(entry) : false; });
      }, Promise.resolve(true));
    };
    return navigator.locks ? navigator.locks.request("supply-outbox", run) : run();
  }

  // The outbox page, and a refused form opened again with what was typed.
  window.supplyOutbox = {
    read: function () { return mine(read(STORE)); },
    sent: function () { return mine(read(SENT)); },
    flush: flush,
    discard: function (id) { settle(id, null); },
    edit: function (id) {
      var entry = settle(id, null);
      if (entry) {
        window.sessionStorage.setItem(EDIT, JSON.stringify(entry));
        window.location.assign(entry.page);
      }
    },
    retry: function (id) { settle(id, {state: "waiting", reason: ""}); return flush(); }
  };

  function refill() {
    var kept = window.sessionStorage.getItem(EDIT);
    if (!kept) { return; }
    var entry = JSON.parse(kept);
    var form = document.querySelector("form[data-outbox]");
    if (!form) { return; }
    window.sessionStorage.removeItem(EDIT);
    entry.fields.forEach(function (field) {
      var input = form.querySelector('[name="' + field.name.replace(/"/g, '\\"') + '"]');
      if (input) { input.value = field.value; }
    });
    if (entry.reason) {
      var note = document.createElement("p");
      note.className = "error banner";
      note.setAttribute("role", "alert");
      note.textContent = entry.reason;
      form.insertBefore(note, form.firstChild);
    }
  }

  // Signing out deletes the pages kept on the phone (what waits to be sent stays, for the same user's next visit).
  document.querySelectorAll("form[data-sign-out]").forEach(function (form) {
    form.addEventListener("submit", function () {
      if (window.caches) {
        window.caches.keys().then(function (names) {
          names.forEach(function (name) { if (name.indexOf("supply-pages") === 0) { window.caches.delete(name); } });
        });
      }
    });
  });

  if (user && "serviceWorker" in navigator) {
    navigator.serviceWorker.register("/sw.js", {scope: "/"}).catch(function () { return null; });
  }
  window.addEventListener("online", flush);
  window.addEventListener("offline", show);
  window.addEventListener("storage", show);
  refill();
  show();
  flush();
})();
