/* global window, document, EventSource */
// The meeting room, live: numbers of answers, counts and the quorum follow the server's events
// (server-sent events); when a question opens or closes, or the meeting ends, the page reloads —
// unless the member is typing, then a button offers to. Every page works without this file.
(function () {
  'use strict';
  var root = document.getElementById('room');
  if (!root || !window.EventSource) return;
  var url = root.getAttribute('data-live');
  if (!url) return;
  var version = root.getAttribute('data-version');
  function set(scope, key, text) {
    var els = scope.querySelectorAll('[data-k="' + key + '"]');
    for (var i = 0; i < els.length; i++) {
      var tpl = els[i].getAttribute('data-tpl');
      var value = tpl ? tpl.replace('{n}', text) : String(text);
      if (els[i].textContent !== value) els[i].textContent = value;
    }
  }
  function typing() {
    var a = document.activeElement;
    return a && (a.tagName === 'TEXTAREA' || (a.tagName === 'INPUT' && a.type === 'text'));
  }
  function offerReload() {
    if (document.getElementById('room-reload')) return;
    var p = document.createElement('p');
    p.className = 'notice';
    p.id = 'room-reload';
    var b = document.createElement('button');
    b.type = 'button';
    b.textContent = root.getAttribute('data-reload-label') || 'Tải lại trang';
    b.addEventListener('click', function () { window.location.reload(); });
    p.appendChild(b);
    root.insertBefore(p, root.firstChild);
  }
  var es = new EventSource(url);
  es.onmessage = function (e) {
    var s;
    try { s = JSON.parse(e.data); } catch { return; }
    if (s.version !== version) {
      // Reload once for a given change; if the page still differs (it should not), offer a button instead of looping.
      var key = 'room-reload:' + url + ':' + s.version;
      var again;
      try { again = window.sessionStorage.getItem(key) === '1'; window.sessionStorage.setItem(key, '1'); } catch { again = false; }
      if (typing() || again) offerReload();
      else { es.close(); window.location.reload(); }
      return;
    }
    set(root, 'presentVoters', s.quorum.presentVoters);
    set(root, 'present', s.present);
    for (var i = 0; i < s.questions.length; i++) {
      var q = s.questions[i];
      var el = root.querySelector('[data-q="' + q.id + '"]');
      if (!el) continue;
      set(el, 'answered', q.answered);
      set(el, 'eligible', q.eligible);
      if (q.counts) for (var k in q.counts) if (Object.prototype.hasOwnProperty.call(q.counts, k)) set(el, 'c-' + k, q.counts[k]);
      if (q.average != null) set(el, 'avg', q.average);
      el.setAttribute('data-stamp', s.stamp);
    }
    root.setAttribute('data-stamp', s.stamp);
  };
})();
