// The widget's DOM: the launcher row (floating mode), and the chat panel with its header (title, Quick
// exit, language toggle, minimise), privacy note, log, status line, message box and footer. build() makes
// it; label() gives every text and accessible name in the current language.
(function (parts) {
  'use strict';

  var el = parts.dom.el;
  var text = parts.dom.text;
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

  /** The site's `colors` as the theme's custom properties: colours only, no url(), var() or expressions. */
  function applyColours(root, colors) {
    Object.keys(COLOR_VARS).forEach(function (name) {
      var value = colors && colors[name];
      if (typeof value === 'string' && /^[#a-zA-Z0-9(),.%\s-]{1,64}$/.test(value) && !/url|var|expression/i.test(value)) {
        root.style.setProperty(COLOR_VARS[name], value);
      }
    });
  }

  /** Builds the widget into the page (config.container, or floating on <body>). Returns its parts. */
  function build(config, version, maxMessageLength) {
    var floating = !config.container;
    var uid = 'sh-' + Math.random().toString(36).slice(2, 8);
    var view = {};

    var root = el('div', 'sh-widget sh-theme' + (floating ? ' sh-widget--floating' : ' sh-widget--inline'), {
      'data-safe-harbour': version
    });
    applyColours(root, config.colors);
    view.root = root;

    // Launcher row (floating mode only): open button plus a Quick exit that stays visible while closed.
    if (floating) {
      var dock = el('div', 'sh-dock');
      view.launcher = el('button', 'sh-btn sh-launcher', { type: 'button', 'aria-controls': uid + '-panel', 'aria-expanded': 'false' });
      view.launcherLabel = el('span', 'sh-launcher-label');
      view.launcher.appendChild(el('span', 'sh-launcher-icon', { 'aria-hidden': 'true' }));
      view.launcher.appendChild(view.launcherLabel);
      view.dockExit = el('button', 'sh-btn sh-exit sh-exit--dock', { type: 'button' });
      dock.appendChild(view.dockExit);
      dock.appendChild(view.launcher);
      root.appendChild(dock);
    }

    var panel = view.panel = el('section', 'sh-panel', { id: uid + '-panel', 'aria-labelledby': uid + '-title' });

    var header = el('header', 'sh-header');
    var top = el('div', 'sh-header-top');
    var titles = el('div', 'sh-titles');
    view.title = el('h2', 'sh-title', { id: uid + '-title' });
    view.subtitle = el('p', 'sh-subtitle');
    titles.appendChild(view.title);
    titles.appendChild(view.subtitle);
    view.exit = el('button', 'sh-btn sh-exit', { type: 'button' });
    top.appendChild(titles);
    top.appendChild(view.exit);
    header.appendChild(top);

    var row = el('div', 'sh-header-row');
    view.langGroup = el('div', 'sh-lang', { role: 'group' });
    view.langButtons = {};
    parts.languages.choices().forEach(function (choice) {
      var code = choice[0];
      var b = el('button', 'sh-btn sh-lang-btn', { type: 'button', lang: code, dir: parts.languages.direction(code), 'data-lang': code });
      view.langButtons[code] = text(b, choice[1]);
      view.langGroup.appendChild(b);
    });
    row.appendChild(view.langGroup);
    if (floating) {
      view.minimise = el('button', 'sh-btn sh-minimise', { type: 'button' });
      view.minimise.appendChild(text(el('span', null, { 'aria-hidden': 'true' }), '–'));
      view.minimiseLabel = el('span', 'sh-visually-hidden');
      view.minimise.appendChild(view.minimiseLabel);
      row.appendChild(view.minimise);
    }
    header.appendChild(row);
    panel.appendChild(header);

    view.privacy = el('p', 'sh-privacy');
    panel.appendChild(view.privacy);

    view.log = el('div', 'sh-log', { role: 'log', 'aria-live': 'polite', 'aria-relevant': 'additions', tabindex: '0' });
    panel.appendChild(view.log);

    var status = el('div', 'sh-status', { role: 'status', 'aria-live': 'polite' });
    view.typing = el('div', 'sh-typing', { hidden: '' });
    var dots = el('span', 'sh-typing-dots', { 'aria-hidden': 'true' });
    dots.appendChild(el('span'));
    dots.appendChild(el('span'));
    dots.appendChild(el('span'));
    view.typingText = el('span', 'sh-typing-text');
    view.typing.appendChild(dots);
    view.typing.appendChild(view.typingText);
    view.connection = el('p', 'sh-connection', { hidden: '' });
    status.appendChild(view.typing);
    status.appendChild(view.connection);
    panel.appendChild(status);

    view.form = el('form', 'sh-composer', { novalidate: '' });
    view.inputLabel = el('label', 'sh-visually-hidden', { for: uid + '-input' });
    view.input = el('textarea', 'sh-input', {
      id: uid + '-input', rows: '2', maxlength: String(maxMessageLength), dir: 'auto',
      autocomplete: 'off', autocapitalize: 'sentences', spellcheck: 'true'
    });
    view.send = el('button', 'sh-btn sh-btn--primary sh-send', { type: 'submit' });
    view.form.appendChild(view.inputLabel);
    view.form.appendChild(view.input);
    view.form.appendChild(view.send);
    panel.appendChild(view.form);

    var footer = el('div', 'sh-footer');
    view.human = el('button', 'sh-btn sh-human', { type: 'button' });
    view.hint = el('p', 'sh-hint');
    footer.appendChild(view.human);
    footer.appendChild(view.hint);
    panel.appendChild(footer);

    root.appendChild(panel);

    var host = null;
    if (config.container) {
      host = typeof config.container === 'string' ? document.querySelector(config.container) : config.container;
    }
    (host || document.body).appendChild(root);
    return view;
  }

  function labelExit(button, t) {
    text(button, t('quickExit'));
    button.setAttribute('aria-label', t('quickExitLabel'));
    button.setAttribute('title', t('escHint'));
  }

  /** Every text and accessible name of the panel in `lang` (`t` gives its words); the toggle's state. */
  function label(view, t, lang) {
    view.root.setAttribute('lang', lang);
    view.root.setAttribute('dir', parts.languages.direction(lang));
    text(view.title, t('title'));
    text(view.subtitle, t('subtitle'));
    labelExit(view.exit, t);
    if (view.dockExit) labelExit(view.dockExit, t);
    if (view.launcher) text(view.launcherLabel, t('launcher'));
    if (view.minimise) text(view.minimiseLabel, t('minimise'));
    view.langGroup.setAttribute('aria-label', t('language'));
    Object.keys(view.langButtons).forEach(function (code) {
      view.langButtons[code].setAttribute('aria-pressed', code === lang ? 'true' : 'false');
    });
    text(view.privacy, t('privacy'));
    view.log.setAttribute('aria-label', t('log'));
    text(view.inputLabel, t('inputLabel'));
    view.input.setAttribute('placeholder', t('placeholder'));
    text(view.send, t('send'));
    text(view.human, t('human'));
    text(view.hint, t('escHint'));
  }

  parts.panel = { build: build, label: label };
})(window.SafeHarbourParts);
