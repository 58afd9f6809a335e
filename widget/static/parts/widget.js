// The widget: its state (session, language, messages, open or closed) and the wiring between the parts.
(function (global, parts) {
  'use strict';

  var MAX_STORED_MESSAGES = 200;
  var MAX_MESSAGE_LENGTH = 2000;
  var storage = parts.storage;
  var languages = parts.languages;
  var rendering = parts.rendering;
  var a11y = parts.accessibility;

  function Widget(config) {
    var self = this;
    this.config = config;
    this.exiting = false;
    this.listeners = [];
    var storedLang = storage.get('language');
    this.language = languages.isSupported(storedLang) ? storedLang : config.language;
    this.follower = new languages.Follower();
    this.sessionId = storage.sessionId();
    var storedOpen = storage.get('open');
    this.isOpen = config.container ? true : (storedOpen === null ? !!config.startOpen : storedOpen === '1');
    this.messages = this.restoreMessages();

    this.view = parts.panel.build(config, parts.version, MAX_MESSAGE_LENGTH);
    this.status = new parts.status.Status(this.view, this.t.bind(this), config.replyTimeoutMs);
    this.reports = new parts.report.Reports({
      url: config.reportFormUrl,
      serverUrl: config.serverUrl,
      panel: this.view.panel,
      onClose: function () { self.focusMessageBox(); },
      unavailable: function () { self.addMessage({ role: 'notice', key: 'reportUnavailable' }); }
    });
    this.applyLanguage();
    this.renderAll();
    this.setOpen(this.isOpen, false);
    this.listen();
    this.transport = parts.transport.connect(this);
    this.reports.load();
  }

  Widget.prototype.t = function (key) {
    var title = this.config.title;
    if (key === 'title' && title) {
      if (typeof title === 'string') return title;
      if (typeof title[this.language] === 'string') return title[this.language];
    }
    return parts.strings.chat(this.language)(key);
  };

  Widget.prototype.restoreMessages = function () {
    if (!this.config.persistMessages) return [];
    try {
      var stored = JSON.parse(storage.get('messages') || '[]');
      if (!Array.isArray(stored)) return [];
      return stored.filter(function (m) { return m && typeof m === 'object' && typeof m.role === 'string'; });
    } catch (e) {
      return [];
    }
  };

  Widget.prototype.saveMessages = function () {
    if (!this.config.persistMessages || this.exiting) return;
    storage.set('messages', JSON.stringify(this.messages.slice(-MAX_STORED_MESSAGES)));
  };

  /** addEventListener, remembered so that unmounting and Quick exit remove every listener. */
  Widget.prototype.on = function (target, type, handler, options) {
    target.addEventListener(type, handler, options);
    this.listeners.push([target, type, handler, options]);
  };

  Widget.prototype.listen = function () {
    var self = this;
    var view = this.view;
    var exit = function () { self.quickExit(); };
    this.on(view.exit, 'click', exit);
    if (view.dockExit) this.on(view.dockExit, 'click', exit);
    if (view.launcher) this.on(view.launcher, 'click', function () { self.setOpen(!self.isOpen, true); });
    if (view.minimise) this.on(view.minimise, 'click', function () { self.setOpen(false, true); });
    Object.keys(view.langButtons).forEach(function (code) {
      self.on(view.langButtons[code], 'click', function () { self.switchLanguage(code); });
    });
    this.on(view.human, 'click', function () {
      self.send('/request_human', self.t('human'));
      self.focusMessageBox();
    });
    this.on(view.form, 'submit', function (e) {
      e.preventDefault();
      self.submitInput();
    });
    this.on(view.input, 'input', function () { a11y.setInputDirection(view.input, self.language); });
    this.on(view.input, 'keydown', function (e) {
      if (!a11y.isSendKey(e)) return;
      e.preventDefault();
      self.submitInput();
    });
    parts.fileRefusal.refuseFiles(this);
    parts.quickExit.onEscapeTwice(this);
  };

  Widget.prototype.applyLanguage = function () {
    var t = this.t.bind(this);
    parts.panel.label(this.view, t, this.language);
    a11y.setInputDirection(this.view.input, this.language);
    this.status.relabel();
    // Widget notices (welcome, refusal, ...) follow the language; bot and user messages keep their own.
    rendering.relabel(this.view.log, t);
  };

  Widget.prototype.renderMessage = function (m, withButtons) {
    var self = this;
    return rendering.message(m, {
      t: this.t.bind(this),
      // "Prepare my report" buttons only where the report form is offered.
      buttons: withButtons ? (m.buttons || []).filter(function (b) {
        return parts.messages.reportTemplate(b.payload) === null || self.reports.enabled();
      }) : [],
      onButton: function (b) { self.pressButton(b); }
    });
  };

  Widget.prototype.renderAll = function () {
    var log = this.view.log;
    parts.dom.removeChildren(log);
    if (this.config.welcome !== false) log.appendChild(rendering.notice('welcome', this.t.bind(this)));
    var lastBot = -1;
    var lastUser = -1;
    this.messages.forEach(function (m, i) {
      if (m.role === 'bot' || m.role === 'staff') lastBot = i;
      if (m.role === 'user') lastUser = i;
    });
    for (var i = 0; i < this.messages.length; i++) {
      // Quick replies stay only on the latest bot message, and only until the user answers.
      log.appendChild(this.renderMessage(this.messages[i], i === lastBot && lastBot > lastUser));
    }
    a11y.scrollToEnd(log);
  };

  Widget.prototype.addMessage = function (m, withButtons) {
    if (this.exiting) return;
    this.messages.push(m);
    this.saveMessages();
    var node = this.renderMessage(m, withButtons);
    this.view.log.appendChild(node);
    if (m.role === 'bot' || m.role === 'staff') a11y.reveal(this.view.log, node);
    else a11y.scrollToEnd(this.view.log);
  };

  Widget.prototype.focusMessageBox = function () {
    if (!this.exiting) a11y.focusMessageBox(this.view.input);
  };

  Widget.prototype.setOpen = function (open, moveFocus) {
    var view = this.view;
    this.isOpen = !!open;
    view.root.classList.toggle('sh-open', this.isOpen);
    view.panel.hidden = !this.isOpen;
    if (view.launcher) {
      view.launcher.setAttribute('aria-expanded', this.isOpen ? 'true' : 'false');
      view.launcher.hidden = this.isOpen;
    }
    if (view.dockExit) view.dockExit.hidden = this.isOpen;
    if (!this.config.container) storage.set('open', this.isOpen ? '1' : '0');
    if (moveFocus) a11y.focusAfterToggle(view, this.isOpen);
  };

  Widget.prototype.submitInput = function () {
    var input = this.view.input;
    var value = input.value.replace(/\s+$/, '');
    if (!value.trim()) return;
    // What the family types now decides the language of the next answer, whatever the toggle asked for.
    this.follower.familyWrote();
    input.value = '';
    a11y.setInputDirection(input, this.language);
    this.send(value.slice(0, MAX_MESSAGE_LENGTH), value.slice(0, MAX_MESSAGE_LENGTH));
  };

  /** A quick reply: "Prepare my report" opens the form in the page; any other sends its payload. */
  Widget.prototype.pressButton = function (b) {
    var template = parts.messages.reportTemplate(b.payload);
    if (template !== null) {
      this.reports.open(template, this.language);
      return;
    }
    this.send(b.payload, b.title);
    this.focusMessageBox();
  };

  /** Sends `message` to the server; shows `display` as the user's bubble (none when null). */
  Widget.prototype.send = function (message, display) {
    if (this.exiting || !this.transport) return;
    rendering.removeQuickReplies(this.view.log);
    if (display) this.addMessage({ role: 'user', text: display });
    this.status.startTyping();
    this.transport.send(message, { language: this.language, locale: global.navigator.language || '' });
  };

  Widget.prototype.setLanguage = function (lang) {
    this.language = lang;
    storage.set('language', lang);
    this.applyLanguage();
  };

  /** The toggle: switch the interface at once and tell the assistant (without a user bubble). */
  Widget.prototype.switchLanguage = function (lang) {
    if (!languages.isSupported(lang) || lang === this.language) return;
    this.setLanguage(lang);
    this.follower.toggled(lang);
    this.send('/switch_language' + JSON.stringify({ language: lang }), null);
  };

  Widget.prototype.refuseFile = function () {
    if (this.exiting) return;
    if (!this.reports.refuseIfOpen()) this.addMessage({ role: 'notice', key: 'refusal' });
  };

  // What the transport tells the widget.

  Widget.prototype.onBotMessage = function (raw) {
    if (this.exiting) return;
    var m = parts.messages.fromServer(raw);
    this.status.answered();
    if (!m) return;
    if (m.buttons.length) rendering.removeQuickReplies(this.view.log);
    // The interface follows the language the assistant (or staff) answers in; nothing is sent.
    var lang = this.follower.after(m);
    if (lang && lang !== this.language) this.setLanguage(lang);
    this.addMessage(m, true);
  };

  Widget.prototype.onHandoff = function (data) {
    if (this.exiting) return;
    var key = parts.messages.handoffNotice(data);
    if (key) this.addMessage({ role: 'notice', key: key });
  };

  Widget.prototype.onOnline = function () {
    this.status.online();
  };

  Widget.prototype.onOffline = function () {
    var self = this;
    if (this.exiting) return;
    this.status.offline(function () { return !(self.transport && self.transport.isConnected()); });
  };

  Widget.prototype.onNoAnswer = function () {
    this.status.stopTyping();
  };

  Widget.prototype.onSendError = function () {
    this.status.sendError();
  };

  Widget.prototype.setSessionId = function (id) {
    if (!storage.isSessionId(id)) return;
    this.sessionId = id;
    storage.set('sessionId', id);
  };

  /** Quick exit: see quick-exit.js. */
  Widget.prototype.quickExit = function () {
    if (this.exiting) return;
    var self = this;
    this.exiting = true;
    this.messages = [];
    this.view.input.value = '';
    parts.quickExit.leave(this.config.exitUrl, function () { self.shutDown(); }, this.config.onExit);
  };

  /** Stops everything and removes the widget (and every listener it added) from the page. */
  Widget.prototype.shutDown = function () {
    this.exiting = true;
    this.reports.destroy();
    try { if (this.transport) this.transport.close(); } catch (e) { /* already closed */ }
    this.status.stop();
    this.listeners.forEach(function (l) { l[0].removeEventListener(l[1], l[2], l[3]); });
    this.listeners = [];
    var root = this.view.root;
    if (root.parentNode) {
      parts.dom.removeChildren(root);
      root.parentNode.removeChild(root);
    }
  };

  parts.widget = { Widget: Widget };
})(window, window.SafeHarbourParts);
