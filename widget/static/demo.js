// The demo page's widget config: ?lang=ar starts in Arabic, ?open=0 starts with the chat closed.
(function () {
  var params = new URLSearchParams(location.search);
  SafeHarbour.mount({
    serverUrl: location.origin,
    language: params.get('lang') === 'ar' ? 'ar' : 'en',
    title: { en: 'Safe Harbour', ar: 'الملاذ الآمن' },
    exitUrl: 'https://www.bbc.com/weather',
    startOpen: params.get('open') !== '0',
    colors: { primary: '#1b4f72' }
  });
})();
