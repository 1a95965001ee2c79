// Read-aloud for the reading view (distribution), progressive enhancement only: the button is
// shown only with JavaScript (.js-only) and speaks the text with the browser's speech synthesis
// when a Vietnamese voice exists; otherwise it says clearly why it cannot.
(function () {
  'use strict';
  var button = document.querySelector('[data-read-aloud]');
  if (!button) return;
  var target = document.getElementById(button.getAttribute('data-read-aloud'));
  var status = document.getElementById('read-aloud-status');
  var label = button.textContent;
  var speaking = false;
  function say(message) { if (status) status.textContent = message; }
  if (!('speechSynthesis' in window) || typeof window.SpeechSynthesisUtterance !== 'function') {
    button.addEventListener('click', function () { say(button.getAttribute('data-no-speech')); });
    return;
  }
  var synth = window.speechSynthesis;
  function vietnameseVoice() {
    var voices = synth.getVoices() || [];
    for (var i = 0; i < voices.length; i++) if (/^vi([-_]|$)/i.test(voices[i].lang)) return voices[i];
    return null;
  }
  // Voices load late on some phones: wait for them a moment before saying there is none.
  function withVoices(then) {
    if ((synth.getVoices() || []).length) return then();
    var done = false;
    function finish() { if (!done) { done = true; then(); } }
    if (typeof synth.addEventListener === 'function') synth.addEventListener('voiceschanged', finish);
    setTimeout(finish, 1500);
  }
  // Long texts are spoken sentence by sentence: some engines stop a long utterance half-way.
  function chunks(text) {
    var parts = text.replace(/\s+/g, ' ').match(/[^.!?;:]+[.!?;:]*/g) || [];
    var out = [];
    var current = '';
    for (var i = 0; i < parts.length; i++) {
      if ((current + parts[i]).length > 220 && current) { out.push(current); current = ''; }
      current += parts[i];
    }
    if (current.trim()) out.push(current);
    return out;
  }
  function stop() {
    synth.cancel();
    speaking = false;
    button.textContent = label;
    button.setAttribute('aria-pressed', 'false');
  }
  button.setAttribute('aria-pressed', 'false');
  button.addEventListener('click', function () {
    if (speaking) { stop(); return; }
    withVoices(function () {
      var voice = vietnameseVoice();
      if (!voice) { say(button.getAttribute('data-no-voice')); return; }
      say('');
      var list = chunks(target ? target.innerText || target.textContent : '');
      if (!list.length) return;
      speaking = true;
      button.textContent = button.getAttribute('data-stop');
      button.setAttribute('aria-pressed', 'true');
      list.forEach(function (text, i) {
        var u = new window.SpeechSynthesisUtterance(text);
        u.voice = voice;
        u.lang = voice.lang;
        u.rate = 0.9;
        if (i === list.length - 1) u.onend = stop;
        synth.speak(u);
      });
    });
  });
  window.addEventListener('pagehide', function () { if (speaking) synth.cancel(); });
})();
