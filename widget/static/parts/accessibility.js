// Keyboard, focus and reading position: Enter sends and Shift+Enter starts a new line, focus goes where
// the next action is, a long answer is shown from its beginning, and the message box reads in the right
// direction. (Esc twice is in quick-exit.js; every label is set by panel.js in the current language.)
(function (global, parts) {
  'use strict';

  /** Enter without Shift, and not while an input method is composing a word. */
  function isSendKey(e) {
    return e.key === 'Enter' && !e.shiftKey && !e.isComposing && e.keyCode !== 229;
  }

  /** Focus the message box, except on touch screens, where that would pop up the keyboard unasked. */
  function focusMessageBox(input) {
    var coarse = global.matchMedia && global.matchMedia('(pointer: coarse)').matches;
    if (!coarse) input.focus();
  }

  /** Opening moves focus to the message box; minimising returns it to the launcher. */
  function focusAfterToggle(view, open) {
    if (open) {
      scrollToEnd(view.log);
      view.input.focus();
    } else if (view.launcher) {
      view.launcher.focus();
    }
  }

  function scrollToEnd(log) {
    log.scrollTop = log.scrollHeight;
  }

  /** A long answer is shown from its beginning (so it can be read from the top), a short one at the end. */
  function reveal(log, node) {
    if (node.offsetHeight > log.clientHeight - 16) log.scrollTop = Math.max(0, node.offsetTop - 12);
    else scrollToEnd(log);
  }

  /** An empty box takes the interface's direction (so the placeholder reads right); typed text its own. */
  function setInputDirection(input, lang) {
    input.setAttribute('dir', input.value.trim() ? 'auto' : parts.languages.direction(lang));
  }

  parts.accessibility = {
    isSendKey: isSendKey,
    focusMessageBox: focusMessageBox,
    focusAfterToggle: focusAfterToggle,
    scrollToEnd: scrollToEnd,
    reveal: reveal,
    setInputDirection: setInputDirection
  };
})(window, window.SafeHarbourParts);
