/*!
 * Safe Harbour family chat widget: the loader.
 *
 * Plain JavaScript, no build step. Embed with one script tag and a config object:
 *
 *   <script>window.SafeHarbourConfig = { serverUrl: "https://chat.example.org", language: "en" };</script>
 *   <script src="https://chat.example.org/widget/safe-harbour-widget.js" defer></script>
 *
 * or call SafeHarbour.mount({...}) yourself. See widget/README.md.
 *
 * This file defines window.SafeHarbour at once and loads the widget's parts (parts/*.js, next to this
 * file) as classic scripts, in order; each attaches itself to window.SafeHarbourParts. Calls made before
 * the parts have arrived wait and run, in order, as soon as they have (parts/api.js).
 *
 * Safety rules the parts keep:
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

  if (global.SafeHarbour) return;   // the script is on the page twice

  // Load order: a part uses only the parts before it.
  var PARTS = [
    'strings', 'dom', 'storage', 'languages', 'messages', 'rendering', 'accessibility', 'status',
    'transport', 'file-refusal', 'quick-exit', 'report', 'panel', 'widget', 'api'
  ];
  var VERSION = '0.1.0';
  var STORAGE_PREFIX = 'safeHarbour.';
  var DEFAULT_EXIT_URL = 'https://www.bbc.com/weather';

  // The script's own address: the default server and the place of the parts, stylesheet and report form.
  var script = document.currentScript;
  var scriptUrl = script && script.src ? script.src : null;

  /**
   * Removes everything the widget keeps in this tab (sessionStorage, and any key of ours in localStorage,
   * where nothing is ever written). Here, not in a part, so that Quick exit works before the parts arrive.
   */
  function forget() {
    ['sessionStorage', 'localStorage'].forEach(function (name) {
      try {
        var area = global[name];   // reading it throws where storage is blocked
        for (var i = area.length - 1; i >= 0; i--) {
          var key = area.key(i);
          if (key && key.indexOf(STORAGE_PREFIX) === 0) area.removeItem(key);
        }
      } catch (e) { /* storage blocked: nothing to remove */ }
    });
  }

  /** Quick exit with no widget on the page (not mounted, or its parts not here yet): it never waits. */
  function leaveWithoutWidget() {
    forget();
    global.location.replace(DEFAULT_EXIT_URL);
  }

  var parts = global.SafeHarbourParts = {
    version: VERSION,
    scriptUrl: scriptUrl,
    storagePrefix: STORAGE_PREFIX,
    defaultExitUrl: DEFAULT_EXIT_URL,
    forget: forget,
    leaveWithoutWidget: leaveWithoutWidget,
    /** Public API calls made before parts/api.js ran: [name, arguments]. */
    waiting: [],
    /** Parts that could not be loaded: then the widget does not mount at all (api.js). */
    missing: []
  };

  var api = global.SafeHarbour = { version: VERSION, quickExit: leaveWithoutWidget };
  ['mount', 'open', 'close', 'setLanguage', 'unmount'].forEach(function (name) {
    api[name] = function () {
      parts.waiting.push([name, arguments]);
      return api;
    };
  });

  if (global.SafeHarbourConfig && typeof global.SafeHarbourConfig === 'object') {
    api.mount(global.SafeHarbourConfig);
  }

  var base = scriptUrl ? new URL('.', scriptUrl).href : global.location.origin + '/widget/';
  PARTS.forEach(function (name) {
    var part = document.createElement('script');
    part.src = base + 'parts/' + name + '.js';
    part.async = false;   // dynamically added scripts then run in the order they were added
    part.onerror = function () { parts.missing.push(name); };
    document.head.appendChild(part);
  });
})(window);
