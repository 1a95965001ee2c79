// Turning Web Push on or off for this device, on the notification settings page. Progressive:
// without JavaScript or without push support the buttons stay hidden and the page still works.
(function () {
  'use strict';
  var box = document.getElementById('push-device');
  if (!box) return;
  var enable = box.querySelector('[data-push="enable"]');
  var disable = box.querySelector('[data-push="disable"]');
  var status = box.querySelector('[data-push="status"]');
  var say = function (key) { status.textContent = box.getAttribute('data-msg-' + key) || ''; };
  if (!('serviceWorker' in navigator) || !('PushManager' in window) || !('Notification' in window)) { say('unsupported'); return; }
  var key = box.getAttribute('data-vapid-key');
  var csrf = box.getAttribute('data-csrf');
  var toBytes = function (b64) {
    var s = window.atob((b64 + '==='.slice((b64.length + 3) % 4)).replace(/-/g, '+').replace(/_/g, '/'));
    var out = new Uint8Array(s.length);
    for (var i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
    return out;
  };
  var send = function (method, body) {
    return fetch('/api/v1/notifications/devices', { method: method, credentials: 'same-origin', headers: { 'content-type': 'application/json', 'x-csrf-token': csrf }, body: JSON.stringify(body) })
      .then(function (r) { if (!r.ok) throw new Error('HTTP ' + r.status); });
  };
  var show = function (sub) { enable.hidden = !!sub; disable.hidden = !sub; };
  var reg = navigator.serviceWorker.register('/sw.js', { scope: '/' });
  reg.then(function (r) { return r.pushManager.getSubscription(); }).then(show, function () { say('unsupported'); });
  enable.addEventListener('click', function () {
    enable.disabled = true;
    window.Notification.requestPermission()
      .then(function (p) {
        if (p !== 'granted') { say('denied'); throw null; }
        return reg.then(function (r) { return r.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: toBytes(key) }); });
      })
      .then(function (sub) { return send('POST', sub.toJSON()).then(function () { show(sub); say('enabled'); setTimeout(function () { window.location.reload(); }, 800); }); })
      .catch(function (e) { if (e !== null) say('failed'); })
      .then(function () { enable.disabled = false; });
  });
  disable.addEventListener('click', function () {
    reg.then(function (r) { return r.pushManager.getSubscription(); })
      .then(function (sub) { if (!sub) return; return send('DELETE', { endpoint: sub.endpoint }).then(function () { return sub.unsubscribe(); }); })
      .then(function () { show(null); say('disabled'); setTimeout(function () { window.location.reload(); }, 800); }, function () { say('failed'); });
  });
})();
