// Progressive enhancement for long unit lists (the tasks feature's unit pickers): a search box,
// hidden in the page until this script shows it, narrows its <select> as one types, with or
// without Vietnamese accents. Options already chosen always stay in the list, so narrowing never
// drops a choice. Without this file the plain list works as before.
(function () {
  'use strict';
  var fold = function (s) {
    return s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/[đĐ]/g, 'd').toLowerCase().replace(/\s+/g, ' ').trim();
  };
  document.querySelectorAll('[data-unit-filter]').forEach(function (box) {
    var select = document.getElementById(box.getAttribute('data-unit-filter'));
    var input = box.querySelector('input');
    var status = box.querySelector('[role="status"]');
    if (!select || !input) return;
    // The list as the server sent it: loose options (the blank choice) and groups with their options.
    var parts = Array.prototype.map.call(select.children, function (node) {
      var options = node.tagName === 'OPTGROUP' ? Array.prototype.slice.call(node.children) : null;
      return { node: node, options: options, keys: options ? options.map(function (o) { return fold(o.textContent || ''); }) : null };
    });
    var timer = null;
    var apply = function () {
      var q = fold(input.value);
      var shown = 0;
      parts.forEach(function (part) {
        if (!part.options) {
          select.appendChild(part.node);
          return;
        }
        part.options.forEach(function (o, i) {
          var match = q === '' || part.keys[i].indexOf(q) >= 0;
          if (match || o.selected) {
            part.node.appendChild(o);
            if (match) shown++;
          } else if (o.parentNode) {
            o.parentNode.removeChild(o);
          }
        });
        if (part.node.children.length) select.appendChild(part.node);
        else if (part.node.parentNode) part.node.parentNode.removeChild(part.node);
      });
      if (status) {
        status.textContent = q === '' ? '' : (shown === 0 ? box.getAttribute('data-none') : shown === 1 ? box.getAttribute('data-one') : (box.getAttribute('data-many') || '').replace('{n}', String(shown)));
      }
    };
    input.addEventListener('input', function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(apply, 120);
    });
    // Enter in the box goes to the list rather than sending the form half-filled.
    input.addEventListener('keydown', function (e) {
      if (e.key === 'Enter') {
        e.preventDefault();
        window.clearTimeout(timer);
        apply();
        select.focus();
      }
    });
    box.hidden = false;
  });
})();
