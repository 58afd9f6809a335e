// Messages and notices as DOM nodes. Server text is only ever put in with textContent: **bold**,
// [label](http-url) and bare http(s) URLs are understood, and everything else, HTML included, stays text.
(function (parts) {
  'use strict';

  var dom = parts.dom;
  var el = dom.el;
  var text = dom.text;
  var TOKEN = /\[([^\]\n]{1,300})\]\(([^)\s]{1,2000})\)|\*\*([^*\n]{1,500})\*\*|(https?:\/\/[^\s<>"'`]+)/gi;

  /** Appends message text to `parent`, with its bold parts and safe links. */
  function appendRichText(parent, value, newTabText) {
    var last = 0;
    var match;
    TOKEN.lastIndex = 0;
    while ((match = TOKEN.exec(value)) !== null) {
      if (match.index > last) parent.appendChild(document.createTextNode(value.slice(last, match.index)));
      var consumed = match[0];
      if (match[1] !== undefined) {
        var href = dom.safeUrl(match[2]);
        parent.appendChild(href ? dom.link(href, match[1], newTabText) : document.createTextNode(consumed));
      } else if (match[3] !== undefined) {
        parent.appendChild(text(el('strong'), match[3]));
      } else {
        // Bare URL: leave trailing punctuation out of the link.
        var url = match[4];
        var trail = '';
        var m = /[.,;:!?،؛)\]]+$/.exec(url);
        if (m) { trail = m[0]; url = url.slice(0, -trail.length); }
        var bare = dom.safeUrl(url);
        parent.appendChild(bare ? dom.link(bare, url, newTabText) : document.createTextNode(url));
        if (trail) parent.appendChild(document.createTextNode(trail));
      }
      last = match.index + consumed.length;
    }
    if (last < value.length) parent.appendChild(document.createTextNode(value.slice(last)));
  }

  /** Fills `container` with a sources list ([{title, url}]) and the review date; `t` gives the words. */
  function fillSources(container, sources, reviewed, t) {
    container.appendChild(text(el('p', 'sh-sources-title'), t('sources')));
    var list = el('ul', 'sh-sources-list');
    sources.forEach(function (s) {
      var li = el('li');
      var href = dom.safeUrl(s.url);
      if (href) li.appendChild(dom.link(href, s.title, t('newTab')));
      else li.textContent = s.title;
      list.appendChild(li);
    });
    container.appendChild(list);
    if (reviewed) container.appendChild(reviewedLine(reviewed, t));
  }

  function reviewedLine(date, t) {
    return text(el('p', 'sh-reviewed'), t('reviewed').replace('{date}', date));
  }

  /** One of the widget's own notices (welcome, refusal, ...): its text follows the interface's language. */
  function notice(key, t) {
    var item = el('div', 'sh-notice' + (key === 'refusal' ? ' sh-notice--warning' : ''), {
      'data-sh-notice': key, dir: 'auto'
    });
    item.appendChild(text(el('p', 'sh-notice-text'), t(key)));
    return item;
  }

  /**
   * A message of the log. options: {t, buttons: the quick replies to show (none: []), onButton(button)}.
   * Bot and user messages keep their own language (`lang`, `dir="auto"`) whatever the interface's.
   */
  function message(m, options) {
    var t = options.t;
    if (m.role === 'notice') return notice(m.key, t);
    var isUser = m.role === 'user';
    var item = el('div', 'sh-msg sh-msg--' + (isUser ? 'user' : (m.role === 'staff' ? 'staff' : 'bot')), {
      dir: 'auto', lang: parts.languages.textLanguage(m.text)
    });
    if (m.role === 'staff') {
      item.appendChild(text(el('p', 'sh-staff-label'), t('staff')));
    } else {
      item.appendChild(text(el('span', 'sh-visually-hidden sh-speaker'), (isUser ? t('you') : t('bot')) + ': '));
    }
    if (m.text) {
      var bubble = el('p', 'sh-msg-text', { dir: 'auto' });
      if (isUser) bubble.textContent = m.text;
      else appendRichText(bubble, m.text, t('newTab'));
      item.appendChild(bubble);
    }
    if (!isUser && m.sources && m.sources.length) {
      var sources = el('div', 'sh-sources', { dir: 'auto' });
      fillSources(sources, m.sources, m.reviewed, t);
      item.appendChild(sources);
    } else if (!isUser && m.reviewed) {
      item.appendChild(reviewedLine(m.reviewed, t));
    }
    if (options.buttons.length) {
      var group = el('div', 'sh-quick-replies', { role: 'group', 'aria-label': m.text ? m.text.slice(0, 80) : t('bot') });
      options.buttons.forEach(function (b) {
        var btn = text(el('button', 'sh-btn sh-quick-reply', { type: 'button', dir: 'auto' }), b.title);
        btn.addEventListener('click', function () { options.onButton(b); });
        group.appendChild(btn);
      });
      item.appendChild(group);
    }
    return item;
  }

  /** Quick replies stay only on the latest answer, until the family answers. */
  function removeQuickReplies(log) {
    var groups = log.querySelectorAll('.sh-quick-replies');
    for (var i = 0; i < groups.length; i++) groups[i].parentNode.removeChild(groups[i]);
  }

  /** After a change of language: the widget's notices and staff labels in the log take the new words. */
  function relabel(log, t) {
    var notices = log.querySelectorAll('[data-sh-notice]');
    for (var i = 0; i < notices.length; i++) {
      var body = notices[i].querySelector('.sh-notice-text');
      if (body) text(body, t(notices[i].getAttribute('data-sh-notice')));
    }
    var staffLabels = log.querySelectorAll('.sh-staff-label');
    for (var j = 0; j < staffLabels.length; j++) text(staffLabels[j], t('staff'));
  }

  parts.rendering = {
    message: message,
    notice: notice,
    fillSources: fillSources,
    removeQuickReplies: removeQuickReplies,
    relabel: relabel
  };
})(window.SafeHarbourParts);
