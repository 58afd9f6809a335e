// Test hooks for the widget's browser tests, injected into every page before the page's own scripts
// (helpers.mjs: context.addInitScript). They are not part of the widget a site embeds, and the server does
// not serve this file. They reach the widget only from the outside: the socket.io client it creates, the
// DOM and sessionStorage. They render or report; they never send anything to the server.
(() => {
  let socket = null;
  let confirmed = false;
  let io;

  // socket.io's browser build assigns `window.io`: wrap it so that the widget's socket is the tests' too.
  Object.defineProperty(window, 'io', {
    configurable: true,
    get() { return io; },
    set(value) {
      if (typeof value !== 'function') { io = value; return; }
      const original = value;
      io = Object.assign(function (...args) {
        socket = original(...args);
        confirmed = false;
        socket.on('session_confirm', () => { confirmed = true; });
        socket.on('disconnect', () => { confirmed = false; });
        return socket;
      }, original);
    },
  });

  /** Hands `data` to the widget as if the server had sent `event` on the socket. */
  function deliver(event, data) {
    if (!socket) throw new Error('the widget has no socket.io connection yet');
    for (const listener of socket.listeners(event)) listener(data);
  }

  window.SafeHarbourTest = {
    /** What the tests check about the widget: null until it is on the page. */
    state() {
      const root = document.querySelector('[data-safe-harbour]');
      if (!root) return null;
      return {
        sessionId: sessionStorage.getItem('safeHarbour.sessionId'),
        language: root.getAttribute('lang'),
        connected: Boolean(socket && socket.connected && confirmed),
      };
    },
    socket() { return socket; },
    /** A bot message (or anything else) as if it came from the server. */
    renderBotMessage(message) { deliver('bot_uttered', message); },
    handoff(data) { deliver('handoff', data); },
    /** Pastes a picture into the message box, as a family might. */
    pasteFile() {
      const transfer = new DataTransfer();
      transfer.items.add(new File([new Uint8Array([137, 80, 78, 71])], 'photo.png', { type: 'image/png' }));
      document.querySelector('[data-safe-harbour] textarea')
        .dispatchEvent(new ClipboardEvent('paste', { clipboardData: transfer, bubbles: true, cancelable: true }));
    },
  };
})();
