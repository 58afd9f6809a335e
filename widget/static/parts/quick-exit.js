// Quick exit (the button, Esc pressed twice anywhere on the page, or SafeHarbour.quickExit()): clear the
// conversation from the page and the tab's storage, then replace the page with a neutral one, so that Back
// does not return to the chat.
(function (global, parts) {
  'use strict';

  var ESC_WINDOW_MS = 1200;

  /** Esc twice within about a second, anywhere on the page (listening through widget.on). */
  function onEscapeTwice(widget) {
    var lastEscape = 0;
    widget.on(document, 'keydown', function (e) {
      if ((e.key !== 'Escape' && e.key !== 'Esc') || e.repeat) return;
      var now = Date.now();
      if (now - lastEscape <= ESC_WINDOW_MS) {
        e.preventDefault();
        widget.quickExit();
      } else {
        lastEscape = now;
      }
    }, true);
  }

  /** Leaves for `target`: storage first, then the widget (`shutDown`), then whatever the host page shows. */
  function leave(target, shutDown, onExit) {
    parts.forget();
    shutDown();
    // Hide whatever the host page shows while the neutral page loads.
    try {
      document.documentElement.style.background = '#fff';
      if (document.body) document.body.style.visibility = 'hidden';
      document.title = '';
    } catch (e) { /* a page that forbids it still gets replaced below */ }
    if (typeof onExit === 'function') {
      try { onExit(target); } catch (e) { /* the host's callback must not stop the exit */ }
    }
    // Host pages (and the tests) may clear their own state too: this fires after the widget has gone.
    try {
      global.dispatchEvent(new CustomEvent('safeharbour:exit', { detail: { url: target } }));
    } catch (e) { /* no CustomEvent: nothing to tell */ }
    // replace(): the chat page is not kept in the tab's history, so Back does not return to it.
    global.location.replace(target);
  }

  parts.quickExit = { onEscapeTwice: onEscapeTwice, leave: leave };
})(window, window.SafeHarbourParts);
