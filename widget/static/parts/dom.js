// Small DOM helpers, shared by the chat and the report form: elements are made with createElement and
// filled with textContent only, and only http(s) addresses become links.
(function (global, parts) {
  'use strict';

  /** A new element with a class and attributes (null or undefined attributes are left out). */
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

  function removeChildren(node) {
    while (node.firstChild) node.removeChild(node.firstChild);
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

  function resolveUrl(relative, base) {
    try { return new URL(relative, base || global.location.href).href; } catch (e) { return relative; }
  }

  /** A link that opens in a new tab and says so to screen readers; `href` must come from safeUrl(). */
  function link(href, label, newTabText) {
    var a = el('a', 'sh-link', { href: href, target: '_blank', rel: 'noopener noreferrer', dir: 'auto' });
    a.appendChild(document.createTextNode(label));
    if (newTabText) a.appendChild(text(el('span', 'sh-visually-hidden'), ' ' + newTabText));
    return a;
  }

  parts.dom = {
    el: el,
    text: text,
    removeChildren: removeChildren,
    safeUrl: safeUrl,
    resolveUrl: resolveUrl,
    link: link
  };
})(window, window.SafeHarbourParts);
