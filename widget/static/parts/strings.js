// The widget's own words in every language it speaks: the chat, and the "Prepare my report" form
// (report-form.js). A new language gets a table here and an entry in languages.js.
(function (parts) {
  'use strict';

  var CHAT = {
    en: {
      title: 'Safe Harbour',
      subtitle: 'Support for families',
      launcher: 'Chat with Safe Harbour',
      minimise: 'Minimise chat',
      quickExit: 'Quick exit',
      quickExitLabel: 'Quick exit: leave this page now',
      language: 'Language',
      privacy: 'This chat does not ask for your name. Messages are kept for a limited time and then deleted. Never send pictures.',
      welcome: 'Hello, this is Safe Harbour. Tell me in your own words what has happened. You can leave at any moment with Quick exit.',
      log: 'Conversation',
      inputLabel: 'Your message',
      placeholder: 'Type your message…',
      send: 'Send',
      human: 'Talk to a person',
      typing: 'Safe Harbour is writing…',
      you: 'You',
      bot: 'Safe Harbour',
      staff: 'Helpline staff',
      sources: 'Sources',
      reviewed: 'Reviewed {date}',
      newTab: '(opens in a new tab)',
      refusal: 'For your safety, pictures and files cannot be sent in this chat, so nothing was sent. ' +
        'Please describe what happened in words instead. You do not need to show anyone the picture to get help.',
      offline: 'Connection lost. Reconnecting… Your conversation is still here.',
      online: 'Connected again.',
      noAnswer: 'No answer has arrived yet. Please try again in a moment.',
      sendError: 'Your message could not be sent. Please try again.',
      staffJoined: 'A person from the helpline has joined the chat.',
      staffLeft: 'The helpline staff member has left the chat. Safe Harbour will carry on with you.',
      escHint: 'Press Esc twice to leave quickly.',
      reportUnavailable: 'The report form could not be loaded. Please try again later.'
    },
    ar: {
      title: 'الملاذ الآمن',
      subtitle: 'دعم للعائلات',
      launcher: 'تحدّث مع الملاذ الآمن',
      minimise: 'تصغير المحادثة',
      quickExit: 'خروج سريع',
      quickExitLabel: 'خروج سريع: مغادرة هذه الصفحة الآن',
      language: 'اللغة',
      privacy: 'هذه المحادثة لا تطلب اسمك. تُحفظ الرسائل لفترة محدودة ثم تُحذف. لا ترسل صوراً أبداً.',
      welcome: 'مرحباً، هنا الملاذ الآمن. أخبرني بكلماتك ماذا حدث. يمكنك المغادرة في أي لحظة بزر «خروج سريع».',
      log: 'المحادثة',
      inputLabel: 'رسالتك',
      placeholder: 'اكتب رسالتك…',
      send: 'إرسال',
      human: 'التحدث مع شخص',
      typing: 'الملاذ الآمن يكتب…',
      you: 'أنت',
      bot: 'الملاذ الآمن',
      staff: 'موظف خط المساعدة',
      sources: 'المصادر',
      reviewed: 'تمت المراجعة في {date}',
      newTab: '(يفتح في علامة تبويب جديدة)',
      refusal: 'حرصاً على سلامتك، لا يمكن إرسال الصور أو الملفات في هذه المحادثة، لذلك لم يُرسَل أي شيء. ' +
        'من فضلك صِف ما حدث بالكلمات. لست بحاجة إلى أن تُري أحداً الصورة لتحصل على المساعدة.',
      offline: 'انقطع الاتصال. جارٍ إعادة الاتصال… محادثتك ما زالت هنا.',
      online: 'عاد الاتصال.',
      noAnswer: 'لم يصل رد بعد. من فضلك حاول مرة أخرى بعد قليل.',
      sendError: 'تعذّر إرسال رسالتك. من فضلك حاول مرة أخرى.',
      staffJoined: 'انضم شخص من خط المساعدة إلى المحادثة.',
      staffLeft: 'غادر موظف خط المساعدة المحادثة. سيتابع الملاذ الآمن معك.',
      escHint: 'اضغط Esc مرتين للمغادرة بسرعة.',
      reportUnavailable: 'تعذّر تحميل نموذج البلاغ. من فضلك حاول مرة أخرى لاحقًا.'
    }
  };

  // The report form's own words; its sources list uses the chat's (sources, reviewed, newTab).
  var REPORT = {
    en: {
      heading: 'Prepare my report',
      privacy: 'What you type here stays on this device. It is never sent, and Quick exit or closing the tab erases it.',
      document: 'Document',
      language: 'Language of the document',
      chooseCountry: 'Choose your country',
      otherCountry: 'Another country',
      preview: 'Your document',
      copy: 'Copy',
      copied: 'Copied. Paste it where you need it.',
      copyFailed: 'Copying did not work here: select the text of your document and copy it yourself.',
      print: 'Print',
      download: 'Download as a text file',
      downloaded: 'Downloaded to this device.',
      clear: 'Clear the form',
      cleared: 'The form is empty again.',
      back: 'Back to the chat',
      refusal: 'Pictures and files cannot be added here, so nothing was added. Describe it in words instead.',
      noRoute: 'Your country\'s police or its cyber-crime unit. If a child is in danger now, call your country\'s emergency number.'
    },
    ar: {
      heading: 'جهّز بلاغي',
      privacy: 'ما تكتبه هنا يبقى على هذا الجهاز: لا يُرسَل أبدًا، ويُمحى عند «خروج سريع» أو عند إغلاق علامة التبويب.',
      document: 'المستند',
      language: 'لغة المستند',
      chooseCountry: 'اختر بلدك',
      otherCountry: 'بلد آخر',
      preview: 'مستندك',
      copy: 'نسخ',
      copied: 'تم النسخ. الصقه حيث تحتاج إليه.',
      copyFailed: 'لم ينجح النسخ هنا: حدّد نص مستندك وانسخه بنفسك.',
      print: 'طباعة',
      download: 'تنزيل كملف نصي',
      downloaded: 'تم التنزيل على هذا الجهاز.',
      clear: 'مسح النموذج',
      cleared: 'أصبح النموذج فارغًا من جديد.',
      back: 'العودة إلى المحادثة',
      refusal: 'لا يمكن إضافة صور أو ملفات هنا، لذلك لم يُضَف شيء. صِف ما حدث بالكلمات بدلًا من ذلك.',
      noRoute: 'الشرطة في بلدك أو وحدة الجرائم الإلكترونية فيها. إن كان طفل في خطر الآن، فاتصل برقم الطوارئ في بلدك.'
    }
  };

  /** A lookup of `table`'s words in `lang`; a word missing there comes from English. */
  function words(table, lang) {
    var own = table[lang] || table.en;
    return function (key) {
      return own[key] !== undefined ? own[key] : table.en[key];
    };
  }

  parts.strings = {
    chat: function (lang) { return words(CHAT, lang); },
    report: function (lang) { return words(REPORT, lang); }
  };
})(window.SafeHarbourParts);
