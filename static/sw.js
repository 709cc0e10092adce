// The service worker of the staff pages: each page a signed-in user opens is kept on the phone, so that it stays
// readable without a network (network first, the kept copy when the network fails). Public scan pages, the API and
// the sign-in page are left alone. Signing out deletes the kept pages (static/outbox.js).
"use strict";

var PAGES = "supply-pages-v1";
var FILES = "supply-files-v1";
var MAX_PAGES = 80;
var FILE_LIST = ["/static/app.css", "/static/pages.js", "/static/outbox.js", "/outbox"];
var SKIPPED = /^\/(api\/|t\/|01\/|login|logout|sw\.js|\.well-known\/)/;

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(FILES)
    .then(function (cache) { return cache.addAll(FILE_LIST); })
    .catch(function () { return null; })
    .then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (name) { return name !== PAGES && name !== FILES; })
      .map(function (name) { return caches.delete(name); }));
  }).then(function () { return self.clients.claim(); }));
});

function trim(cache) {
  return cache.keys().then(function (requests) {
    var extra = requests.length - MAX_PAGES;
    return Promise.all(requests.slice(0, Math.max(extra, 0)).map(function (request) { return cache.delete(request); }));
  });
}

function keep(name, request, response) {
  var type = response.headers.get("Content-Type") || "";
  if (response.status !== 200 || response.redirected || !(type.indexOf("text/") === 0 || name === FILES)) {
    return;
  }
  var copy = response.clone();
  caches.open(name).then(function (cache) {
    return cache.put(request, copy).then(function () { return name === PAGES ? trim(cache) : null; });
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  var url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin || SKIPPED.test(url.pathname)) {
    return;
  }
  var files = url.pathname.indexOf("/static/") === 0;
  if (!files && request.mode !== "navigate") {
    return;
  }
  var name = files ? FILES : PAGES;
  event.respondWith(fetch(request).then(function (response) {
    keep(name, request, response);
    return response;
  }).catch(function () {
    return caches.match(request, {ignoreVary: true}).then(function (hit) {
      return hit || caches.match("/outbox");
    }).then(function (hit) {
      return hit || Response.error();
    });
  }));
});
