/* Mijn Overzicht's service worker (issue 17). SHELL, the list of files kept for offline use, is
   put in front of this file by the server (app/device). Pages: network first; without network
   the kept copy of that page (only if the server marked it to keep, see app/device), else the
   offline page. Staff pages are never touched. No framework: this is all of it. */
"use strict";
var SHELL_CACHE = "shell";
var KEPT_CACHE = "kept";
var KEEP_HEADER = "X-Keep-Offline";
var OFFLINE = SHELL[0];
var NEVER = /^\/(medewerker|beheer|test-idp)(\/|$)/;
var KEPT_PATHS = ["/", "/overzicht.pdf"];

self.addEventListener("install", function (event) {
  // Without cookies: the shell is the same for everyone and names no one.
  var requests = SHELL.map(function (url) { return new Request(url, { credentials: "omit" }); });
  event.waitUntil(caches.open(SHELL_CACHE).then(function (cache) {
    return cache.addAll(requests);
  }).then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.open(SHELL_CACHE).then(function (cache) {
    return cache.keys().then(function (keys) {
      return Promise.all(keys.map(function (request) {
        var url = new URL(request.url);
        return SHELL.indexOf(url.pathname + url.search) < 0 ? cache.delete(request) : null;
      }));
    });
  }).then(function () { return self.clients.claim(); }));
});

self.addEventListener("message", function (event) {
  if (event.data === "forget") event.waitUntil(caches.delete(KEPT_CACHE));
});

function forget() { return caches.delete(KEPT_CACHE); }

function withNote(kept) {
  var note = decodeURIComponent(kept.headers.get(KEEP_HEADER) || "");
  if ((kept.headers.get("Content-Type") || "").indexOf("text/html") < 0) return kept;
  return kept.text().then(function (html) {
    var box = '<div class="notice" role="status"><p>' + note + "</p></div>";
    html = html.replace(/(<main[^>]*>)/, "$1" + box);
    return new Response(html, { headers: { "Content-Type": "text/html; charset=utf-8" } });
  });
}

function page(request, url) {
  var key = url.pathname + url.search;
  var keepable = KEPT_PATHS.indexOf(url.pathname) >= 0;
  return fetch(request).then(function (response) {
    var keep = response.headers.get(KEEP_HEADER);
    if (keep === "0") {
      forget();  // logged out, session over, choice off, someone else: keep nothing
    } else if (keep && keepable && response.ok && !response.redirected) {
      var copy = response.clone();
      caches.open(KEPT_CACHE).then(function (cache) { return cache.put(key, copy); });
    }
    return response;
  }, function () {
    return caches.open(KEPT_CACHE).then(function (cache) {
      return keepable ? cache.match(key) : undefined;
    }).then(function (kept) {
      if (kept) return withNote(kept);
      return request.mode === "navigate" ? caches.match(OFFLINE) : Response.error();
    });
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  var url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin || NEVER.test(url.pathname)) return;
  if (request.mode === "navigate" || url.pathname === "/overzicht.pdf") {
    event.respondWith(page(request, url));
  } else if (SHELL.indexOf(url.pathname + url.search) >= 0) {
    event.respondWith(caches.match(request, { ignoreVary: true }).then(function (hit) {
      return hit || fetch(request);
    }));
  }
});

/* Push notices (issue 17): the message says only that something is waiting, and which page. */
self.addEventListener("push", function (event) {
  var data = {};
  try { data = event.data ? event.data.json() : {}; } catch (e) { data = {}; }
  event.waitUntil(self.registration.showNotification(data.title || "Mijn Overzicht", {
    body: data.body || "", lang: data.lang || "nl", data: { url: data.url || "/" }
  }));
});

self.addEventListener("notificationclick", function (event) {
  event.notification.close();
  var url = new URL(event.notification.data.url || "/", self.location.origin).href;
  event.waitUntil(self.clients.openWindow(url));
});
