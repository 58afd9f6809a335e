// The widget follows the family's language: its own text and direction follow the language the assistant
// answers in, and it starts in Arabic when the site, the page or the browser says so. Needs SAFE_HARBOUR_URL
// (scripts/with_servers.sh sets it).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import {
  SKIP, SERVER, ARABIC, PROJECT_ROOT, launchBrowser, newPage, openChat, waitForWidget, say, userUttered,
  runAxe, seriousViolations, ensureScreenshotDir,
} from './helpers.mjs';

const ROOT = '[data-safe-harbour]';
const AR_QUESTION = 'حد عمل صورة مفبركة لبنتي بالذكاء الاصطناعي';
const EN_QUESTION = 'someone made a fake nude picture of my daughter with an app';
// What the family reads in each language, exactly, for the controls they use most.
const EXACT = {
  en: { human: 'Talk to a person', placeholder: 'Type your message…', send: 'Send', exit: 'Quick exit' },
  ar: { human: 'التحدث مع شخص', placeholder: 'اكتب رسالتك…', send: 'إرسال', exit: 'خروج سريع' },
};

let browser;
before(async () => { if (!SKIP) browser = await launchBrowser(); });
after(async () => { if (browser) await browser.close(); });

/** Every piece of the widget's own text (visible or read by a screen reader), and its language and direction. */
function widgetText(page) {
  return page.evaluate((sel) => {
    const root = document.querySelector(sel);
    const one = (s) => root.querySelector(s);
    return {
      lang: root.getAttribute('lang'),
      dir: root.getAttribute('dir'),
      pressed: one('.sh-lang-btn[aria-pressed="true"]').getAttribute('data-lang'),
      texts: {
        title: one('.sh-title').textContent,
        subtitle: one('.sh-subtitle').textContent,
        notice: one('.sh-privacy').textContent,
        welcome: one('[data-sh-notice="welcome"]').textContent,
        placeholder: one('textarea').getAttribute('placeholder'),
        inputLabel: one('label').textContent,
        send: one('.sh-send').textContent.trim(),
        human: one('.sh-human').textContent.trim(),
        exit: one('.sh-panel .sh-exit').textContent.trim(),
        exitLabel: one('.sh-panel .sh-exit').getAttribute('aria-label'),
        dockExit: one('.sh-exit--dock').textContent.trim(),
        launcher: one('.sh-launcher').textContent.trim(),
        toggleLabel: one('.sh-lang').getAttribute('aria-label'),
        logLabel: one('.sh-log').getAttribute('aria-label'),
        hint: one('.sh-hint').textContent,
        quickReplies: [...root.querySelectorAll('.sh-quick-reply')].map((b) => b.textContent).join(' | '),
      },
    };
  }, ROOT);
}

async function assertWidgetIn(page, lang) {
  const shown = await widgetText(page);
  assert.equal(shown.lang, lang);
  assert.equal(shown.dir, lang === 'ar' ? 'rtl' : 'ltr');
  assert.equal(shown.pressed, lang, 'the toggle shows the language in use');
  for (const [name, value] of Object.entries(shown.texts)) {
    if (name === 'quickReplies' && !value) continue;
    if (lang === 'ar') assert.match(value, ARABIC, `${name} is in Arabic: ${value}`);
    else assert.doesNotMatch(value, ARABIC, `${name} is in English: ${value}`);
  }
  for (const [name, value] of Object.entries(EXACT[lang])) assert.equal(shown.texts[name], value);
}

async function assertNoSeriousAxe(page, label) {
  await page.evaluate(() => document.activeElement && document.activeElement.blur());
  const serious = seriousViolations(label, await runAxe(page));
  assert.deepEqual(serious, [], JSON.stringify(serious, null, 2));
}

test('The widget follows the conversation: Arabic answers turn it Arabic and right-to-left, English ones back', { skip: SKIP, timeout: 240000 }, async () => {
  const page = await newPage(browser.context);
  await openChat(page, { lang: 'en' });
  await assertWidgetIn(page, 'en');

  const arabic = await say(page, AR_QUESTION);
  assert.match(arabic.join(' '), ARABIC, `the assistant answers in Arabic: ${JSON.stringify(arabic)}`);
  await page.locator(`${ROOT} .sh-quick-reply`).first().waitFor();
  await assertWidgetIn(page, 'ar');
  await assertNoSeriousAxe(page, 'following Arabic');
  const file = path.join(ensureScreenshotDir(), 'widget-follows-ar.png');
  await page.screenshot({ path: file });
  console.log(`# screenshot ${file}`);

  const english = await say(page, EN_QUESTION);
  assert.doesNotMatch(english.join(' '), ARABIC, `the assistant answers in English: ${JSON.stringify(english)}`);
  await page.locator(`${ROOT} .sh-quick-reply`).first().waitFor();
  await assertWidgetIn(page, 'en');
  await assertNoSeriousAxe(page, 'following English');

  // Following is silent: only what the family typed left the page, each with the language shown then.
  const sent = userUttered(page).map((s) => [s.data.message, s.data.metadata.language]);
  assert.deepEqual(sent, [[AR_QUESTION, 'en'], [EN_QUESTION, 'ar']]);
  // A reload keeps the language the conversation reached.
  await page.reload();
  await waitForWidget(page);
  assert.equal(await page.getAttribute(ROOT, 'lang'), 'en');
  assert.deepEqual(page.errors || [], []);
  await page.close();
});

test('Every answer the assistant can give switches the widget to its language; bilingual notices do not', { skip: SKIP, timeout: 180000 }, async () => {
  const python = process.env.PYTHON || 'python';
  const run = spawnSync(python, [path.join('widget', 'tests', 'answers_by_language.py')], {
    cwd: PROJECT_ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024,
  });
  assert.equal(run.status, 0, `${python} widget/tests/answers_by_language.py: ${run.error || ''}${run.stderr}`);
  const answers = JSON.parse(run.stdout);
  assert.ok(answers.filter((a) => a.language === 'ar').length > 50 && answers.filter((a) => a.language === 'en').length > 50);

  const page = await newPage(browser.context);
  await openChat(page, { lang: 'en' });
  // Each answer arrives while the widget shows the other language (bilingual ones: from both).
  const wrong = await page.evaluate(([sel, list]) => {
    const root = document.querySelector(sel);
    const starters = { en: { text: 'Which country are you in?' }, ar: { text: 'في أي بلد أنت؟' } };
    const problems = [];
    for (const answer of list) {
      const starts = answer.language ? [answer.language === 'ar' ? 'en' : 'ar'] : ['en', 'ar'];
      for (const start of starts) {
        window.SafeHarbourTest.renderBotMessage(starters[start]);
        if (root.lang !== start) problems.push(`could not start from ${start}`);
        window.SafeHarbourTest.renderBotMessage({ text: answer.text, buttons: answer.buttons || [] });
        const expected = answer.language || start;
        if (root.lang !== expected) problems.push(`${answer.source} (${answer.language}) left the widget in ${root.lang}`);
        // Emptied after each check: a log of hundreds of long answers makes every render slow.
        root.querySelector(".sh-log").replaceChildren();
      }
    }
    return problems;
  }, [ROOT, answers]);
  assert.deepEqual(wrong, []);
  assert.deepEqual(userUttered(page), [], 'following the language sends nothing');
  await page.close();
});

test('After the toggle, an answer still on its way in the old language does not switch the widget back', { skip: SKIP, timeout: 120000 }, async () => {
  const page = await newPage(browser.context);
  await openChat(page, { lang: 'en' });
  // Click and render in one task, so the server's reply to the toggle cannot arrive in between.
  await page.evaluate(() => {
    [...document.querySelectorAll('button')].find((b) => b.textContent.trim() === 'العربية').click();
    window.SafeHarbourTest.renderBotMessage({ text: 'An answer to an earlier question.' });
  });
  assert.equal(await page.getAttribute(ROOT, 'lang'), 'ar');
  await page.close();
});

test('It starts in Arabic when the browser\'s language is Arabic', { skip: SKIP, timeout: 120000 }, async () => {
  const arabicBrowser = await launchBrowser({ locale: 'ar-EG' });
  try {
    const page = await newPage(arabicBrowser.context);
    await openChat(page, { lang: null });
    assert.equal(await page.evaluate(() => navigator.language), 'ar-EG');
    await assertWidgetIn(page, 'ar');
    await assertNoSeriousAxe(page, 'Arabic browser');
    await page.close();
  } finally {
    await arabicBrowser.close();
  }
});

test('It starts in Arabic on a page in Arabic (<html lang="ar">), and in English on an English page', { skip: SKIP, timeout: 120000 }, async () => {
  // A school's page on the server's own origin (socket.io accepts the server's own pages), answered here.
  for (const lang of ['ar', 'en']) {
    const page = await newPage(browser.context);
    const url = `${SERVER}/school-page-${lang}.html`;
    await page.route(url, (route) => route.fulfill({
      contentType: 'text/html; charset=utf-8',
      body: `<!doctype html><html lang="${lang}" dir="${lang === 'ar' ? 'rtl' : 'ltr'}"><head><meta charset="utf-8">
        <title>${lang === 'ar' ? 'مدرسة' : 'School'}</title></head><body><main><h1>${lang === 'ar' ? 'مدرسة' : 'School'}</h1></main>
        <script src="/widget/vendor/socket.io.min.js"></script><script src="/widget/safe-harbour-widget.js"></script>
        <script>SafeHarbour.mount({ startOpen: true });</script></body></html>`,
    }));
    await page.goto(url);
    await waitForWidget(page);
    await assertWidgetIn(page, lang);
    await page.close();
  }
});
