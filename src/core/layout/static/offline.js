// Offline reading and the queue of confirmations, progressive enhancement only (without it every
// form posts as usual). Loaded by the pages of a logged-in person, and by the service worker,
// which uses only the queue.
//  - registers the one service worker (sw.js) and, on the home page and "Văn bản của tôi", asks
//    it to keep the member's unread and bookmarked documents for reading offline;
//  - "Tôi đã đọc" / "Tôi đã nghiên cứu" (buttons with data-offline = their API address) post their
//    form as usual; when the server cannot be reached they are kept in IndexedDB with an
//    Idempotency-Key made here ("Đã lưu, sẽ gửi khi có mạng") and sent to the API with that key
//    on the next page, when the browser comes back online, every 30 seconds while the page stays
//    open, and by Background Sync. The server answers a repeated key with its first answer, and
//    a confirmation is one row per member: nothing is recorded twice.
(function (g) {
  'use strict';
  var STORE = 'queue';

  function open() {
    return new Promise(function (ok, ko) {
      var r = g.indexedDB.open('sotay-offline', 1);
      r.onupgradeneeded = function () { r.result.createObjectStore(STORE, { keyPath: 'key' }); };
      r.onsuccess = function () { ok(r.result); };
      r.onerror = function () { ko(r.error); };
    });
  }
  function run(mode, fn) {
    return open().then(function (db) {
      return new Promise(function (ok, ko) {
        var t = db.transaction(STORE, mode);
        var req = fn(t.objectStore(STORE));
        t.oncomplete = function () { db.close(); ok(req.result); };
        t.onerror = t.onabort = function () { db.close(); ko(t.error); };
      });
    });
  }
  function all() { return run('readonly', function (s) { return s.getAll(); }); }
  function put(e) { return run('readwrite', function (s) { return s.put(e); }); }
  function del(key) { return run('readwrite', function (s) { return s.delete(key); }); }

  /** Sends one entry: 'ok' (recorded, now or by an earlier try), 'keep' (try later), or { refused: the server's message }. */
  function send(e, csrf) {
    return fetch(e.url, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'content-type': 'application/json', 'x-csrf-token': csrf || e.csrf, 'idempotency-key': e.key },
      body: JSON.stringify(e.body),
    }).then(function (r) {
      if (r.ok) return 'ok';
      // Logged out, still running elsewhere, too many, or the server's trouble: later.
      if (r.status === 401 || r.status === 409 || r.status === 429 || r.status >= 500) return 'keep';
      return r.json().then(function (b) {
        var err = (b && b.error) || {};
        return err.code === 'csrf' ? 'keep' : { refused: err.message || String(r.status) };
      }, function () { return 'keep'; });
    }, function () { return 'keep'; });
  }

  /** Replays the queue: `user`'s entries with this page's token, or (the worker) every entry with its own token. */
  function flush(user, csrf) {
    var go = function () {
      return all().then(function (list) {
        var done = [];
        var left = 0;
        return list.reduce(function (p, e) {
          if (e.refused || (user && e.user !== user)) return p;
          return p.then(function () { return send(e, csrf); }).then(function (res) {
            if (res === 'ok') { done.push(e.page); return del(e.key); }
            if (res === 'keep') { left++; return undefined; }
            e.refused = res.refused;
            return put(e);
          });
        }, Promise.resolve()).then(function () { return { done: done, left: left }; });
      });
    };
    // One replay at a time across tabs and the worker (the server would refuse the second anyway).
    return g.navigator.locks ? g.navigator.locks.request('sotay-queue', go) : go();
  }

  g.sotayQueue = { all: all, put: put, del: del, send: send, flush: flush };
  if (typeof document === 'undefined') return; // the service worker stops here

  var meta = document.querySelector('meta[name="sotay-user"]');
  var user = meta && meta.content;
  if (!user) return;
  var root = document.documentElement;
  var path = g.location.pathname;
  var status = document.querySelector('[data-offline-status]');
  // The page a confirmation belongs to (this address may be the answer to a form's post).
  var page = (status && status.getAttribute('data-page')) || path;
  var refresh = function () { g.location.replace(page); };
  // A confirmation sent (by this tab or another) after this page was asked for is not on it yet.
  var sentKey = 'sotay-sent:' + page;
  var markSent = function (pages) {
    try { pages.forEach(function (p) { g.localStorage.setItem('sotay-sent:' + p, String(Date.now())); }); } catch { /* private mode */ }
  };
  var sentSince = function () {
    try { return Number(g.localStorage.getItem(sentKey)) >= g.performance.timeOrigin; } catch { return false; }
  };
  g.addEventListener('storage', function (ev) { if (ev.key === sentKey) refresh(); });
  var token = function () { var i = document.querySelector('input[name="_csrf"]'); return i ? i.value : ''; };
  var sw = 'serviceWorker' in navigator ? navigator.serviceWorker : null;
  var reg = sw ? sw.register('/sw.js', { scope: '/' }) : Promise.reject(new Error('no service worker'));
  reg.catch(function () { root.setAttribute('data-offline', 'unsupported'); });

  if (sw) {
    sw.addEventListener('message', function (m) {
      var d = m.data || {};
      if (d.type === 'precached') root.setAttribute('data-offline', d.count >= 0 ? 'ready' : 'failed');
      if (d.type === 'sent' && d.pages.indexOf(page) >= 0) refresh();
    });
    if (sw.startMessages) sw.startMessages();
    if (path === '/' || path === '/reading') {
      // A page the worker already served is fresh in its cache (unless it showed a one-shot message): no need to fetch it again.
      var skip = sw.controller && !document.querySelector('.flash') ? path + g.location.search : null;
      sw.ready.then(function (r) { r.active.postMessage({ type: 'precache', user: user, skip: skip }); });
    }
  }

  var say = function (key, extra) {
    if (status) status.textContent = (status.getAttribute('data-msg-' + key) || '') + (extra ? ' ' + extra : '');
  };
  var hideForm = function (url) {
    var bs = document.querySelectorAll('[data-offline]');
    for (var i = 0; i < bs.length; i++) if (bs[i].getAttribute('data-offline') === url) bs[i].form.hidden = true;
  };

  // What waits for this page: "saved, will be sent", or the server's refusal (said once).
  var show = function () {
    return all().then(function (list) {
      list.forEach(function (e) {
        if (e.user !== user || e.page !== page) return;
        if (e.refused) { say('refused', e.refused); del(e.key); } else { say('saved'); hideForm(e.url); }
      });
    });
  };

  var busy = null;
  var replay = function () {
    if (busy || !g.indexedDB) return busy;
    busy = flush(user, token()).then(function (r) {
      busy = null;
      root.setAttribute('data-queue', r.left ? 'waiting' : 'empty');
      markSent(r.done);
      if (sentSince()) return refresh();
      if (r.left) setTimeout(replay, 30000);
      return show();
    }, function () { busy = null; });
    return busy;
  };

  var later = function (e, b) {
    return put(e).then(function () {
      say('saved');
      hideForm(e.url);
      root.setAttribute('data-queue', 'waiting');
      reg.then(function (r) { if (r.sync) return r.sync.register('sotay-queue'); }).catch(function () {});
      setTimeout(replay, 30000);
    }, function () { b.disabled = false; });
  };

  document.addEventListener('submit', function (ev) {
    var f = ev.target;
    if (f.getAttribute('action') === '/logout') {
      if (sw && sw.controller) sw.controller.postMessage({ type: 'clear' });
      return;
    }
    var b = f.querySelector('[data-offline]');
    if (!b || ev.defaultPrevented || !g.indexedDB) return;
    ev.preventDefault();
    var text = f.querySelector('textarea[name="reflection"]');
    var c = g.crypto;
    var e = {
      key: 'q-' + (c && c.randomUUID ? c.randomUUID() : Date.now().toString(36) + Math.random().toString(36).slice(2)),
      user: user,
      csrf: token(),
      url: b.getAttribute('data-offline'),
      page: page,
      // The time the member pressed the button: the server keeps it (within bounds) when the queue is sent later.
      body: text ? { reflection: text.value, confirmedAt: new Date().toISOString() } : { confirmedAt: new Date().toISOString() },
      at: Date.now(),
    };
    b.disabled = true;
    // Online, the form posts as it would without JavaScript (the server's message shows on the
    // page it redirects to); only when the server cannot be reached is it queued for its API.
    fetch(f.action, { method: 'POST', body: new g.URLSearchParams(new FormData(f)), credentials: 'same-origin', redirect: 'manual' }).then(function (r) {
      if (r.type === 'opaqueredirect') return refresh();
      if (r.status >= 500) return later(e, b);
      // Refused (a reflection too short, a stale form…): the plain form shows the server's message.
      f.submit();
    }, function () { return later(e, b); });
  });

  g.addEventListener('online', replay);
  if (g.indexedDB) replay();
})(self);
