// What arrives from the server, reduced to what the widget may show. Anything that is not text, buttons,
// sources, a review date or the staff marker (images, attachments, custom payloads, HTML) is dropped here.
(function (parts) {
  'use strict';

  var safeUrl = parts.dom.safeUrl;
  // "Prepare my report" buttons open the report form in the page (report-form.js): they are never sent.
  // Not JSON in braces: Rasa reads {...} in a response as a slot to fill and logs an error each time.
  var REPORT_PAYLOAD = /^\/prepare_report(?::([a-z_]+))?$/;

  /** A bot message (socket.io or REST) in the one shape the widget renders, or null when nothing is left. */
  function fromServer(raw) {
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

  /** The notice for a `handoff` event ('staffJoined', 'staffLeft'), or null. */
  function handoffNotice(data) {
    if (!data || typeof data !== 'object') return null;
    var status = data.status || data.event || data.type;
    if (status === 'joined' || status === 'staff_joined') return 'staffJoined';
    if (status === 'left' || status === 'staff_left') return 'staffLeft';
    return null;
  }

  /** The template a "Prepare my report" payload asks for ('' for the default), or null for any other payload. */
  function reportTemplate(payload) {
    var match = REPORT_PAYLOAD.exec(payload);
    if (!match) return null;
    return match[1] || '';
  }

  parts.messages = {
    fromServer: fromServer,
    handoffNotice: handoffNotice,
    reportTemplate: reportTemplate
  };
})(window.SafeHarbourParts);
