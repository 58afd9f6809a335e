/*
 * Safe Harbour staff console. Plain JavaScript, no framework. Everything that comes from the server is
 * put on the page with textContent (never innerHTML), so nothing a family or staff member types can run.
 * The session is an HttpOnly cookie; the API is under /staff/api/ (see safe_harbour/console/channel.py).
 */
(function () {
  'use strict';

  var POLL_MS = 3000;
  // BEGIN topic labels: written from topics/registry.yml by `python -m safe_harbour.topics --write-console`
  var TOPIC_LABELS = {
    "en": {
      "ai_generated_image": "Fake / AI-made image",
      "real_image_shared": "Real image shared",
      "sextortion": "Sextortion (threats / blackmail)",
      "grooming_concern": "Adult contacting a child",
      "peer_school_incident": "Peers / school",
      "self_generated_image": "Image the child took",
      "remove_content": "Getting it removed",
      "take_it_down": "Take It Down",
      "preserve_evidence": "Keeping evidence",
      "report_police": "Reporting to the police",
      "report_hotline": "Reporting to a hotline",
      "legal_status": "Legal questions",
      "talk_to_child": "Talking to the child",
      "parent_support": "Support for the parent",
      "school_involvement": "Telling the school",
      "privacy_anonymity": "Privacy and anonymity",
      "after_report": "After a report",
      "prevent_future": "Preventing it in future",
      "adult_victim": "Adult in the image",
      "child_user": "A child writing",
      "crisis_self_harm": "Self-harm or suicide risk",
      "immediate_danger": "In danger now",
      "offer_image": "Offered an image (refused)",
      "perpetrator_seeking": "Seeking images (refused)",
      "own_thoughts": "Worried about own thoughts"
    },
    "ar": {
      "ai_generated_image": "صورة مزيّفة أو مصنوعة بالذكاء الاصطناعي",
      "real_image_shared": "نشر صورة حقيقية",
      "sextortion": "ابتزاز جنسي (تهديد بالنشر)",
      "grooming_concern": "بالغ يتواصل مع طفل",
      "peer_school_incident": "أقران أو المدرسة",
      "self_generated_image": "صورة التقطها الطفل لنفسه",
      "remove_content": "إزالة المحتوى",
      "take_it_down": "خدمة Take It Down",
      "preserve_evidence": "حفظ الأدلة",
      "report_police": "الإبلاغ للشرطة",
      "report_hotline": "الإبلاغ لخط ساخن",
      "legal_status": "أسئلة قانونية",
      "talk_to_child": "الحديث مع الطفل",
      "parent_support": "دعم الأهل",
      "school_involvement": "إبلاغ المدرسة",
      "privacy_anonymity": "الخصوصية وإخفاء الهوية",
      "after_report": "ما بعد البلاغ",
      "prevent_future": "الوقاية مستقبلًا",
      "adult_victim": "بالغ في الصورة",
      "child_user": "طفل يكتب بنفسه",
      "crisis_self_harm": "خطر إيذاء النفس أو الانتحار",
      "immediate_danger": "في خطر الآن",
      "offer_image": "عرض إرسال صورة (رُفض)",
      "perpetrator_seeking": "يطلب صورًا (رُفض)",
      "own_thoughts": "قلق من أفكاره الخاصة"
    }
  };
  // END topic labels
  // Topic labels in the console page's language (its <html lang>), English when there are none in it.
  var TOPIC_LABEL = TOPIC_LABELS[document.documentElement.lang] || TOPIC_LABELS.en;
  var LABELS = {
    urgency: { emergency: 'Emergency', high: 'High', normal: 'Normal' },
    status: { waiting: 'Waiting', active: 'With staff', closed: 'Closed' },
    language: { en: 'English', ar: 'Arabic' },
    topic: TOPIC_LABEL,
    // A case is filed under a topic, or under none stated (safe_harbour/handoff/triage.py).
    category: Object.assign({ not_stated: 'Not stated' }, TOPIC_LABEL),
    reported: { platform: 'the platform', hotline: 'a hotline', police: 'the police' },
    outcome: {
      no_staff_hotline_given: 'No staff available, hotline given', staff_disconnected: 'Staff console gone, handed back',
      advice_given: 'Advice given',
      referred_to_hotline: 'Referred to a hotline', referred_to_police: 'Referred to the police',
      referred_to_child_protection: 'Referred to child protection', family_left: 'Family left',
      not_in_scope: 'Not in scope'
    },
    from: { family: 'Family', bot: 'Assistant', staff: 'Staff', system: '' }
  };

  // Transcript speakers -> the widget's message classes (sh-msg--user|bot|staff).
  var BUBBLE = { family: 'user', bot: 'bot', staff: 'staff' };
  var ARABIC = /[\u0600-\u06FF]/;

  var state = { me: null, selected: null, timer: null };

  // Every request says how long the staff member has not touched the console (the page's own polling is not
  // activity): the server signs an unattended console out after STAFF_IDLE_MINUTES.
  var lastActivity = Date.now();
  ['keydown', 'pointerdown', 'input', 'focus'].forEach(function (kind) {
    window.addEventListener(kind, function () { lastActivity = Date.now(); }, true);
  });

  function $(id) { return document.getElementById(id); }
  function label(group, value) { return (LABELS[group] && LABELS[group][value]) || value || '–'; }
  function clear(el) { while (el.firstChild) el.removeChild(el.firstChild); }
  function el(tag, cls, textValue) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (textValue !== undefined && textValue !== null) node.textContent = String(textValue);
    return node;
  }
  // "utter_report_hotline" -> "report hotline"; the country services action -> "country services".
  function answerName(action) {
    if (action === 'action_show_country_services') return 'country services';
    return String(action).replace(/^utter_/, '').replace(/_/g, ' ');
  }
  function duration(seconds) {
    seconds = Math.max(0, Math.round(seconds || 0));
    if (seconds < 60) return seconds + ' s';
    var minutes = Math.floor(seconds / 60);
    if (minutes < 60) return minutes + ' min';
    return Math.floor(minutes / 60) + ' h ' + (minutes % 60) + ' min';
  }

  function api(method, path, body) {
    var options = { method: method, credentials: 'same-origin', headers: {
      'Accept': 'application/json', 'X-Staff-Idle-Seconds': String(Math.floor((Date.now() - lastActivity) / 1000))
    } };
    if (method !== 'GET') {
      options.headers['Content-Type'] = 'application/json';
      options.body = JSON.stringify(body || {});
    }
    return fetch('/staff/api/' + path, options).then(function (reply) {
      return reply.json().catch(function () { return {}; }).then(function (data) {
        if (reply.status === 401 && path !== 'login') {
          var signedOut = state.me !== null;  // was signed in: say why (e.g. after a time without activity)
          showLogin();
          if (signedOut && data.error) $('login-error').textContent = data.error;
        }
        if (!reply.ok) {
          var error = new Error(data.error || ('Error ' + reply.status));
          error.status = reply.status;
          throw error;
        }
        return data;
      });
    });
  }

  function showLogin() {
    state.me = null;
    clearInterval(state.timer);
    $('console-view').hidden = true;
    $('logout').hidden = true;
    $('who').hidden = true;
    $('login-view').hidden = false;
    $('login-name').focus();
  }

  function showConsole(me) {
    state.me = me;
    $('login-view').hidden = true;
    $('console-view').hidden = false;
    $('logout').hidden = false;
    $('who').hidden = false;
    $('who').textContent = 'Signed in as ' + me.name + ' (' + me.role + ')';
    refresh();
    clearInterval(state.timer);
    state.timer = setInterval(refresh, POLL_MS);
  }

  function refresh() {
    api('GET', 'queue').then(renderQueue).catch(function () {});
    api('GET', 'cases/closed').then(renderClosed).catch(function () {});
    return state.selected ? loadCase(state.selected) : Promise.resolve();
  }

  function renderQueue(data) {
    var body = $('queue');
    clear(body);
    var cases = data.cases || [];
    $('queue-empty').hidden = cases.length > 0;
    cases.forEach(function (c) {
      var row = el('tr');
      row.tabIndex = 0;
      row.setAttribute('aria-selected', String(c.id === state.selected));
      var urgency = el('td');
      urgency.appendChild(el('span', 'sc-urgency sc-urgency--' + c.urgency, label('urgency', c.urgency)));
      row.appendChild(urgency);
      row.appendChild(el('td', null, label('category', c.category)));
      row.appendChild(el('td', null, c.country_name || 'Not known'));
      row.appendChild(el('td', null, label('language', c.language)));
      row.appendChild(el('td', null, duration(c.waiting_seconds)));
      row.appendChild(el('td', null, label('status', c.status) + (c.claimed_by ? ' (' + c.claimed_by + ')' : '')));
      var open = function () { select(c.id); };
      row.addEventListener('click', open);
      row.addEventListener('keydown', function (e) { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); open(); } });
      body.appendChild(row);
    });
  }

  function renderClosed(data) {
    var list = $('closed');
    clear(list);
    (data.cases || []).slice(0, 20).forEach(function (c) {
      var item = el('li');
      var button = el('button', 'sh-link sc-link-button', (c.closed_at || '').replace('T', ' ').replace('Z', ' UTC') + ' – ' +
        label('category', c.category) + ' – ' + label('outcome', c.outcome));
      button.type = 'button';
      button.addEventListener('click', function () { select(c.id); });
      item.appendChild(button);
      list.appendChild(item);
    });
  }

  function select(id) {
    state.selected = id;
    $('case-error').textContent = '';
    loadCase(id);
  }

  function loadCase(id) {
    return api('GET', 'cases/' + encodeURIComponent(id)).then(renderCase).catch(function (error) {
      $('case-error').textContent = error.message;
    });
  }

  function addFact(card, term, value) {
    card.appendChild(el('dt', null, term));
    card.appendChild(el('dd', null, value));
  }

  function renderCase(c) {
    if (c.id !== state.selected) return;
    $('case-empty').hidden = true;
    $('case-body').hidden = false;
    var card = $('card');
    clear(card);
    addFact(card, 'Urgency', label('urgency', c.urgency));
    addFact(card, 'Situation', label('category', c.category));
    addFact(card, 'Topics', (c.topics || []).map(function (t) { return label('topic', t); }).join(', ') || '–');
    addFact(card, 'Country', (c.country_name || 'Not known') + (c.country_source === 'locale' ? ' (from the browser setting)' : ''));
    addFact(card, 'Language', label('language', c.language));
    addFact(card, "Child's age", c.age_band || 'Not said');
    addFact(card, 'Platforms', (c.platforms || []).join(', ') || 'None named');
    addFact(card, 'Already reported to', (c.reported_to || []).map(function (r) { return label('reported', r); }).join(', ') || 'Not said');
    addFact(card, 'Answers already given', (c.advice_given || []).map(answerName).join(', ') || '–');
    addFact(card, c.status === 'waiting' ? 'Waiting' : 'Waited', duration(c.waiting_seconds));
    addFact(card, 'Status', label('status', c.status) + (c.claimed_by ? ' (' + c.claimed_by + ')' : ''));
    if (c.outcome) addFact(card, 'Outcome', label('outcome', c.outcome));

    $('claim').hidden = c.status !== 'waiting';
    var chatting = c.status === 'active' && c.can_act;
    $('chat').hidden = !(c.transcript && (chatting || c.status === 'closed' || c.status === 'active'));
    $('send-form').hidden = !chatting;
    $('close-form').hidden = !chatting;
    if (c.transcript) renderTranscript(c.transcript);
  }

  function renderTranscript(lines) {
    var log = $('transcript');
    var atBottom = log.scrollHeight - log.scrollTop - log.clientHeight < 40;
    clear(log);
    lines.forEach(function (line) {
      // The widget's parts (safe-harbour.css): a notice for system lines, otherwise a message bubble, the
      // family's in the widget's "user" colours and the staff's with the staff label.
      if (!LABELS.from[line.from]) {
        var notice = el('div', 'sh-notice');
        notice.setAttribute('dir', 'auto');
        notice.appendChild(el('p', null, line.text));
        log.appendChild(notice);
        return;
      }
      var item = el('div', 'sh-msg sh-msg--' + (BUBBLE[line.from] || 'bot'));
      item.setAttribute('dir', 'auto');
      item.appendChild(el('p', line.from === 'staff' ? 'sh-staff-label' : 'sc-speaker', LABELS.from[line.from]));
      var bubble = el('p', 'sh-msg-text', line.text);
      bubble.setAttribute('dir', 'auto');
      bubble.setAttribute('lang', ARABIC.test(line.text || '') ? 'ar' : 'en');   // the Arabic font for Arabic
      item.appendChild(bubble);
      log.appendChild(item);
    });
    if (atBottom) log.scrollTop = log.scrollHeight;
  }

  function setup() {
    $('login-form').addEventListener('submit', function (e) {
      e.preventDefault();
      $('login-error').textContent = '';
      api('POST', 'login', { name: $('login-name').value, password: $('login-password').value })
        .then(function (me) { $('login-password').value = ''; showConsole(me); })
        .catch(function (error) { $('login-error').textContent = error.message; });
    });
    $('logout').addEventListener('click', function () {
      api('POST', 'logout').catch(function () {}).then(showLogin);
    });
    $('claim').addEventListener('click', function () {
      if (!state.selected) return;
      api('POST', 'cases/' + encodeURIComponent(state.selected) + '/claim')
        // The message box shows once the claimed case has been loaded again; focus it then.
        .then(refresh)
        .then(function () { if (!$('send-form').hidden && !$('chat').hidden) $('send-text').focus(); })
        .catch(function (error) { $('case-error').textContent = error.message; });
    });
    $('send-form').addEventListener('submit', function (e) {
      e.preventDefault();
      var text = $('send-text').value.trim();
      if (!text || !state.selected) return;
      api('POST', 'cases/' + encodeURIComponent(state.selected) + '/messages', { text: text })
        .then(function () { $('send-text').value = ''; loadCase(state.selected); })
        .catch(function (error) { $('case-error').textContent = error.message; });
    });
    $('close-form').addEventListener('submit', function (e) {
      e.preventDefault();
      if (!state.selected) return;
      api('POST', 'cases/' + encodeURIComponent(state.selected) + '/close', { outcome: $('outcome').value })
        .then(function () { refresh(); })
        .catch(function (error) { $('case-error').textContent = error.message; });
    });
    api('GET', 'me').then(showConsole).catch(showLogin);
  }

  document.addEventListener('DOMContentLoaded', setup);
}());
