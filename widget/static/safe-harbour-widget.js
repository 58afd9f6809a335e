/*!
 * Safe Harbour family chat widget.
 *
 * Plain JavaScript, no build step. Embed with one script tag and a config object:
 *
 *   <script>window.SafeHarbourConfig = { serverUrl: "https://chat.example.org", language: "en" };</script>
 *   <script src="https://chat.example.org/widget/safe-harbour-widget.js" defer></script>
 *
 * or call SafeHarbour.mount({...}) yourself. See widget/README.md.
 *
 * Safety rules this file keeps:
 *  - Text only. Server data is put into the page with textContent / createElement, never innerHTML.
 *    Links are rendered only for http(s) URLs. Images, attachments and HTML from the server are never shown.
 *  - Nothing is written to localStorage. sessionStorage holds the session id, the language, the open state
 *    and the messages of this tab, and Quick exit clears all of it.
 *  - Files and images cannot be pasted or dropped: they are refused with a kind message and nothing is sent.
 *  - "Prepare my report" buttons open report-form.js inside the widget; their payload is never sent, and
 *    nothing typed into that form leaves the page.
 */
(function (global) {
  'use strict';

  var VERSION = '0.1.0';
  var STORE = 'safeHarbour.';
  var STORE_KEYS = ['sessionId', 'messages', 'language', 'open'];
  var MAX_STORED_MESSAGES = 200;
  var MAX_MESSAGE_LENGTH = 2000;
  var ESC_WINDOW_MS = 1200;
  var DEFAULT_EXIT_URL = 'https://www.bbc.com/weather';
  var ARABIC_LETTER = /[\u0600-\u06FF\u0750-\u077F\u08A0-\u08FF\uFB50-\uFDFF\uFE70-\uFEFF]/;
  // The interface follows the language of the assistant's answers, judged by the share of Arabic letters
  // (links left out). Measured on every written answer and directory answer: Arabic ones are 0.59 or more
  // (service names stay in Latin letters), English ones 0; the bilingual notices (rate limit, long message)
  // are about 0.45 and change nothing.
  var ARABIC_ANSWER_SHARE = 0.5;
  var ENGLISH_ANSWER_SHARE = 0.2;
  var LINK_TARGET = /\]\([^)\s]*\)|https?:\/\/\S+/gi;
  // "Prepare my report" buttons open the report form in the page (report-form.js): they are never sent.
  var REPORT_PAYLOAD = /^\/prepare_report(\{.*\})?$/;

  // The script's own address: the default server and the place of the stylesheet and socket.io client.
  var scriptEl = document.currentScript;
  var scriptUrl = scriptEl && scriptEl.src ? scriptEl.src : null;

  var STRINGS = {
    en: {
      title: 'Safe Harbour',
      subtitle: 'Support for families',
      launcher: 'Chat with Safe Harbour',
      minimise: 'Minimise chat',
      quickExit: 'Quick exit',
      quickExitLabel: 'Quick exit: leave this page now',
      language: 'Language',
      privacy: 'This chat does not ask for your name. Messages are kept for a limited time and then deleted. Never send pictures.',
      welcome: 'Hello, this is Safe Harbour. Tell me in your own words what has happened. You can leave at any moment with Quick exit.',
      log: 'Conversation',
      inputLabel: 'Your message',
      placeholder: 'Type your message…',
      send: 'Send',
      human: 'Talk to a person',
      typing: 'Safe Harbour is writing…',
      you: 'You',
      bot: 'Safe Harbour',
      staff: 'Helpline staff',
      sources: 'Sources',
      reviewed: 'Reviewed {date}',
      newTab: '(opens in a new tab)',
      refusal: 'For your safety, pictures and files cannot be sent in this chat, so nothing was sent. ' +
        'Please describe what happened in words instead. You do not need to show anyone the picture to get help.',
      offline: 'Connection lost. Reconnecting… Your conversation is still here.',
      online: 'Connected again.',
      noAnswer: 'No answer has arrived yet. Please try again in a moment.',
      sendError: 'Your message could not be sent. Please try again.',
      staffJoined: 'A person from the helpline has joined the chat.',
      staffLeft: 'The helpline staff member has left the chat. Safe Harbour will carry on with you.',
      escHint: 'Press Esc twice to leave quickly.',
      reportUnavailable: 'The report form could not be loaded. Please try again later.'
    },
    ar: {
      title: 'الملاذ الآمن',
      subtitle: 'دعم للعائلات',
      launcher: 'تحدّث مع الملاذ الآمن',
      minimise: 'تصغير المحادثة',
      quickExit: 'خروج سريع',
      quickExitLabel: 'خروج سريع: مغادرة هذه الصفحة الآن',
      language: 'اللغة',
      privacy: 'هذه المحادثة لا تطلب اسمك. تُحفظ الرسائل لفترة محدودة ثم تُحذف. لا ترسل صوراً أبداً.',
      welcome: 'مرحباً، هنا الملاذ الآمن. أخبرني بكلماتك ماذا حدث. يمكنك المغادرة في أي لحظة بزر «خروج سريع».',
      log: 'المحادثة',
      inputLabel: 'رسالتك',
      placeholder: 'اكتب رسالتك…',
      send: 'إرسال',
      human: 'التحدث مع شخص',
      typing: 'الملاذ الآمن يكتب…',
      you: 'أنت',
      bot: 'الملاذ الآمن',
      staff: 'موظف خط المساعدة',
      sources: 'المصادر',
      reviewed: 'تمت المراجعة في {date}',
      newTab: '(يفتح في علامة تبويب جديدة)',
      refusal: 'حرصاً على سلامتك، لا يمكن إرسال الصور أو الملفات في هذه المحادثة، لذلك لم يُرسَل أي شيء. ' +
        'من فضلك صِف ما حدث بالكلمات. لست بحاجة إلى أن تُري أحداً الصورة لتحصل على المساعدة.',
      offline: 'انقطع الاتصال. جارٍ إعادة الاتصال… محادثتك ما زالت هنا.',
      online: 'عاد الاتصال.',
      noAnswer: 'لم يصل رد بعد. من فضلك حاول مرة أخرى بعد قليل.',
      sendError: 'تعذّر إرسال رسالتك. من فضلك حاول مرة أخرى.',
      staffJoined: 'انضم شخص من خط المساعدة إلى المحادثة.',
      staffLeft: 'غادر موظف خط المساعدة المحادثة. سيتابع الملاذ الآمن معك.',
      escHint: 'اضغط Esc مرتين للمغادرة بسرعة.',
      reportUnavailable: 'تعذّر تحميل نموذج البلاغ. من فضلك حاول مرة أخرى لاحقًا.'
    }
  };

  var COLOR_VARS = {
    primary: '--sh-primary',
    primaryText: '--sh-on-primary',
    background: '--sh-bg',
    surface: '--sh-surface',
    text: '--sh-text',
    muted: '--sh-muted',
    botBubble: '--sh-bot-bg',
    botText: '--sh-bot-text',
    userBubble: '--sh-user-bg',
    userText: '--sh-user-text',
    link: '--sh-link',
    focus: '--sh-focus',
    exit: '--sh-exit-bg',
    exitText: '--sh-on-exit'
  };

  // ---------------------------------------------------------------------------------------------
  // Small helpers

  function el(tag, className, attrs) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (attrs) {
      Object.keys(attrs).forEach(function (name) {
        if (attrs[name] !== null && attrs[name] !== undefined) node.setAttribute(name, String(attrs[name]));
      });
    }
    return node;
  }

  function text(node, value) {
    node.textContent = value;
    return node;
  }

  function store() {
    try { return global.sessionStorage; } catch (e) { return null; }
  }

  function storeGet(key) {
    var s = store();
    if (!s) return null;
    try { return s.getItem(STORE + key); } catch (e) { return null; }
  }

  function storeSet(key, value) {
    var s = store();
    if (!s) return;
    try { s.setItem(STORE + key, value); } catch (e) { /* full or blocked: the chat still works */ }
  }

  function storeClear() {
    var s = store();
    if (s) {
      STORE_KEYS.forEach(function (key) { try { s.removeItem(STORE + key); } catch (e) { /* ignore */ } });
      try {
        for (var i = s.length - 1; i >= 0; i--) {
          var k = s.key(i);
          if (k && k.indexOf(STORE) === 0) s.removeItem(k);
        }
      } catch (e) { /* ignore */ }
    }
    // Nothing is ever written to localStorage; remove anything under our prefix all the same.
    try {
      var l = global.localStorage;
      for (var j = l.length - 1; j >= 0; j--) {
        var lk = l.key(j);
        if (lk && lk.indexOf(STORE) === 0) l.removeItem(lk);
      }
    } catch (e) { /* ignore */ }
  }

  function newSessionId() {
    var bytes = new Uint8Array(16);
    (global.crypto || global.msCrypto).getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ('0' + b.toString(16)).slice(-2); }).join('');
  }

  /** Returns a normalised http(s) URL, or null for anything else (javascript:, data:, relative, ...). */
  function safeUrl(value) {
    if (typeof value !== 'string' || !/^https?:\/\//i.test(value.trim())) return null;
    try {
      var u = new URL(value.trim());
      if ((u.protocol !== 'http:' && u.protocol !== 'https:') || u.username || u.password) return null;
      return u.href;
    } catch (e) {
      return null;
    }
  }

  /** Share of Arabic letters among the Arabic and Latin letters of `value`, links left out (null: no letters). */
  function arabicShare(value) {
    var arabic = 0;
    var latin = 0;
    var plain = String(value || '').replace(LINK_TARGET, ' ');
    for (var i = 0; i < plain.length; i++) {
      var ch = plain.charAt(i);
      if (ARABIC_LETTER.test(ch)) arabic++;
      else if (/[A-Za-z]/.test(ch)) latin++;
    }
    return arabic + latin ? arabic / (arabic + latin) : null;
  }

  function isArabicText(value) {
    return arabicShare(value) > 0.5;
  }

  /** The language of an answer ("ar" or "en"), or null when it is bilingual or has no letters. */
  function answerLanguage(m) {
    var share = arabicShare([m.text].concat(m.buttons.map(function (b) { return b.title; })).join('\n'));
    if (share === null) return null;
    if (share >= ARABIC_ANSWER_SHARE) return 'ar';
    return share <= ENGLISH_ANSWER_SHARE ? 'en' : null;
  }

  /** The template a "Prepare my report" payload asks for ('' for the default), or null for any other payload. */
  function reportTemplate(payload) {
    var match = REPORT_PAYLOAD.exec(payload);
    if (!match) return null;
    try { return (match[1] && String(JSON.parse(match[1]).template || '')) || ''; } catch (e) { return ''; }
  }

  /** Arabic when the page (<html lang="ar…">) or the browser's language says so. */
  function pageOrBrowserIsArabic() {
    var pageLang = document.documentElement.getAttribute('lang') || '';
    var browserLang = (global.navigator && global.navigator.language) || '';
    return /^ar\b/i.test(pageLang) || /^ar\b/i.test(browserLang);
  }

  function resolveUrl(relative, base) {
    try { return new URL(relative, base || global.location.href).href; } catch (e) { return relative; }
  }

  // Turns a bot message (socket.io or REST) into the one shape the widget renders. Anything that is not
  // text, buttons, sources, a review date or the staff marker is dropped here.
  function normaliseBotMessage(raw) {
    if (typeof raw === 'string') raw = { text: raw };
    if (!raw || typeof raw !== 'object') return null;
    var custom = raw.custom && typeof raw.custom === 'object' ? raw.custom : {};
    var meta = raw.metadata && typeof raw.metadata === 'object' ? raw.metadata
      : (custom.metadata && typeof custom.metadata === 'object' ? custom.metadata : {});
    var body = typeof raw.text === 'string' ? raw.text : (typeof custom.text === 'string' ? custom.text : '');
    var rawButtons = raw.buttons || raw.quick_replies || custom.buttons || custom.quick_replies || [];
    var buttons = (Array.isArray(rawButtons) ? rawButtons : []).filter(function (b) {
      return b && typeof b.title === 'string' && b.title.trim() && typeof b.payload === 'string' && b.payload.trim();
    }).slice(0, 12).map(function (b) { return { title: b.title.slice(0, 200), payload: b.payload.slice(0, 500) }; });
    var rawSources = meta.sources || raw.sources || custom.sources || [];
    var sources = (Array.isArray(rawSources) ? rawSources : []).map(function (s) {
      if (typeof s === 'string') s = { title: s, url: s };
      if (!s || typeof s !== 'object') return null;
      var url = safeUrl(s.url);
      var title = typeof s.title === 'string' && s.title.trim() ? s.title : (url || '');
      return title ? { title: title.slice(0, 300), url: url } : null;
    }).filter(Boolean).slice(0, 10);
    var reviewed = meta.reviewed || raw.reviewed;
    reviewed = typeof reviewed === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(reviewed) ? reviewed : null;
    var from = meta.from || raw.from;
    var msg = {
      role: from === 'staff' ? 'staff' : 'bot',
      text: body.slice(0, 10000),
      buttons: buttons,
      sources: sources,
      reviewed: reviewed
    };
    if (!msg.text.trim() && !buttons.length && !sources.length) return null;
    return msg;
  }

  // Appends message text to a node: plain text, **bold**, [label](http-url) and bare http(s) URLs become
  // links; everything else, including any HTML, stays literal text.
  var TOKEN = /\[([^\]\n]{1,300})\]\(([^)\s]{1,2000})\)|\*\*([^*\n]{1,500})\*\*|(https?:\/\/[^\s<>"'`]+)/gi;

  function appendRichText(parent, value, newTabText) {
    var last = 0;
    var match;
    TOKEN.lastIndex = 0;
    while ((match = TOKEN.exec(value)) !== null) {
      if (match.index > last) parent.appendChild(document.createTextNode(value.slice(last, match.index)));
      var consumed = match[0];
      if (match[1] !== undefined) {
        var href = safeUrl(match[2]);
        if (href) parent.appendChild(makeLink(href, match[1], newTabText));
        else parent.appendChild(document.createTextNode(consumed));
      } else if (match[3] !== undefined) {
        parent.appendChild(text(el('strong'), match[3]));
      } else {
        // Bare URL: leave trailing punctuation out of the link.
        var url = match[4];
        var trail = '';
        var m = /[.,;:!?،؛)\]]+$/.exec(url);
        if (m) { trail = m[0]; url = url.slice(0, -trail.length); }
        var bare = safeUrl(url);
        if (bare) parent.appendChild(makeLink(bare, url, newTabText));
        else parent.appendChild(document.createTextNode(url));
        if (trail) parent.appendChild(document.createTextNode(trail));
      }
      last = match.index + consumed.length;
    }
    if (last < value.length) parent.appendChild(document.createTextNode(value.slice(last)));
  }

  function makeLink(href, label, newTabText) {
    var a = el('a', 'sh-link', { href: href, target: '_blank', rel: 'noopener noreferrer', dir: 'auto' });
    a.appendChild(document.createTextNode(label));
    if (newTabText) a.appendChild(text(el('span', 'sh-visually-hidden'), ' ' + newTabText));
    return a;
  }

  // ---------------------------------------------------------------------------------------------
  // Transports

  /** socket.io transport for the Rasa socket.io channel. */
  function SocketTransport(widget) {
    this.widget = widget;
    this.confirmed = false;
    this.queue = [];
    this.failures = 0;
    var cfg = widget.config;
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
      self.failures = 0;
      self.confirmed = false;
      socket.emit('session_request', { session_id: widget.sessionId });
    });
    socket.on('session_confirm', function (data) {
      var id = typeof data === 'string' ? data : (data && data.session_id);
      if (typeof id === 'string' && id && id !== widget.sessionId) widget.setSessionId(id);
      self.confirmed = true;
      widget.onOnline();
      self.flush();
    });
    socket.on(cfg.botEvent, function (data) { widget.onBotMessage(data); });
    socket.on('handoff', function (data) { widget.onHandoff(data); });
    socket.on('disconnect', function (reason) {
      self.confirmed = false;
      widget.onOffline();
      // The server closed the socket on purpose: socket.io does not retry by itself then.
      if (reason === 'io server disconnect') socket.connect();
    });
    socket.on('connect_error', function () {
      self.failures++;
      widget.onOffline();
    });
  }

  SocketTransport.prototype.send = function (message, metadata) {
    this.queue.push({ message: message, metadata: metadata });
    this.flush();
  };

  SocketTransport.prototype.flush = function () {
    while (this.confirmed && this.socket.connected && this.queue.length) {
      var item = this.queue.shift();
      this.socket.emit(this.widget.config.userEvent, {
        message: item.message,
        session_id: this.widget.sessionId,
        metadata: item.metadata
      });
    }
  };

  SocketTransport.prototype.close = function () {
    this.queue = [];
    try { this.socket.off(); this.socket.disconnect(); } catch (e) { /* ignore */ }
  };

  /** REST transport: POST {serverUrl}/webhooks/rest/webhook, one request at a time, in order. */
  function RestTransport(widget) {
    this.widget = widget;
    this.chain = Promise.resolve();
    this.closed = false;
    widget.onOnline();
  }

  RestTransport.prototype.send = function (message, metadata) {
    var self = this;
    var widget = this.widget;
    this.chain = this.chain.then(function () {
      if (self.closed) return null;
      return fetch(widget.config.serverUrl.replace(/\/+$/, '') + widget.config.restPath, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        credentials: 'omit',
        body: JSON.stringify({ sender: widget.sessionId, message: message, metadata: metadata })
      }).then(function (res) {
        // Too many messages too fast: the server's calm message is shown as the assistant's answer.
        if (res.status === 429) return res.json().then(function (body) { return [{ text: body.text }]; });
        if (!res.ok) throw new Error('HTTP ' + res.status);
        return res.json();
      }).then(function (list) {
        if (self.closed) return;
        (Array.isArray(list) ? list : []).forEach(function (m) { widget.onBotMessage(m); });
        if (!Array.isArray(list) || !list.length) widget.stopTyping();
      }).catch(function () {
        if (!self.closed) widget.onSendError();
      });
    });
  };

  RestTransport.prototype.close = function () { this.closed = true; };

  // ---------------------------------------------------------------------------------------------
  // The widget

  function Widget(config) {
    this.config = config;
    this.exiting = false;
    this.messages = [];
    this.pending = 0;
    this.typingTimer = null;
    this.offlineTimer = null;
    this.wasOnline = false;
    this.isOffline = false;
    this.lastEscape = 0;
    this.transport = null;
    this.requestedLanguage = null;
    this.listeners = [];
    this.reportForm = null;   // a promise of the report form, once report-form.js is here
    this.report = null;       // the form, once opened

    var storedLang = storeGet('language');
    this.language = storedLang === 'ar' || storedLang === 'en' ? storedLang : config.language;
    this.sessionId = storeGet('sessionId');
    if (!this.sessionId || !/^[A-Za-z0-9_-]{8,64}$/.test(this.sessionId)) {
      this.sessionId = newSessionId();
      storeSet('sessionId', this.sessionId);
    }
    var storedOpen = storeGet('open');
    this.isOpen = config.container ? true : (storedOpen === null ? !!config.startOpen : storedOpen === '1');
    this.restoreMessages();
    this.build();
    this.applyLanguage();
    this.renderAll();
    this.setOpen(this.isOpen, false);
    this.listen();
    this.connect();
    this.loadReportForm();
  }

  Widget.prototype.t = function (key) {
    var table = STRINGS[this.language] || STRINGS.en;
    var value = table[key] !== undefined ? table[key] : STRINGS.en[key];
    if (key === 'title' && this.config.title) {
      var title = this.config.title;
      if (typeof title === 'string') return title;
      if (title && typeof title[this.language] === 'string') return title[this.language];
    }
    return value;
  };

  Widget.prototype.restoreMessages = function () {
    if (!this.config.persistMessages) return;
    try {
      var stored = JSON.parse(storeGet('messages') || '[]');
      if (Array.isArray(stored)) {
        this.messages = stored.filter(function (m) { return m && typeof m === 'object' && typeof m.role === 'string'; });
      }
    } catch (e) {
      this.messages = [];
    }
  };

  Widget.prototype.saveMessages = function () {
    if (!this.config.persistMessages || this.exiting) return;
    storeSet('messages', JSON.stringify(this.messages.slice(-MAX_STORED_MESSAGES)));
  };

  Widget.prototype.build = function () {
    var self = this;
    var cfg = this.config;
    var floating = !cfg.container;
    var uid = 'sh-' + Math.random().toString(36).slice(2, 8);

    var root = el('div', 'sh-widget sh-theme' + (floating ? ' sh-widget--floating' : ' sh-widget--inline'), {
      'data-safe-harbour': VERSION
    });
    Object.keys(COLOR_VARS).forEach(function (name) {
      var value = cfg.colors && cfg.colors[name];
      // Colours only: no url(), var() or expressions.
      if (typeof value === 'string' && /^[#a-zA-Z0-9(),.%\s-]{1,64}$/.test(value) && !/url|var|expression/i.test(value)) {
        root.style.setProperty(COLOR_VARS[name], value);
      }
    });
    this.root = root;

    // Launcher row (floating mode only): open button plus a Quick exit that stays visible while closed.
    if (floating) {
      var dock = el('div', 'sh-dock');
      this.launcher = el('button', 'sh-btn sh-launcher', { type: 'button', 'aria-controls': uid + '-panel', 'aria-expanded': 'false' });
      this.launcherLabel = el('span', 'sh-launcher-label');
      this.launcher.appendChild(el('span', 'sh-launcher-icon', { 'aria-hidden': 'true' }));
      this.launcher.appendChild(this.launcherLabel);
      this.dockExit = el('button', 'sh-btn sh-exit sh-exit--dock', { type: 'button' });
      dock.appendChild(this.dockExit);
      dock.appendChild(this.launcher);
      root.appendChild(dock);
    }

    var panel = el('section', 'sh-panel', { id: uid + '-panel', 'aria-labelledby': uid + '-title' });
    this.panel = panel;

    var header = el('header', 'sh-header');
    var top = el('div', 'sh-header-top');
    var titles = el('div', 'sh-titles');
    this.titleEl = el('h2', 'sh-title', { id: uid + '-title' });
    this.subtitleEl = el('p', 'sh-subtitle');
    titles.appendChild(this.titleEl);
    titles.appendChild(this.subtitleEl);
    this.exitBtn = el('button', 'sh-btn sh-exit', { type: 'button' });
    top.appendChild(titles);
    top.appendChild(this.exitBtn);
    header.appendChild(top);

    var row = el('div', 'sh-header-row');
    this.langGroup = el('div', 'sh-lang', { role: 'group' });
    this.langButtons = {};
    [['en', 'English'], ['ar', 'العربية']].forEach(function (pair) {
      var b = el('button', 'sh-btn sh-lang-btn', { type: 'button', lang: pair[0], dir: pair[0] === 'ar' ? 'rtl' : 'ltr', 'data-lang': pair[0] });
      text(b, pair[1]);
      b.addEventListener('click', function () { self.switchLanguage(pair[0]); });
      self.langButtons[pair[0]] = b;
      self.langGroup.appendChild(b);
    });
    row.appendChild(this.langGroup);
    if (floating) {
      this.minimiseBtn = el('button', 'sh-btn sh-minimise', { type: 'button' });
      this.minimiseBtn.appendChild(text(el('span', null, { 'aria-hidden': 'true' }), '–'));
      this.minimiseLabel = el('span', 'sh-visually-hidden');
      this.minimiseBtn.appendChild(this.minimiseLabel);
      row.appendChild(this.minimiseBtn);
    }
    header.appendChild(row);
    panel.appendChild(header);

    this.privacyEl = el('p', 'sh-privacy');
    panel.appendChild(this.privacyEl);

    this.logEl = el('div', 'sh-log', { role: 'log', 'aria-live': 'polite', 'aria-relevant': 'additions', tabindex: '0' });
    panel.appendChild(this.logEl);

    this.statusEl = el('div', 'sh-status', { role: 'status', 'aria-live': 'polite' });
    this.typingEl = el('div', 'sh-typing', { hidden: '' });
    var dots = el('span', 'sh-typing-dots', { 'aria-hidden': 'true' });
    dots.appendChild(el('span'));
    dots.appendChild(el('span'));
    dots.appendChild(el('span'));
    this.typingText = el('span', 'sh-typing-text');
    this.typingEl.appendChild(dots);
    this.typingEl.appendChild(this.typingText);
    this.connEl = el('p', 'sh-connection', { hidden: '' });
    this.statusEl.appendChild(this.typingEl);
    this.statusEl.appendChild(this.connEl);
    panel.appendChild(this.statusEl);

    var form = el('form', 'sh-composer', { novalidate: '' });
    this.inputLabel = el('label', 'sh-visually-hidden', { for: uid + '-input' });
    this.input = el('textarea', 'sh-input', {
      id: uid + '-input', rows: '2', maxlength: String(MAX_MESSAGE_LENGTH), dir: 'auto',
      autocomplete: 'off', autocapitalize: 'sentences', spellcheck: 'true'
    });
    this.sendBtn = el('button', 'sh-btn sh-btn--primary sh-send', { type: 'submit' });
    form.appendChild(this.inputLabel);
    form.appendChild(this.input);
    form.appendChild(this.sendBtn);
    this.form = form;
    panel.appendChild(form);

    var footer = el('div', 'sh-footer');
    this.humanBtn = el('button', 'sh-btn sh-human', { type: 'button' });
    this.hintEl = el('p', 'sh-hint');
    footer.appendChild(this.humanBtn);
    footer.appendChild(this.hintEl);
    panel.appendChild(footer);

    root.appendChild(panel);

    var host = null;
    if (cfg.container) {
      host = typeof cfg.container === 'string' ? document.querySelector(cfg.container) : cfg.container;
    }
    (host || document.body).appendChild(root);
  };

  Widget.prototype.on = function (target, type, handler, options) {
    target.addEventListener(type, handler, options);
    this.listeners.push([target, type, handler, options]);
  };

  Widget.prototype.listen = function () {
    var self = this;
    this.on(this.exitBtn, 'click', function () { self.quickExit(); });
    if (this.dockExit) this.on(this.dockExit, 'click', function () { self.quickExit(); });
    if (this.launcher) this.on(this.launcher, 'click', function () { self.setOpen(!self.isOpen, true); });
    if (this.minimiseBtn) this.on(this.minimiseBtn, 'click', function () { self.setOpen(false, true); });
    this.on(this.humanBtn, 'click', function () {
      self.send('/request_human', self.t('human'));
      self.focusInput();
    });
    this.on(this.form, 'submit', function (e) {
      e.preventDefault();
      self.submitInput();
    });
    // An empty box takes the interface's direction (so the placeholder reads right); typed text its own.
    this.on(this.input, 'input', function () { self.updateInputDir(); });
    this.on(this.input, 'keydown', function (e) {
      if (e.key === 'Enter' && !e.shiftKey && !e.isComposing && e.keyCode !== 229) {
        e.preventDefault();
        self.submitInput();
      }
    });
    // Files and pictures are refused wherever they are pasted or dropped in the widget.
    this.on(this.root, 'paste', function (e) {
      if (hasFiles(e.clipboardData)) {
        e.preventDefault();
        e.stopPropagation();
        self.refuseFile();
      }
    }, true);
    ['dragenter', 'dragover'].forEach(function (type) {
      self.on(self.root, type, function (e) {
        if (hasFiles(e.dataTransfer)) {
          // Accept the drag so that the drop below can be refused kindly (and the browser does not
          // open the file in this tab).
          e.preventDefault();
        }
      }, true);
    });
    this.on(this.root, 'drop', function (e) {
      if (hasFiles(e.dataTransfer)) {
        e.preventDefault();
        e.stopPropagation();
        self.refuseFile();
      }
    }, true);
    // A file dropped anywhere else on the page while the chat is open would open the picture in this tab:
    // refuse it the same way.
    ['dragover', 'drop'].forEach(function (type) {
      self.on(document, type, function (e) {
        if (!self.isOpen || !hasFiles(e.dataTransfer) || self.root.contains(e.target)) return;
        e.preventDefault();
        if (type === 'drop') self.refuseFile();
      });
    });
    // Escape twice (within about a second) anywhere on the page: Quick exit.
    this.on(document, 'keydown', function (e) {
      if (e.key !== 'Escape' && e.key !== 'Esc') return;
      if (e.repeat) return;
      var now = Date.now();
      if (now - self.lastEscape <= ESC_WINDOW_MS) {
        e.preventDefault();
        self.quickExit();
      } else {
        self.lastEscape = now;
      }
    }, true);
  };

  function hasFiles(data) {
    if (!data) return false;
    if (data.files && data.files.length) return true;
    var items = data.items;
    if (items) {
      for (var i = 0; i < items.length; i++) {
        if (items[i].kind === 'file' || /^image\//i.test(items[i].type || '')) return true;
      }
    }
    var types = data.types;
    if (types) {
      for (var j = 0; j < types.length; j++) {
        if (types[j] === 'Files' || /^image\//i.test(types[j])) return true;
      }
    }
    return false;
  }

  Widget.prototype.applyLanguage = function () {
    var lang = this.language;
    var t = this.t.bind(this);
    this.root.setAttribute('lang', lang);
    this.root.setAttribute('dir', lang === 'ar' ? 'rtl' : 'ltr');
    text(this.titleEl, t('title'));
    text(this.subtitleEl, t('subtitle'));
    text(this.exitBtn, t('quickExit'));
    this.exitBtn.setAttribute('aria-label', t('quickExitLabel'));
    this.exitBtn.setAttribute('title', t('escHint'));
    if (this.dockExit) {
      text(this.dockExit, t('quickExit'));
      this.dockExit.setAttribute('aria-label', t('quickExitLabel'));
      this.dockExit.setAttribute('title', t('escHint'));
    }
    if (this.launcher) text(this.launcherLabel, t('launcher'));
    if (this.minimiseLabel) text(this.minimiseLabel, t('minimise'));
    this.langGroup.setAttribute('aria-label', t('language'));
    Object.keys(this.langButtons).forEach(function (code) {
      this.langButtons[code].setAttribute('aria-pressed', code === lang ? 'true' : 'false');
    }, this);
    text(this.privacyEl, t('privacy'));
    this.logEl.setAttribute('aria-label', t('log'));
    text(this.inputLabel, t('inputLabel'));
    this.input.setAttribute('placeholder', t('placeholder'));
    this.updateInputDir();
    text(this.sendBtn, t('send'));
    text(this.humanBtn, t('human'));
    text(this.hintEl, t('escHint'));
    text(this.typingText, t('typing'));
    var connKey = this.connEl.getAttribute('data-key');
    if (connKey) text(this.connEl, t(connKey));
    // Widget notices (welcome, refusal, ...) follow the language; bot and user messages keep their own.
    var notices = this.logEl.querySelectorAll('[data-sh-notice]');
    for (var i = 0; i < notices.length; i++) {
      var body = notices[i].querySelector('.sh-notice-text');
      if (body) text(body, t(notices[i].getAttribute('data-sh-notice')));
    }
    var staffLabels = this.logEl.querySelectorAll('.sh-staff-label');
    for (var j = 0; j < staffLabels.length; j++) text(staffLabels[j], t('staff'));
  };

  Widget.prototype.updateInputDir = function () {
    this.input.setAttribute('dir', this.input.value.trim() ? 'auto' : (this.language === 'ar' ? 'rtl' : 'ltr'));
  };

  Widget.prototype.renderAll = function () {
    while (this.logEl.firstChild) this.logEl.removeChild(this.logEl.firstChild);
    if (this.config.welcome !== false) {
      this.logEl.appendChild(this.renderNotice({ role: 'notice', key: 'welcome' }));
    }
    var lastBot = -1;
    this.messages.forEach(function (m, i) { if (m.role === 'bot' || m.role === 'staff') lastBot = i; });
    var lastUser = -1;
    this.messages.forEach(function (m, i) { if (m.role === 'user') lastUser = i; });
    for (var i = 0; i < this.messages.length; i++) {
      // Quick replies stay only on the latest bot message, and only until the user answers.
      var withButtons = i === lastBot && lastBot > lastUser;
      this.logEl.appendChild(this.renderMessage(this.messages[i], withButtons));
    }
    this.scrollToEnd();
  };

  Widget.prototype.renderNotice = function (m) {
    var item = el('div', 'sh-notice' + (m.key === 'refusal' ? ' sh-notice--warning' : ''), {
      'data-sh-notice': m.key, dir: 'auto'
    });
    item.appendChild(text(el('p', 'sh-notice-text'), this.t(m.key)));
    return item;
  };

  Widget.prototype.renderMessage = function (m, withButtons) {
    if (m.role === 'notice') return this.renderNotice(m);
    var self = this;
    var isUser = m.role === 'user';
    var item = el('div', 'sh-msg sh-msg--' + (isUser ? 'user' : (m.role === 'staff' ? 'staff' : 'bot')), {
      dir: 'auto', lang: isArabicText(m.text) ? 'ar' : 'en'
    });
    if (m.role === 'staff') {
      item.appendChild(text(el('p', 'sh-staff-label'), this.t('staff')));
    } else {
      item.appendChild(text(el('span', 'sh-visually-hidden sh-speaker'), (isUser ? this.t('you') : this.t('bot')) + ': '));
    }
    if (m.text) {
      var bubble = el('p', 'sh-msg-text', { dir: 'auto' });
      if (isUser) bubble.textContent = m.text;
      else appendRichText(bubble, m.text, this.t('newTab'));
      item.appendChild(bubble);
    }
    if (!isUser && m.sources && m.sources.length) {
      var src = el('div', 'sh-sources', { dir: 'auto' });
      src.appendChild(text(el('p', 'sh-sources-title'), this.t('sources')));
      var list = el('ul', 'sh-sources-list');
      m.sources.forEach(function (s) {
        var li = el('li');
        var href = safeUrl(s.url);
        if (href) li.appendChild(makeLink(href, s.title, self.t('newTab')));
        else li.textContent = s.title;
        list.appendChild(li);
      });
      src.appendChild(list);
      if (m.reviewed) {
        src.appendChild(text(el('p', 'sh-reviewed'), this.t('reviewed').replace('{date}', m.reviewed)));
      }
      item.appendChild(src);
    } else if (!isUser && m.reviewed) {
      item.appendChild(text(el('p', 'sh-reviewed'), this.t('reviewed').replace('{date}', m.reviewed)));
    }
    var buttons = (m.buttons || []).filter(function (b) {
      return reportTemplate(b.payload) === null || self.config.reportFormUrl;
    });
    if (withButtons && buttons.length) {
      var group = el('div', 'sh-quick-replies', { role: 'group', 'aria-label': m.text ? m.text.slice(0, 80) : this.t('bot') });
      buttons.forEach(function (b) {
        var btn = el('button', 'sh-btn sh-quick-reply', { type: 'button', dir: 'auto' });
        btn.textContent = b.title;
        btn.addEventListener('click', function () {
          var template = reportTemplate(b.payload);
          if (template !== null) {
            self.openReport(template);
            return;
          }
          self.send(b.payload, b.title);
          self.focusInput();
        });
        group.appendChild(btn);
      });
      item.appendChild(group);
    }
    return item;
  };

  Widget.prototype.removeQuickReplies = function () {
    var groups = this.logEl.querySelectorAll('.sh-quick-replies');
    for (var i = 0; i < groups.length; i++) groups[i].parentNode.removeChild(groups[i]);
  };

  Widget.prototype.addMessage = function (m, withButtons) {
    if (this.exiting) return;
    this.messages.push(m);
    this.saveMessages();
    var node = this.renderMessage(m, withButtons);
    this.logEl.appendChild(node);
    if (m.role === 'bot' || m.role === 'staff') this.scrollToMessage(node);
    else this.scrollToEnd();
  };

  Widget.prototype.scrollToEnd = function () {
    this.logEl.scrollTop = this.logEl.scrollHeight;
  };

  // A long answer is shown from its beginning (so it can be read from the top), a short one at the end.
  Widget.prototype.scrollToMessage = function (node) {
    var log = this.logEl;
    if (node.offsetHeight > log.clientHeight - 16) log.scrollTop = Math.max(0, node.offsetTop - 12);
    else this.scrollToEnd();
  };

  Widget.prototype.focusInput = function () {
    if (this.exiting) return;
    var coarse = global.matchMedia && global.matchMedia('(pointer: coarse)').matches;
    if (!coarse) this.input.focus();
  };

  Widget.prototype.setOpen = function (open, moveFocus) {
    this.isOpen = !!open;
    this.root.classList.toggle('sh-open', this.isOpen);
    this.panel.hidden = !this.isOpen;
    if (this.launcher) {
      this.launcher.setAttribute('aria-expanded', this.isOpen ? 'true' : 'false');
      this.launcher.hidden = this.isOpen;
    }
    if (this.dockExit) this.dockExit.hidden = this.isOpen;
    if (!this.config.container) storeSet('open', this.isOpen ? '1' : '0');
    if (moveFocus) {
      if (this.isOpen) {
        this.scrollToEnd();
        this.input.focus();
      } else if (this.launcher) {
        this.launcher.focus();
      }
    }
  };

  Widget.prototype.submitInput = function () {
    var value = this.input.value.replace(/\s+$/, '');
    if (!value.trim()) return;
    // What the family types now decides the language of the next answer, whatever the toggle asked for.
    this.requestedLanguage = null;
    this.input.value = '';
    this.updateInputDir();
    this.send(value.slice(0, MAX_MESSAGE_LENGTH), value.slice(0, MAX_MESSAGE_LENGTH));
  };

  /** Sends `message` to the server; shows `display` as the user's bubble (none when null). */
  Widget.prototype.send = function (message, display) {
    if (this.exiting || !this.transport) return;
    this.removeQuickReplies();
    if (display) this.addMessage({ role: 'user', text: display });
    this.startTyping();
    this.transport.send(message, { language: this.language, locale: navigator.language || '' });
  };

  Widget.prototype.setLanguage = function (lang) {
    this.language = lang;
    storeSet('language', lang);
    this.applyLanguage();
  };

  /** The toggle: switch the interface at once and tell the assistant (without a user bubble). */
  Widget.prototype.switchLanguage = function (lang) {
    if (lang !== 'en' && lang !== 'ar') return;
    if (lang === this.language) return;
    this.setLanguage(lang);
    // Answers already on their way in the old language must not switch the interface back.
    this.requestedLanguage = lang;
    this.send('/switch_language' + JSON.stringify({ language: lang }), null);
  };

  /** The interface follows the language the assistant (or staff) answers in; nothing is sent. */
  Widget.prototype.followLanguage = function (m) {
    var lang = answerLanguage(m);
    if (!lang) return;
    if (this.requestedLanguage) {
      if (lang !== this.requestedLanguage) return;
      this.requestedLanguage = null;
    }
    if (lang !== this.language) this.setLanguage(lang);
  };

  Widget.prototype.refuseFile = function () {
    if (this.exiting) return;
    if (this.report && this.report.isOpen()) this.report.refuse();
    else this.addMessage({ role: 'notice', key: 'refusal' });
  };

  /** Loads report-form.js (which fetches its templates and routes) now, so nothing is fetched while typing. */
  Widget.prototype.loadReportForm = function () {
    var self = this;
    var create = function () {
      if (self.exiting || !global.SafeHarbourReportForm) return;
      self.reportForm = global.SafeHarbourReportForm.create(self.config.serverUrl, {
        panel: self.panel,
        onClose: function () { self.focusInput(); }
      });
      self.reportForm['catch'](function () { /* a notice says so if its button is used */ });
    };
    if (!this.config.reportFormUrl) return;
    if (global.SafeHarbourReportForm) {
      create();
      return;
    }
    var script = el('script', null, { src: this.config.reportFormUrl, async: '' });
    script.onload = create;
    document.head.appendChild(script);
  };

  Widget.prototype.openReport = function (template) {
    var self = this;
    var unavailable = function () { self.addMessage({ role: 'notice', key: 'reportUnavailable' }); };
    if (!this.reportForm) {
      unavailable();
      return;
    }
    this.reportForm.then(function (form) {
      if (self.exiting) return;
      self.report = form;
      form.open(template, self.language);
    }, unavailable);
  };

  Widget.prototype.startTyping = function () {
    var self = this;
    this.pending++;
    this.typingEl.hidden = false;
    clearTimeout(this.typingTimer);
    this.typingTimer = setTimeout(function () {
      if (!self.pending) return;
      self.stopTyping();
      self.showConnection('noAnswer');
    }, this.config.replyTimeoutMs);
  };

  Widget.prototype.stopTyping = function () {
    this.pending = 0;
    this.typingEl.hidden = true;
    clearTimeout(this.typingTimer);
  };

  Widget.prototype.showConnection = function (key) {
    if (!key) {
      this.connEl.hidden = true;
      this.connEl.textContent = '';
      this.connEl.removeAttribute('data-key');
      return;
    }
    text(this.connEl, this.t(key));
    this.connEl.setAttribute('data-key', key);
    this.connEl.hidden = false;
  };

  Widget.prototype.onBotMessage = function (raw) {
    if (this.exiting) return;
    var m = normaliseBotMessage(raw);
    this.stopTyping();
    var shown = this.connEl.getAttribute('data-key');
    if (shown === 'noAnswer' || shown === 'sendError') this.showConnection(null);
    if (!m) return;
    if (m.buttons.length) this.removeQuickReplies();
    this.followLanguage(m);
    this.addMessage(m, true);
  };

  Widget.prototype.onHandoff = function (data) {
    if (this.exiting || !data || typeof data !== 'object') return;
    var status = data.status || data.event || data.type;
    if (status === 'joined' || status === 'staff_joined') this.addMessage({ role: 'notice', key: 'staffJoined' });
    else if (status === 'left' || status === 'staff_left') this.addMessage({ role: 'notice', key: 'staffLeft' });
  };

  Widget.prototype.onOnline = function () {
    var self = this;
    clearTimeout(this.offlineTimer);
    this.offlineTimer = null;
    if (this.isOffline) {
      this.isOffline = false;
      this.showConnection('online');
      setTimeout(function () {
        if (!self.isOffline && self.connEl.getAttribute('data-key') === 'online') self.showConnection(null);
      }, 4000);
    }
    this.wasOnline = true;
  };

  Widget.prototype.onOffline = function () {
    var self = this;
    if (this.exiting || this.isOffline || this.offlineTimer) return;
    // A short blip is not worth a message; a lost connection that lasts is.
    this.offlineTimer = setTimeout(function () {
      self.offlineTimer = null;
      if (self.transport && self.transport.confirmed) return;
      self.isOffline = true;
      self.stopTyping();
      self.showConnection('offline');
    }, this.wasOnline ? 1500 : 4000);
  };

  Widget.prototype.onSendError = function () {
    this.stopTyping();
    this.showConnection('sendError');
  };

  Widget.prototype.setSessionId = function (id) {
    if (!/^[A-Za-z0-9_-]{8,64}$/.test(id)) return;
    this.sessionId = id;
    storeSet('sessionId', id);
  };

  Widget.prototype.connect = function () {
    var self = this;
    var cfg = this.config;
    var useRest = cfg.transport === 'rest';
    if (useRest) {
      this.transport = new RestTransport(this);
      return;
    }
    if (typeof global.io === 'function') {
      this.transport = new SocketTransport(this);
      return;
    }
    // socket.io client not on the page yet: load it from the server, fall back to REST if it fails.
    var queued = [];
    this.transport = { send: function (m, md) { queued.push([m, md]); }, close: function () { queued = []; } };
    var script = el('script', null, { src: cfg.socketIoUrl, async: '' });
    script.onload = function () {
      if (self.exiting) return;
      self.transport = typeof global.io === 'function' ? new SocketTransport(self) : new RestTransport(self);
      queued.forEach(function (q) { self.transport.send(q[0], q[1]); });
    };
    script.onerror = function () {
      if (self.exiting) return;
      self.transport = cfg.transport === 'socketio' ? self.transport : new RestTransport(self);
      queued.forEach(function (q) { self.transport.send(q[0], q[1]); });
    };
    document.head.appendChild(script);
  };

  /** Quick exit: clear the conversation from the page and storage, then replace the page. */
  Widget.prototype.quickExit = function () {
    if (this.exiting) return;
    this.exiting = true;
    var target = safeUrl(this.config.exitUrl) || DEFAULT_EXIT_URL;
    storeClear();
    this.messages = [];
    try { if (this.transport) this.transport.close(); } catch (e) { /* ignore */ }
    clearTimeout(this.typingTimer);
    clearTimeout(this.offlineTimer);
    this.input.value = '';
    if (this.report) this.report.destroy();
    this.destroyDom();
    // Hide whatever the host page shows while the neutral page loads.
    try {
      document.documentElement.style.background = '#fff';
      if (document.body) document.body.style.visibility = 'hidden';
      document.title = '';
    } catch (e) { /* ignore */ }
    if (typeof this.config.onExit === 'function') {
      try { this.config.onExit(target); } catch (e) { /* ignore */ }
    }
    // Host pages (and the tests) may clear their own state too: this fires after the widget has gone.
    try {
      global.dispatchEvent(new CustomEvent('safeharbour:exit', { detail: { url: target } }));
    } catch (e) { /* ignore */ }
    // replace(): the chat page is not kept in the tab's history, so Back does not return to it.
    global.location.replace(target);
  };

  Widget.prototype.destroyDom = function () {
    this.listeners.forEach(function (l) { l[0].removeEventListener(l[1], l[2], l[3]); });
    this.listeners = [];
    if (this.root && this.root.parentNode) {
      while (this.root.firstChild) this.root.removeChild(this.root.firstChild);
      this.root.parentNode.removeChild(this.root);
    }
  };

  Widget.prototype.unmount = function () {
    this.exiting = true;
    if (this.report) this.report.destroy();
    try { if (this.transport) this.transport.close(); } catch (e) { /* ignore */ }
    clearTimeout(this.typingTimer);
    clearTimeout(this.offlineTimer);
    this.destroyDom();
  };

  // ---------------------------------------------------------------------------------------------
  // Public API

  function buildConfig(user) {
    user = user || {};
    var scriptBase = scriptUrl ? resolveUrl('.', scriptUrl) : null;
    var serverUrl = typeof user.serverUrl === 'string' && user.serverUrl ? user.serverUrl
      : (scriptUrl ? new URL(scriptUrl).origin : global.location.origin);
    serverUrl = serverUrl.replace(/\/+$/, '');
    // Arabic when the site, the page or the browser says so: a family should not have to find the toggle.
    var language = user.language === 'ar' || pageOrBrowserIsArabic() ? 'ar' : 'en';
    return {
      serverUrl: serverUrl,
      language: language,
      title: user.title || null,
      colors: user.colors && typeof user.colors === 'object' ? user.colors : {},
      exitUrl: safeUrl(user.exitUrl) || DEFAULT_EXIT_URL,
      container: user.container || null,
      startOpen: !!user.startOpen,
      transport: ['socketio', 'rest', 'auto'].indexOf(user.transport) >= 0 ? user.transport : 'auto',
      socketPath: user.socketPath || '/socket.io/',
      socketIoUrl: user.socketIoUrl || serverUrl + '/widget/vendor/socket.io.min.js',
      restPath: user.restPath || '/webhooks/rest/webhook',
      userEvent: user.userEvent || 'user_uttered',
      botEvent: user.botEvent || 'bot_uttered',
      cssUrl: user.cssUrl === false ? false : (user.cssUrl || (scriptBase ? scriptBase + 'safe-harbour.css' : serverUrl + '/widget/safe-harbour.css')),
      replyTimeoutMs: typeof user.replyTimeoutMs === 'number' ? user.replyTimeoutMs : 45000,
      persistMessages: user.persistMessages !== false,
      welcome: user.welcome !== false,
      reportFormUrl: user.reports === false ? null
        : (scriptBase ? scriptBase + 'report-form.js' : serverUrl + '/widget/report-form.js'),
      onExit: typeof user.onExit === 'function' ? user.onExit : null
    };
  }

  function ensureStylesheet(href) {
    if (!href) return;
    var links = document.querySelectorAll('link[rel="stylesheet"]');
    for (var i = 0; i < links.length; i++) {
      if (links[i].href === resolveUrl(href) || /safe-harbour\.css(\?|$)/.test(links[i].href)) return;
    }
    document.head.appendChild(el('link', null, { rel: 'stylesheet', href: href }));
  }

  var instance = null;

  var SafeHarbour = {
    version: VERSION,

    /** Mounts the widget (once per page). Returns the public API. */
    mount: function (userConfig) {
      if (instance && !instance.exiting) return SafeHarbour;
      var config = buildConfig(userConfig);
      ensureStylesheet(config.cssUrl);
      var start = function () { instance = new Widget(config); };
      if (document.body) start();
      else document.addEventListener('DOMContentLoaded', start, { once: true });
      return SafeHarbour;
    },
    open: function () { if (instance) instance.setOpen(true, true); },
    close: function () { if (instance) instance.setOpen(false, true); },
    setLanguage: function (lang) { if (instance) instance.switchLanguage(lang); },
    quickExit: function () {
      if (instance) instance.quickExit();
      else { storeClear(); global.location.replace(DEFAULT_EXIT_URL); }
    },
    unmount: function () { if (instance) { instance.unmount(); instance = null; } }
  };

  global.SafeHarbour = SafeHarbour;

  if (global.SafeHarbourConfig && typeof global.SafeHarbourConfig === 'object') {
    SafeHarbour.mount(global.SafeHarbourConfig);
  }
})(window);
