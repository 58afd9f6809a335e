// The status line under the log (role="status"): the typing indicator while an answer is awaited, and
// the connection notices (lost, back, no answer, could not send), in the interface's language.
(function (parts) {
  'use strict';

  var text = parts.dom.text;

  /**
   * view: the panel (typing, typingText, connection); t: the words of the moment; replyTimeoutMs: how long
   * to wait for an answer before saying none came.
   */
  function Status(view, t, replyTimeoutMs) {
    this.view = view;
    this.t = t;
    this.replyTimeoutMs = replyTimeoutMs;
    this.pending = 0;
    this.typingTimer = null;
    this.offlineTimer = null;
    this.wasOnline = false;
    this.isOffline = false;
  }

  Status.prototype.startTyping = function () {
    var self = this;
    this.pending++;
    this.view.typing.hidden = false;
    clearTimeout(this.typingTimer);
    this.typingTimer = setTimeout(function () {
      if (!self.pending) return;
      self.stopTyping();
      self.show('noAnswer');
    }, this.replyTimeoutMs);
  };

  Status.prototype.stopTyping = function () {
    this.pending = 0;
    this.view.typing.hidden = true;
    clearTimeout(this.typingTimer);
  };

  /** Shows the connection notice `key`, or none (null). */
  Status.prototype.show = function (key) {
    var line = this.view.connection;
    if (!key) {
      line.hidden = true;
      line.textContent = '';
      line.removeAttribute('data-key');
      return;
    }
    text(line, this.t(key));
    line.setAttribute('data-key', key);
    line.hidden = false;
  };

  Status.prototype.shown = function () {
    return this.view.connection.getAttribute('data-key');
  };

  /** An answer arrived: no more typing, and a "no answer" or "could not send" notice is out of date. */
  Status.prototype.answered = function () {
    this.stopTyping();
    var shown = this.shown();
    if (shown === 'noAnswer' || shown === 'sendError') this.show(null);
  };

  Status.prototype.sendError = function () {
    this.stopTyping();
    this.show('sendError');
  };

  Status.prototype.online = function () {
    var self = this;
    clearTimeout(this.offlineTimer);
    this.offlineTimer = null;
    if (this.isOffline) {
      this.isOffline = false;
      this.show('online');
      setTimeout(function () {
        if (!self.isOffline && self.shown() === 'online') self.show(null);
      }, 4000);
    }
    this.wasOnline = true;
  };

  /** The connection dropped. A short blip is not worth a message; one that lasts is (`stillDown()` says). */
  Status.prototype.offline = function (stillDown) {
    var self = this;
    if (this.isOffline || this.offlineTimer) return;
    this.offlineTimer = setTimeout(function () {
      self.offlineTimer = null;
      if (!stillDown()) return;
      self.isOffline = true;
      self.stopTyping();
      self.show('offline');
    }, this.wasOnline ? 1500 : 4000);
  };

  /** After a change of language. */
  Status.prototype.relabel = function () {
    text(this.view.typingText, this.t('typing'));
    var key = this.shown();
    if (key) text(this.view.connection, this.t(key));
  };

  Status.prototype.stop = function () {
    clearTimeout(this.typingTimer);
    clearTimeout(this.offlineTimer);
  };

  parts.status = { Status: Status };
})(window.SafeHarbourParts);
