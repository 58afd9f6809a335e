// The public API, window.SafeHarbour: mount(config), open(), close(), setLanguage(lang), quickExit(),
// unmount(). The loader defined it already; the calls made before the parts arrived run here, in order.
(function (global, parts) {
  'use strict';

  var dom = parts.dom;
  var scriptUrl = parts.scriptUrl;

  /** The site's options (widget/README.md, "All options") with every default filled in. */
  function buildConfig(user) {
    user = user || {};
    var scriptBase = scriptUrl ? dom.resolveUrl('.', scriptUrl) : null;
    var serverUrl = typeof user.serverUrl === 'string' && user.serverUrl ? user.serverUrl
      : (scriptUrl ? new URL(scriptUrl).origin : global.location.origin);
    serverUrl = serverUrl.replace(/\/+$/, '');
    return {
      serverUrl: serverUrl,
      // Arabic when the site, the page or the browser says so: a family should not have to find the toggle.
      language: parts.languages.startLanguage(user.language),
      title: user.title || null,
      colors: user.colors && typeof user.colors === 'object' ? user.colors : {},
      exitUrl: dom.safeUrl(user.exitUrl) || parts.defaultExitUrl,
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
      if (links[i].href === dom.resolveUrl(href) || /safe-harbour\.css(\?|$)/.test(links[i].href)) return;
    }
    document.head.appendChild(dom.el('link', null, { rel: 'stylesheet', href: href }));
  }

  var instance = null;
  var SafeHarbour = global.SafeHarbour;

  /**
   * Mounts the widget (once per page). Returns the public API. With a part missing it does not: half a
   * widget could show a Quick exit button that does nothing.
   */
  SafeHarbour.mount = function (userConfig) {
    if ((instance && !instance.exiting) || parts.missing.length) return SafeHarbour;
    var config = buildConfig(userConfig);
    ensureStylesheet(config.cssUrl);
    var start = function () { instance = new parts.widget.Widget(config); };
    if (document.body) start();
    else document.addEventListener('DOMContentLoaded', start, { once: true });
    return SafeHarbour;
  };
  SafeHarbour.open = function () { if (instance) instance.setOpen(true, true); };
  SafeHarbour.close = function () { if (instance) instance.setOpen(false, true); };
  SafeHarbour.setLanguage = function (lang) { if (instance) instance.switchLanguage(lang); };
  SafeHarbour.quickExit = function () {
    if (instance) instance.quickExit();
    else parts.leaveWithoutWidget();
  };
  SafeHarbour.unmount = function () {
    if (instance) { instance.shutDown(); instance = null; }
  };

  parts.waiting.splice(0).forEach(function (call) { SafeHarbour[call[0]].apply(SafeHarbour, call[1]); });
})(window, window.SafeHarbourParts);
