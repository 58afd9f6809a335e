// The languages the widget speaks, which one it starts in, and how it follows the language of the
// assistant's answers (nothing is sent for that: the assistant already answers in the family's language).
(function (global, parts) {
  'use strict';

  // Each language: its name in itself (the toggle, the report's language list) and its direction.
  var LANGUAGES = {
    en: { name: 'English', dir: 'ltr' },
    ar: { name: 'العربية', dir: 'rtl' }
  };
  var ARABIC_LETTER = /[\u0600-\u06FF\u0750-\u077F\u08A0-\u08FF\uFB50-\uFDFF\uFE70-\uFEFF]/;
  // The interface follows the language of the assistant's answers, judged by the share of Arabic letters
  // (links left out). Measured on every written answer and directory answer: Arabic ones are 0.59 or more
  // (service names stay in Latin letters), English ones 0; the bilingual notices (rate limit, long message)
  // are about 0.45 and change nothing.
  var ARABIC_ANSWER_SHARE = 0.5;
  var ENGLISH_ANSWER_SHARE = 0.2;
  var LINK_TARGET = /\]\([^)\s]*\)|https?:\/\/\S+/gi;

  function isSupported(lang) {
    return Object.prototype.hasOwnProperty.call(LANGUAGES, lang);
  }

  function direction(lang) {
    return isSupported(lang) ? LANGUAGES[lang].dir : 'ltr';
  }

  /** [[code, name], ...] in a fixed order, for the toggle and the report's language list. */
  function choices() {
    return Object.keys(LANGUAGES).map(function (code) { return [code, LANGUAGES[code].name]; });
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

  /** The `lang` of one message's text, for screen readers and fonts. */
  function textLanguage(value) {
    return arabicShare(value) > 0.5 ? 'ar' : 'en';
  }

  /** The language of an answer ("ar" or "en"), or null when it is bilingual or has no letters. */
  function answerLanguage(m) {
    var share = arabicShare([m.text].concat(m.buttons.map(function (b) { return b.title; })).join('\n'));
    if (share === null) return null;
    if (share >= ARABIC_ANSWER_SHARE) return 'ar';
    return share <= ENGLISH_ANSWER_SHARE ? 'en' : null;
  }

  /** Arabic when the site asks for it, or the page (<html lang="ar…">) or the browser's language says so. */
  function startLanguage(asked) {
    var pageLang = document.documentElement.getAttribute('lang') || '';
    var browserLang = (global.navigator && global.navigator.language) || '';
    return asked === 'ar' || /^ar\b/i.test(pageLang) || /^ar\b/i.test(browserLang) ? 'ar' : 'en';
  }

  /**
   * Which language the interface takes after each answer. After the toggle, answers already on their way
   * in the old language must not switch it back: the toggle's choice holds until an answer in it arrives
   * or the family writes again.
   */
  function Follower() {
    this.requested = null;
  }

  Follower.prototype.toggled = function (lang) { this.requested = lang; };

  Follower.prototype.familyWrote = function () { this.requested = null; };

  /** The language to switch to after answer `m`, or null to stay. */
  Follower.prototype.after = function (m) {
    var lang = answerLanguage(m);
    if (!lang) return null;
    if (this.requested) {
      if (lang !== this.requested) return null;
      this.requested = null;
    }
    return lang;
  };

  parts.languages = {
    isSupported: isSupported,
    direction: direction,
    choices: choices,
    textLanguage: textLanguage,
    startLanguage: startLanguage,
    Follower: Follower
  };
})(window, window.SafeHarbourParts);
