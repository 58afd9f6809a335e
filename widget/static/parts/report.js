// "Prepare my report": loads report-form.js (which fetches its templates and the police routes) when the
// widget starts, so that nothing is fetched while the family types, and opens it inside the chat panel.
(function (global, parts) {
  'use strict';

  /** options: {url (report-form.js, or null for no reports), serverUrl, panel, onClose(), unavailable()}. */
  function Reports(options) {
    this.options = options;
    this.closed = false;
    this.loading = null;   // a promise of the form, once report-form.js is here
    this.form = null;      // the form, once opened
  }

  Reports.prototype.enabled = function () {
    return !!this.options.url;
  };

  Reports.prototype.load = function () {
    var self = this;
    var options = this.options;
    var create = function () {
      if (self.closed || !global.SafeHarbourReportForm) return;
      self.loading = global.SafeHarbourReportForm.create(options.serverUrl, {
        panel: options.panel,
        onClose: options.onClose
      });
      self.loading['catch'](function () { /* a notice says so if its button is used */ });
    };
    if (!this.enabled()) return;
    if (global.SafeHarbourReportForm) {
      create();
      return;
    }
    var script = parts.dom.el('script', null, { src: options.url, async: '' });
    script.onload = create;
    document.head.appendChild(script);
  };

  Reports.prototype.open = function (template, language) {
    var self = this;
    if (!this.loading) {
      this.options.unavailable();
      return;
    }
    this.loading.then(function (form) {
      if (self.closed) return;
      self.form = form;
      form.open(template, language);
    }, this.options.unavailable);
  };

  /** A picture pasted or dropped while the form is open is refused in the form. Returns whether it was. */
  Reports.prototype.refuseIfOpen = function () {
    if (!this.form || !this.form.isOpen()) return false;
    this.form.refuse();
    return true;
  };

  /** Quick exit and unmount: every typed value is forgotten. */
  Reports.prototype.destroy = function () {
    this.closed = true;
    if (this.form) this.form.destroy();
  };

  parts.report = { Reports: Reports };
})(window, window.SafeHarbourParts);
