// How messages reach the server: the Rasa socket.io channel, or its REST channel when socket.io cannot be
// loaded. A transport tells its host (the widget) what happens: onOnline(), onOffline(), onBotMessage(m),
// onHandoff(d), onNoAnswer(), onSendError(), setSessionId(id); it reads host.config and host.sessionId.
(function (global, parts) {
  'use strict';

  /** socket.io: a session_request with the tab's id on every (re)connect; messages wait for session_confirm. */
  function SocketTransport(host) {
    this.host = host;
    this.confirmed = false;
    this.queue = [];
    var cfg = host.config;
    var socket = global.io(cfg.serverUrl, {
      path: cfg.socketPath,
      reconnection: true,
      reconnectionDelay: 1000,
      reconnectionDelayMax: 5000,
      timeout: 10000
    });
    this.socket = socket;
    var self = this;

    socket.on('connect', function () {
      self.confirmed = false;
      socket.emit('session_request', { session_id: host.sessionId });
    });
    socket.on('session_confirm', function (data) {
      var id = typeof data === 'string' ? data : (data && data.session_id);
      if (typeof id === 'string' && id && id !== host.sessionId) host.setSessionId(id);
      self.confirmed = true;
      host.onOnline();
      self.flush();
    });
    socket.on(cfg.botEvent, function (data) { host.onBotMessage(data); });
    socket.on('handoff', function (data) { host.onHandoff(data); });
    socket.on('disconnect', function (reason) {
      self.confirmed = false;
      host.onOffline();
      // The server closed the socket on purpose: socket.io does not retry by itself then.
      if (reason === 'io server disconnect') socket.connect();
    });
    socket.on('connect_error', function () { host.onOffline(); });
  }

  SocketTransport.prototype.isConnected = function () {
    return this.confirmed;
  };

  SocketTransport.prototype.send = function (message, metadata) {
    this.queue.push({ message: message, metadata: metadata });
    this.flush();
  };

  SocketTransport.prototype.flush = function () {
    while (this.confirmed && this.socket.connected && this.queue.length) {
      var item = this.queue.shift();
      this.socket.emit(this.host.config.userEvent, {
        message: item.message,
        session_id: this.host.sessionId,
        metadata: item.metadata
      });
    }
  };

  SocketTransport.prototype.close = function () {
    this.queue = [];
    try { this.socket.off(); this.socket.disconnect(); } catch (e) { /* already closed */ }
  };

  /** REST: POST {serverUrl}/webhooks/rest/webhook, one request at a time, in order. */
  function RestTransport(host) {
    this.host = host;
    this.chain = Promise.resolve();
    this.closed = false;
    host.onOnline();
  }

  RestTransport.prototype.isConnected = function () {
    return !this.closed;
  };

  RestTransport.prototype.send = function (message, metadata) {
    var self = this;
    var host = this.host;
    this.chain = this.chain.then(function () {
      if (self.closed) return null;
      return fetch(host.config.serverUrl.replace(/\/+$/, '') + host.config.restPath, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        credentials: 'omit',
        body: JSON.stringify({ sender: host.sessionId, message: message, metadata: metadata })
      }).then(function (res) {
        // Too many messages too fast: the server's calm message is shown as the assistant's answer.
        if (res.status === 429) return res.json().then(function (body) { return [{ text: body.text }]; });
        if (!res.ok) throw new Error('HTTP ' + res.status);
        return res.json();
      }).then(function (list) {
        if (self.closed) return;
        (Array.isArray(list) ? list : []).forEach(function (m) { host.onBotMessage(m); });
        if (!Array.isArray(list) || !list.length) host.onNoAnswer();
      }).catch(function () {
        if (!self.closed) host.onSendError();
      });
    });
  };

  RestTransport.prototype.close = function () { this.closed = true; };

  /**
   * The socket.io client is not on the page yet: load it from the server (REST if that fails, unless
   * socket.io was asked for), keeping what is sent meanwhile in order.
   */
  function LoadingTransport(host) {
    var self = this;
    this.queue = [];
    this.ready = null;
    this.closed = false;
    var script = parts.dom.el('script', null, { src: host.config.socketIoUrl, async: '' });
    var start = function (transport) {
      if (self.closed || !transport) return;
      self.ready = transport;
      self.queue.forEach(function (q) { transport.send(q[0], q[1]); });
      self.queue = [];
    };
    script.onload = function () {
      if (self.closed) return;
      start(typeof global.io === 'function' ? new SocketTransport(host) : new RestTransport(host));
    };
    script.onerror = function () {
      if (self.closed) return;
      start(host.config.transport === 'socketio' ? null : new RestTransport(host));
    };
    document.head.appendChild(script);
  }

  LoadingTransport.prototype.isConnected = function () {
    return !!this.ready && this.ready.isConnected();
  };

  LoadingTransport.prototype.send = function (message, metadata) {
    if (this.ready) this.ready.send(message, metadata);
    else this.queue.push([message, metadata]);
  };

  LoadingTransport.prototype.close = function () {
    this.closed = true;
    this.queue = [];
    if (this.ready) this.ready.close();
  };

  /** The transport the config asks for ("rest", "socketio" or "auto"). */
  function connect(host) {
    if (host.config.transport === 'rest') return new RestTransport(host);
    if (typeof global.io === 'function') return new SocketTransport(host);
    return new LoadingTransport(host);
  }

  parts.transport = { connect: connect };
})(window, window.SafeHarbourParts);
