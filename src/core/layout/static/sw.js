// Sổ tay's service worker, the only one of the site (scope "/"). It shows Web Push notifications
// and keeps pages for reading without a connection. The server writes `self.SOTAY` above this
// text: the version (it changes with any shell file, so phones update) and the files to keep.
//  - /static/…?v=hash (immutable): cache first.
//  - pages: network first. A copy is kept when the server marks the page (X-Sotay-Offline), in a
//    cache of that account only (X-Sotay-User). Without a network the copy is shown, or the
//    offline page.
//  - a page of another account, or of nobody (the login page after logging out), deletes the kept
//    pages; so does a "clear" message (the page sends it when the member logs out).
//  - "precache" (from the home page and "Văn bản của tôi"): fetches the pages listed by
//    /api/v1/offline/pages — the member's unread and bookmarked documents — ahead of time.
//  - Background Sync: replays confirmations queued offline (the queue is offline.js, shared with the page).
'use strict';
var SOTAY = self.SOTAY;
var STATIC = 'sotay-static-' + SOTAY.version;
var PAGES = 'sotay-pages-';
try {
  self.importScripts(SOTAY.queue);
} catch {
  // Without the queue the worker still shows notifications and pages; open pages replay the queue.
}

self.addEventListener('install', function (e) {
  e.waitUntil(caches.open(STATIC).then(function (c) {
    // One missing file must not cost the member their notifications: keep what arrives.
    return Promise.all(SOTAY.precache.map(function (u) {
      return fetch(u, { cache: 'reload', credentials: 'same-origin' }).then(function (r) { if (r.ok) return c.put(u, r); }, function () {});
    }));
  }).then(function () { return self.skipWaiting(); }));
});

self.addEventListener('activate', function (e) {
  e.waitUntil(caches.keys().then(function (keys) {
    return Promise.all(keys.filter(function (k) { return k.indexOf('sotay-static-') === 0 && k !== STATIC; }).map(function (k) { return caches.delete(k); }));
  }).then(function () { return self.clients.claim(); }));
});

self.addEventListener('fetch', function (e) {
  var req = e.request;
  if (req.method !== 'GET') return;
  var url = new URL(req.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname.indexOf('/static/') === 0 && url.searchParams.has('v')) e.respondWith(shellFile(req));
  else if (req.mode === 'navigate') e.respondWith(page(e));
});

function shellFile(req) {
  return caches.open(STATIC).then(function (c) {
    return c.match(req).then(function (hit) {
      if (hit) return hit;
      return fetch(req).then(function (r) {
        if (r.ok) c.put(req, r.clone());
        return r;
      }, function () {
        // A page kept before the last update names an older version of the file: give the current one.
        return c.match(req, { ignoreSearch: true }).then(function (any) { return any || self.Response.error(); });
      });
    });
  });
}

function page(e) {
  var req = e.request;
  return fetch(req).then(function (res) {
    e.waitUntil(keep(req.url, res.headers.get('x-sotay-user'), res.status === 200 && res.headers.get('x-sotay-offline') === '1' ? res.clone() : null, res));
    return res;
  }, function () {
    return kept(req.url).then(function (hit) { return hit || caches.match('/offline'); }).then(function (r) { return r || self.Response.error(); });
  });
}

/** After a page arrived: forget other accounts' pages, then keep this copy (or drop a stale one). */
function keep(url, user, copy, res) {
  if (!user) return res.status === 200 && res.type === 'basic' ? drop('') : Promise.resolve();
  return drop(user).then(function () { return caches.open(PAGES + user); }).then(function (c) { return copy ? c.put(url, copy) : c.delete(url); });
}

/** Deletes the kept pages of every account but `user` (all of them for ''). */
function drop(user) {
  return caches.keys().then(function (keys) {
    return Promise.all(keys.filter(function (k) { return k.indexOf(PAGES) === 0 && k !== PAGES + user; }).map(function (k) { return caches.delete(k); }));
  });
}

function kept(url) {
  return caches.keys().then(function (keys) {
    var mine = keys.filter(function (k) { return k.indexOf(PAGES) === 0; });
    // Never more than one account's pages; if ever several, show none rather than the wrong one.
    if (mine.length !== 1) return undefined;
    return caches.open(mine[0]).then(function (c) { return c.match(url); });
  });
}

/** Fetches the member's offline pages: lists every time (but `skip`, just loaded), documents once; forgets the rest. */
function precache(user, skip) {
  return fetch('/api/v1/offline/pages', { credentials: 'same-origin', cache: 'no-store' }).then(function (r) {
    if (!r.ok || !user || r.headers.get('x-sotay-user') !== user) return -1;
    return r.json().then(function (list) {
      return drop(user).then(function () { return caches.open(PAGES + user); }).then(function (c) {
        var want = list.pages.concat(list.documents);
        return c.keys().then(function (have) {
          var cached = {};
          have.forEach(function (q) { var u = new URL(q.url); cached[u.pathname + u.search] = q; });
          var gone = Object.keys(cached).filter(function (k) { return want.indexOf(k) < 0; }).map(function (k) { return c.delete(cached[k]); });
          var todo = list.pages.filter(function (u) { return u !== skip; }).concat(list.documents.filter(function (u) { return !cached[u]; }));
          return Promise.all(gone).then(function () {
            // One at a time: a slow line is shared with whatever the member does meanwhile.
            return todo.reduce(function (p, u) { return p.then(function () { return fetchPage(c, u, user); }); }, Promise.resolve());
          }).then(function () { return want.length; });
        });
      });
    });
  }).catch(function () { return -1; });
}

function fetchPage(c, u, user) {
  return fetch(u, { credentials: 'same-origin', headers: { 'x-sotay-precache': '1' } }).then(function (r) {
    if (r.status === 200 && !r.redirected && r.headers.get('x-sotay-user') === user && r.headers.get('x-sotay-offline') === '1') return c.put(u, r);
  }, function () {});
}

function tell(message) {
  return self.clients.matchAll({ type: 'window' }).then(function (list) { list.forEach(function (c) { c.postMessage(message); }); });
}

self.addEventListener('message', function (e) {
  var d = e.data || {};
  if (d.type === 'clear') e.waitUntil(drop(''));
  else if (d.type === 'precache') {
    e.waitUntil(precache(d.user, d.skip).then(function (n) { if (e.source) e.source.postMessage({ type: 'precached', count: n }); }));
  }
});

// Background Sync (where the browser has it): replay the queue even with no page open. Each
// entry carries its page's CSRF token, valid only with its own account's session.
self.addEventListener('sync', function (e) {
  if (e.tag !== 'sotay-queue' || !self.sotayQueue) return;
  e.waitUntil(self.sotayQueue.flush(null, null).then(function (r) {
    if (r.done.length) tell({ type: 'sent', pages: r.done });
    if (r.left) throw new Error('confirmations still waiting');
  }));
});

self.addEventListener('push', function (e) {
  var d;
  try { d = e.data ? e.data.json() : {}; } catch { d = { title: e.data ? e.data.text() : '' }; }
  e.waitUntil(self.registration.showNotification(d.title || 'Sổ tay', {
    body: d.body || '',
    tag: d.tag || undefined,
    data: { url: d.url || '/notifications' },
    icon: '/static/icon.svg',
    lang: 'vi',
    requireInteraction: !!d.urgent,
  }));
});

self.addEventListener('notificationclick', function (e) {
  e.notification.close();
  var url = new URL((e.notification.data && e.notification.data.url) || '/notifications', self.location.origin).href;
  e.waitUntil(self.clients.matchAll({ type: 'window', includeUncontrolled: true }).then(function (list) {
    for (var i = 0; i < list.length; i++) if (list[i].url === url && 'focus' in list[i]) return list[i].focus();
    return self.clients.openWindow(url);
  }));
});
