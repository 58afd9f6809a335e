// What the widget keeps in this tab's sessionStorage (never localStorage): the session id, the language,
// whether the chat is open, and the messages. Quick exit removes it all (SafeHarbourParts.forget, in the
// loader).
(function (global, parts) {
  'use strict';

  var PREFIX = parts.storagePrefix;
  var SESSION_ID = /^[A-Za-z0-9_-]{8,64}$/;

  function area() {
    try { return global.sessionStorage; } catch (e) { return null; }
  }

  function get(key) {
    var s = area();
    if (!s) return null;
    try { return s.getItem(PREFIX + key); } catch (e) { return null; }
  }

  function set(key, value) {
    var s = area();
    if (!s) return;
    try { s.setItem(PREFIX + key, value); } catch (e) { /* full or blocked: the chat still works */ }
  }

  function newSessionId() {
    var bytes = new Uint8Array(16);
    (global.crypto || global.msCrypto).getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ('0' + b.toString(16)).slice(-2); }).join('');
  }

  /** The tab's session id: the stored one, or a new random one (stored). */
  function sessionId() {
    var id = get('sessionId');
    if (!id || !SESSION_ID.test(id)) {
      id = newSessionId();
      set('sessionId', id);
    }
    return id;
  }

  parts.storage = {
    get: get,
    set: set,
    sessionId: sessionId,
    isSessionId: function (id) { return SESSION_ID.test(id); }
  };
})(window, window.SafeHarbourParts);
