// Progressive enhancement only: every page works without this file.
(function () {
  'use strict';
  document.documentElement.classList.add('js');
  // Buttons that only make sense with JavaScript (hidden otherwise by .js-only).
  document.addEventListener('click', function (e) {
    var t = e.target && e.target.closest ? e.target.closest('[data-print]') : null;
    if (t) window.print();
  });
  // Ask before destructive form submissions.
  document.addEventListener('submit', function (e) {
    var form = e.target;
    var message = form && form.getAttribute && form.getAttribute('data-confirm');
    if (message && !window.confirm(message)) e.preventDefault();
  });
  // Move focus to the error summary so screen readers announce it.
  var summary = document.getElementById('error-summary');
  if (summary) summary.focus();
  // Pages may also ask to be reloaded (Layout's refreshSeconds does the same without JavaScript).
  var progress = document.querySelector('[data-refresh-seconds]');
  if (progress) {
    var seconds = Number(progress.getAttribute('data-refresh-seconds')) || 2;
    setTimeout(function () { window.location.reload(); }, seconds * 1000);
  }
})();
