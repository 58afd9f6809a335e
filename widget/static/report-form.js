/*!
 * Safe Harbour "Prepare my report": a takedown request, a police report, a note for the school or an
 * evidence checklist, filled in inside the chat widget and never sent.
 *
 * Loaded by the widget (parts/report.js), which opens it from a "Prepare my report" button; it builds with
 * the widget's parts (window.SafeHarbourParts: dom, strings, languages, rendering). Its templates
 * (report-templates.json, next to this file) and the countries' official police routes
 * ({serverUrl}/widget/report-routes.json) are fetched when the widget starts, before anything is typed.
 *
 * Privacy rules this file keeps:
 *  - Nothing typed here is sent anywhere, and no request is made while filling in or exporting: copy,
 *    print and download are done by the browser (clipboard, print dialog, a local blob).
 *  - Nothing is written to any storage; fields have autocomplete off and there is no form submission, so
 *    the browser keeps no form history. The values live in the page only until Quick exit (destroy()),
 *    "Clear the form", or the tab closes.
 *  - Fields are plain text; nothing accepts a file (pictures are refused by the widget around the form).
 */
(function (global) {
  'use strict';

  var scriptEl = document.currentScript;
  var BASE = scriptEl && scriptEl.src ? new URL('.', scriptEl.src).href : null;
  var BLANK = '______________________';

  var parts = global.SafeHarbourParts;
  var el = parts.dom.el;
  var text = parts.dom.text;
  var languages = parts.languages;

  /** Today in words ("7 December 2026", "٧ ديسمبر ٢٠٢٦"): no day/month order to misread, no bidi reordering. */
  function longDate(lang) {
    return new Intl.DateTimeFormat(lang === 'ar' ? 'ar' : 'en-GB', { day: 'numeric', month: 'long', year: 'numeric' })
      .format(new Date());
  }

  function today() {
    var d = new Date();
    return d.getFullYear() + '-' + ('0' + (d.getMonth() + 1)).slice(-2) + '-' + ('0' + d.getDate()).slice(-2);
  }

  function getJson(url) {
    return fetch(url, { credentials: 'omit' }).then(function (res) {
      if (!res.ok) throw new Error('HTTP ' + res.status);
      return res.json();
    });
  }

  var data = null;

  /** Fetches the templates and the police routes once; resolves when the form can open. */
  function load(serverUrl) {
    if (!data) {
      if (BASE) document.head.appendChild(el('link', null, { rel: 'stylesheet', href: BASE + 'report-form.css' }));
      data = Promise.all([
        getJson((BASE || serverUrl + '/widget/') + 'report-templates.json'),
        getJson(serverUrl.replace(/\/+$/, '') + '/widget/report-routes.json')
      ]).then(function (both) {
        return { templates: both[0].templates, countries: both[1].countries };
      });
    }
    return data;
  }

  /**
   * The form, inside `panel` (the widget's chat panel, whose chat parts are hidden while it is open).
   * options: {panel, language, onClose()}.
   */
  function ReportForm(content, options) {
    this.content = content;
    this.panel = options.panel;
    this.onClose = options.onClose;
    this.language = languages.isSupported(options.language) ? options.language : 'en';
    this.templateId = content.templates[0].id;
    this.values = {};
    this.country = '';
    this.section = null;
    this.printout = null;
  }

  ReportForm.prototype.t = function (key) {
    return parts.strings.report(this.language)(key);
  };

  ReportForm.prototype.template = function () {
    var id = this.templateId;
    return this.content.templates.filter(function (t) { return t.id === id; })[0] || this.content.templates[0];
  };

  ReportForm.prototype.isOpen = function () {
    return !!this.section;
  };

  ReportForm.prototype.open = function (templateId, language) {
    if (templateId && this.content.templates.some(function (t) { return t.id === templateId; })) this.templateId = templateId;
    if (languages.isSupported(language)) this.language = language;
    this.build();
    this.heading.focus();
  };

  /** Back to the chat: the values stay in the page (until Quick exit or "Clear") so the family can return. */
  ReportForm.prototype.close = function () {
    this.remove();
    if (this.onClose) this.onClose();
  };

  /** Quick exit: forget every value and leave nothing on the page. */
  ReportForm.prototype.destroy = function () {
    this.values = {};
    this.country = '';
    this.remove();
  };

  ReportForm.prototype.remove = function () {
    if (this.section && this.section.parentNode) this.section.parentNode.removeChild(this.section);
    if (this.printout && this.printout.parentNode) this.printout.parentNode.removeChild(this.printout);
    this.section = null;
    this.printout = null;
    this.panel.classList.remove('sh-reporting');
    document.documentElement.classList.remove('sh-report-open');
  };

  ReportForm.prototype.refuse = function () {
    this.say('refusal', true);
  };

  ReportForm.prototype.say = function (key, warning) {
    if (!this.statusEl) return;
    text(this.statusEl, this.t(key));
    this.statusEl.classList.toggle('sh-notice', !!warning);
    this.statusEl.classList.toggle('sh-notice--warning', !!warning);
  };

  ReportForm.prototype.build = function () {
    var self = this;
    var lang = this.language;
    var tpl = this.template();
    var words = tpl[lang];
    var uid = 'sh-report-' + Math.random().toString(36).slice(2, 8);
    if (this.section) this.remove();

    var section = el('section', 'sh-report', { lang: lang, dir: languages.direction(lang), 'aria-labelledby': uid + '-heading' });
    this.heading = text(el('h3', 'sh-report-heading', { id: uid + '-heading', tabindex: '-1' }), this.t('heading'));
    section.appendChild(this.heading);
    section.appendChild(text(el('p', 'sh-notice'), this.t('privacy')));

    var choices = el('div', 'sh-report-choices');
    choices.appendChild(this.select(uid, 'document', this.t('document'), this.content.templates.map(function (t) {
      return [t.id, t[lang].title];
    }), this.templateId, function (value) { self.templateId = value; self.rebuild(); }));
    choices.appendChild(this.select(uid, 'language', this.t('language'), languages.choices(), lang,
      function (value) { self.language = value; self.rebuild(); }));
    section.appendChild(choices);

    section.appendChild(text(el('p', 'sh-report-intro'), words.intro));
    var fields = el('div', 'sh-report-fields');
    words.fields.forEach(function (field) { fields.appendChild(self.field(uid, field)); });
    section.appendChild(fields);

    section.appendChild(text(el('h4', 'sh-report-subheading', { id: uid + '-preview' }), this.t('preview')));
    this.preview = el('div', 'sh-report-document', { role: 'region', 'aria-labelledby': uid + '-preview', tabindex: '0' });
    section.appendChild(this.preview);

    var actions = el('div', 'sh-report-actions');
    [['copy', function () { self.copy(); }], ['print', function () { global.print(); }],
      ['download', function () { self.download(); }], ['clear', function () { self.clear(); }],
      ['back', function () { self.close(); }]].forEach(function (pair) {
      var b = text(el('button', 'sh-btn sh-report-' + pair[0], { type: 'button' }), self.t(pair[0]));
      b.addEventListener('click', pair[1]);
      actions.appendChild(b);
    });
    section.appendChild(actions);
    this.statusEl = el('p', 'sh-report-status', { role: 'status', 'aria-live': 'polite' });
    section.appendChild(this.statusEl);
    this.sourcesEl = el('div', 'sh-sources sh-report-sources');
    section.appendChild(this.sourcesEl);

    // Shown only when printing (report-form.css): the document alone, in its own direction.
    this.printout = el('div', 'sh-report-printout', { lang: lang, dir: languages.direction(lang) });
    document.body.appendChild(this.printout);
    document.documentElement.classList.add('sh-report-open');

    this.section = section;
    this.panel.classList.add('sh-reporting');
    var header = this.panel.querySelector('.sh-header');
    this.panel.insertBefore(section, header ? header.nextSibling : this.panel.firstChild);
    this.render();
  };

  /** After a change of document or language: rebuild, keeping what was typed, focus on the same control. */
  ReportForm.prototype.rebuild = function () {
    var focused = document.activeElement && document.activeElement.getAttribute('data-report-control');
    this.build();
    var again = focused && this.section.querySelector('[data-report-control="' + focused + '"]');
    (again || this.heading).focus();
  };

  ReportForm.prototype.select = function (uid, control, label, options, value, onChange) {
    var id = uid + '-' + control;
    var wrap = el('div', 'sh-report-field');
    wrap.appendChild(text(el('label', 'sh-report-label', { for: id }), label));
    var select = el('select', 'sh-input sh-report-select', { id: id, 'data-report-control': control });
    options.forEach(function (o) {
      var option = text(el('option', null, { value: o[0] }), o[1]);
      if (o[0] === value) option.selected = true;
      select.appendChild(option);
    });
    select.addEventListener('change', function () { onChange(select.value); });
    wrap.appendChild(select);
    return wrap;
  };

  ReportForm.prototype.field = function (uid, field) {
    var self = this;
    var lang = this.language;
    var id = uid + '-' + field.id;
    if (field.type === 'country') {
      var countries = this.content.countries.slice().sort(function (a, b) {
        return a.name[lang].localeCompare(b.name[lang], lang);
      });
      var options = [['', this.t('chooseCountry')]].concat(countries.map(function (c) { return [c.code, c.name[lang]]; }));
      options.push(['other', this.t('otherCountry')]);
      var wrap = this.select(uid, field.id, field.label, options, this.country, function (value) {
        self.country = value;
        self.render();
      });
      wrap.appendChild(text(el('p', 'sh-hint', { id: id + '-hint' }), field.hint));
      wrap.querySelector('select').setAttribute('aria-describedby', id + '-hint');
      return wrap;
    }
    var box = el('div', 'sh-report-field');
    box.appendChild(text(el('label', 'sh-report-label', { for: id }), field.label));
    // No browser form history, and no spelling service that could send the words elsewhere.
    var attrs = {
      id: id, dir: 'auto', autocomplete: 'off', spellcheck: 'false', maxlength: '2000',
      'aria-describedby': id + '-hint', 'data-report-control': field.id
    };
    var input = field.lines > 1
      ? el('textarea', 'sh-input sh-report-input', Object.assign({ rows: String(field.lines) }, attrs))
      : el('input', 'sh-input sh-report-input', Object.assign({ type: 'text' }, attrs));
    input.value = this.values[field.id] || '';
    input.addEventListener('input', function () {
      self.values[field.id] = input.value;
      self.render();
    });
    box.appendChild(input);
    box.appendChild(text(el('p', 'sh-hint', { id: id + '-hint' }), field.hint));
    return box;
  };

  /** The finished document, as plain text, in the chosen language. */
  ReportForm.prototype.documentText = function () {
    var self = this;
    var tpl = this.template();
    var lang = this.language;
    var words = tpl[lang];
    var chosen = this.content.countries.filter(function (c) { return c.code === self.country; })[0];
    var route = chosen && chosen.route[lang];
    var computed = {
      date: longDate(lang),
      // Only a country with checked official contacts (they carry sources) gets them; others a plain sentence.
      police_route: route && route.sources ? route.text : this.t('noRoute')
    };
    Object.keys(tpl.clauses || {}).forEach(function (name) {
      computed[name] = chosen && chosen.code === tpl.clauses[name].country ? words.clauses[name] : '';
    });
    return words.body.split('\n').filter(function (line) {
      // A line holding only a clause that does not apply is left out.
      var only = /^\{(\w+)\}$/.exec(line.trim());
      return !(only && tpl.clauses && tpl.clauses[only[1]] && !computed[only[1]]);
    }).join('\n').replace(/\{(\w+)\}/g, function (whole, name) {
      if (computed.hasOwnProperty(name)) return computed[name];
      var typed = (self.values[name] || '').trim();
      return typed || BLANK;
    });
  };

  ReportForm.prototype.render = function () {
    var doc = this.documentText();
    text(this.preview, doc);
    text(this.printout, doc);
    this.renderSources();
  };

  ReportForm.prototype.renderSources = function () {
    var self = this;
    var tpl = this.template();
    var chosen = this.content.countries.filter(function (c) { return c.code === self.country; })[0];
    var route = chosen && tpl.id === 'police' ? chosen.route[this.language] : null;
    var sources = tpl.sources.concat(route && route.sources ? route.sources : []);
    parts.dom.removeChildren(this.sourcesEl);
    parts.rendering.fillSources(this.sourcesEl, sources, tpl.reviewed, parts.strings.chat(this.language));
  };

  ReportForm.prototype.copy = function () {
    var self = this;
    var doc = this.documentText();
    var fallback = function () {
      // Older browsers, or no clipboard permission: select the document and copy the selection.
      var range = document.createRange();
      range.selectNodeContents(self.preview);
      var selection = global.getSelection();
      selection.removeAllRanges();
      selection.addRange(range);
      var done = false;
      try { done = document.execCommand('copy'); } catch (e) { done = false; }
      self.say(done ? 'copied' : 'copyFailed', !done);
    };
    if (global.navigator.clipboard && global.navigator.clipboard.writeText) {
      global.navigator.clipboard.writeText(doc).then(function () { self.say('copied'); }, fallback);
    } else {
      fallback();
    }
  };

  ReportForm.prototype.download = function () {
    // A blob made in this page: the browser saves it without asking any server.
    var blob = new Blob(['\ufeff' + this.documentText().replace(/\n/g, '\r\n')], { type: 'text/plain;charset=utf-8' });
    var url = URL.createObjectURL(blob);
    var link = el('a', null, { href: url, download: 'report-' + today() + '.txt' });
    link.hidden = true;
    document.body.appendChild(link);
    link.click();
    document.body.removeChild(link);
    setTimeout(function () { URL.revokeObjectURL(url); }, 1000);
    this.say('downloaded');
  };

  ReportForm.prototype.clear = function () {
    this.values = {};
    this.country = '';
    this.build();
    this.heading.focus();
    this.say('cleared');
  };

  global.SafeHarbourReportForm = {
    load: load,
    /** Resolves to a form for the widget's panel, once the templates and routes are here. */
    create: function (serverUrl, options) {
      return load(serverUrl).then(function (content) { return new ReportForm(content, options); });
    }
  };
})(window);
