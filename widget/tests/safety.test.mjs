// Safety behaviour of the widget: no files or pictures leave the page, server HTML is never rendered,
// and Quick exit leaves nothing behind. Needs SAFE_HARBOUR_URL (scripts/with_servers.sh sets it).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  SKIP, SERVER, EXIT_URL, launchBrowser, newPage, openChat, say, userUttered, storageOfOrigin,
} from './helpers.mjs';

const ROOT = '[data-safe-harbour]';
// A real 1x1 PNG.
const PNG_BASE64 = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';

let browser;
before(async () => { if (!SKIP) browser = await launchBrowser(); });
after(async () => { if (browser) await browser.close(); });

/** A DataTransfer in the page holding an image file (and, like a real copy, some text/html too). */
function imageTransfer(page) {
  return page.evaluateHandle((b64) => {
    const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    const dt = new DataTransfer();
    dt.items.add(new File([bytes], 'photo.png', { type: 'image/png' }));
    dt.setData('text/html', '<img src="photo.png">');
    return dt;
  }, PNG_BASE64);
}

async function refusalShown(page, lang) {
  const notice = page.locator(`${ROOT} [data-sh-notice="refusal"]`).last();
  await notice.waitFor({ state: 'visible', timeout: 5000 });
  const text = await notice.innerText();
  if (lang === 'ar') assert.match(text, /لا يمكن إرسال الصور/);
  else assert.match(text, /pictures and files cannot be sent/);
  return text;
}

test('Pasting or dropping an image sends nothing and shows a kind refusal (English and Arabic)', { skip: SKIP, timeout: 120000 }, async () => {
  const page = await newPage(browser.context);
  await openChat(page, { lang: 'en' });
  const input = page.locator(`${ROOT} textarea`);
  await input.fill('here is the picture');

  // Paste an image into the message box.
  const pasted = await page.evaluate(async (b64) => {
    const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    const dt = new DataTransfer();
    dt.items.add(new File([bytes], 'photo.png', { type: 'image/png' }));
    const event = new ClipboardEvent('paste', { clipboardData: dt, bubbles: true, cancelable: true });
    document.querySelector('[data-safe-harbour] textarea').dispatchEvent(event);
    return event.defaultPrevented;
  }, PNG_BASE64);
  assert.equal(pasted, true, 'the paste is refused');
  await refusalShown(page, 'en');

  // Drop an image on the message box and on the conversation.
  for (const target of [`${ROOT} textarea`, `${ROOT} .sh-log`]) {
    const dt = await imageTransfer(page);
    await page.dispatchEvent(target, 'dragenter', { dataTransfer: dt });
    await page.dispatchEvent(target, 'dragover', { dataTransfer: dt });
    await page.dispatchEvent(target, 'drop', { dataTransfer: dt });
  }
  assert.equal(await page.locator(`${ROOT} [data-sh-notice="refusal"]`).count(), 3);

  // Same in Arabic (switch first; the switch itself is the only message that may leave).
  await page.getByRole('button', { name: 'العربية' }).click();
  const dt = await imageTransfer(page);
  await page.dispatchEvent(`${ROOT} textarea`, 'drop', { dataTransfer: dt });
  await refusalShown(page, 'ar');

  // Give any stray send a moment, then check what left the page.
  await page.waitForTimeout(1000);
  const sent = userUttered(page).map((s) => (s.data && s.data.message) || s.body || s.data);
  assert.deepEqual(sent, ['/switch_language{"language":"ar"}'], `nothing but the language switch left the page: ${JSON.stringify(sent)}`);
  // The text typed before stays, unsent; no image or file element appeared anywhere in the widget.
  assert.equal(await input.inputValue(), 'here is the picture');
  assert.equal(await page.locator(`${ROOT} img, ${ROOT} input[type="file"], ${ROOT} video, ${ROOT} canvas`).count(), 0);
  assert.equal(await page.locator(`${ROOT} .sh-msg--user`).count(), 0, 'no user bubble');
  await page.close();
});

test('HTML, scripts and images in bot messages are shown as text, never rendered', { skip: SKIP, timeout: 60000 }, async () => {
  const page = await newPage(browser.context);
  await openChat(page, { lang: 'en' });
  const imgPayload = '<img src=x onerror="window.__pwned=1">';
  const scriptPayload = '<script>window.__pwned=2</script>';
  await page.evaluate(([img, script]) => {
    window.SafeHarbourTest.renderBotMessage({
      text: `Look ${img} and ${script} [click me](javascript:window.__pwned=3) and https://example.org/help.`,
      buttons: [{ title: '<img src=y onerror="window.__pwned=4">', payload: '/remove_content' }],
      metadata: {
        sources: [
          { title: '<b>bad</b>', url: 'javascript:window.__pwned=5' },
          { title: 'Good source', url: 'https://example.org/source' },
          { title: 'Data', url: 'data:text/html,<script>alert(1)</script>' },
        ],
        reviewed: '2026-11-25',
      },
    });
    // Fields the widget never renders: images and attachments.
    window.SafeHarbourTest.renderBotMessage({ image: 'https://example.org/x.png' });
    window.SafeHarbourTest.renderBotMessage({ attachment: { type: 'image', payload: { src: 'https://example.org/y.png' } } });
    window.SafeHarbourTest.renderBotMessage({ text: '<iframe src="https://example.org"></iframe>', image: 'https://example.org/z.png' });
  }, [imgPayload, scriptPayload]);
  await page.waitForTimeout(300);

  for (const tag of ['img', 'script', 'iframe', 'b', 'video', 'object', 'embed', 'svg']) {
    assert.equal(await page.locator(`${ROOT} ${tag}`).count(), 0, `no <${tag}> inside the widget`);
  }
  assert.equal(await page.evaluate(() => window.__pwned), undefined, 'no injected code ran');
  const bot = page.locator(`${ROOT} .sh-msg--bot`);
  assert.equal(await bot.count(), 2, 'the image-only and attachment-only messages show nothing');
  const first = await bot.nth(0).innerText();
  assert.ok(first.includes(imgPayload), 'the <img> markup is visible as text');
  assert.ok(first.includes(scriptPayload), 'the <script> markup is visible as text');
  assert.ok(first.includes('[click me](javascript:window.__pwned=3)'), 'a javascript: link stays text');
  assert.ok((await bot.nth(1).innerText()).includes('<iframe'), 'iframe markup is text');
  // Links: only http(s), opening a new tab without opener or referrer.
  const links = await page.locator(`${ROOT} a`).evaluateAll((as) => as.map((a) => ({
    href: a.getAttribute('href'), rel: a.getAttribute('rel'), target: a.getAttribute('target'), text: a.textContent,
  })));
  // (The bare address inside the iframe markup is a plain https link, which is allowed.)
  assert.deepEqual(links.map((l) => l.href), ['https://example.org/help', 'https://example.org/source', 'https://example.org/']);
  for (const l of links) {
    assert.equal(l.rel, 'noopener noreferrer');
    assert.equal(l.target, '_blank');
  }
  assert.ok((await page.locator(`${ROOT} .sh-sources`).innerText()).includes('<b>bad</b>'));
  assert.equal(await page.locator(`${ROOT} .sh-quick-reply`).innerText(), '<img src=y onerror="window.__pwned=4">');

  // A staff message (later: live handoff) carries a visible "Helpline staff" label.
  await page.evaluate(() => window.SafeHarbourTest.renderBotMessage({ text: 'Hello, I am with the helpline.', metadata: { from: 'staff' } }));
  const staff = page.locator(`${ROOT} .sh-msg--staff`);
  assert.equal(await staff.count(), 1);
  assert.ok(await staff.locator('.sh-staff-label').isVisible());
  assert.equal((await staff.locator('.sh-staff-label').innerText()).trim(), 'Helpline staff');
  assert.deepEqual(userUttered(page), [], 'rendering sends nothing');
  await page.close();
});

test('Keyboard only: open, talk, then Esc twice exits and leaves nothing in the DOM or storage', { skip: SKIP, timeout: 180000 }, async () => {
  const page = await newPage(browser.context);
  await openChat(page, { lang: 'en', open: false });
  // The chat starts closed; Quick exit is visible even then.
  assert.ok(await page.locator(`${ROOT} .sh-exit--dock`).isVisible());
  // Tab to the launcher and open it with the keyboard; focus moves into the message box.
  let onLauncher = false;
  for (let i = 0; i < 15 && !onLauncher; i++) {
    await page.keyboard.press('Tab');
    onLauncher = await page.evaluate(() => document.activeElement && document.activeElement.classList.contains('sh-launcher'));
  }
  assert.ok(onLauncher, 'the launcher is reachable with Tab');
  await page.keyboard.press('Enter');
  assert.equal(await page.evaluate(() => document.activeElement.tagName), 'TEXTAREA');
  assert.ok(await page.locator(`${ROOT} .sh-panel .sh-exit`).isVisible(), 'Quick exit is visible in the open chat');

  const secret = 'my daughter Amira got a message from a stranger';
  await page.keyboard.type(secret);
  const answers = await say(page, 'someone made a fake nude picture of my daughter with an app');
  assert.ok(answers.length > 0);
  const stored = await page.evaluate(() => Object.keys(sessionStorage));
  assert.ok(stored.some((k) => k.startsWith('safeHarbour.')), 'the conversation is kept in sessionStorage before exit');
  assert.deepEqual(await page.evaluate(() => Object.keys(localStorage)), [], 'never in localStorage');

  // Hold the exit page's response, so that the navigation cannot complete before the check; the old
  // page reports its state at the moment of exit through a binding (the 'safeharbour:exit' event fires
  // right before location.replace).
  let release;
  const held = new Promise((resolve) => { release = resolve; });
  let exitRequested;
  const requested = new Promise((resolve) => { exitRequested = resolve; });
  await page.route(`${EXIT_URL}*`, async (route) => {
    exitRequested();
    await held;
    await route.fulfill({ status: 200, contentType: 'text/html', body: '<!doctype html><title>Weather</title><p>Weather</p>' });
  });
  let snapshot;
  const snapped = new Promise((resolve) => { snapshot = resolve; });
  await page.exposeBinding('__shExitSnapshot', (_source, data) => snapshot(data));
  await page.evaluate(() => window.addEventListener('safeharbour:exit', () => window.__shExitSnapshot({
    widget: document.querySelectorAll('[data-safe-harbour], .sh-msg, .sh-log, textarea').length,
    html: document.documentElement.outerHTML,
    session: Object.keys(sessionStorage),
    local: Object.keys(localStorage),
  })));
  await page.keyboard.press('Escape');
  await page.keyboard.press('Escape');
  const during = await snapped;
  await requested;
  assert.equal(during.widget, 0, 'the widget is gone from the page');
  for (const fragment of ['fake nude picture', 'Amira', 'sh-msg']) {
    assert.ok(!during.html.includes(fragment), `"${fragment}" is no longer in the page`);
  }
  assert.deepEqual(during.session, [], 'sessionStorage is empty');
  assert.deepEqual(during.local, [], 'localStorage is empty');
  release();
  await page.waitForURL(`${EXIT_URL}*`);
  assert.ok(page.url().startsWith(EXIT_URL));

  // Back does not return to the chat: the chat page was replaced in the history.
  await page.goBack().catch(() => {});
  assert.ok(!page.url().includes('/chat'), `Back must not return to the chat (at ${page.url()})`);

  const after = await storageOfOrigin(page);
  assert.deepEqual(after, { session: {}, local: {} }, 'nothing kept for the chat origin');
  await page.close();
});

test('The Quick exit button clears the conversation and replaces the page', { skip: SKIP, timeout: 120000 }, async () => {
  const page = await newPage(browser.context);
  await openChat(page, { lang: 'ar' });
  await say(page, 'حد عمل صورة مفبركة لبنتي بالذكاء الاصطناعي');
  const historyBefore = await page.evaluate(() => history.length);
  await page.locator(`${ROOT} .sh-panel .sh-exit`).click();
  await page.waitForURL(`${EXIT_URL}*`);
  assert.equal(await page.evaluate(() => history.length), historyBefore, 'no history entry was added');
  const after = await storageOfOrigin(page);
  assert.deepEqual(after, { session: {}, local: {} });
  await page.close();
});

test('What a site embeds has no test hooks: the served widget defines none, and the tests\' hooks are not served', { skip: SKIP, timeout: 60000 }, async () => {
  const page = await newPage(browser.context);
  await openChat(page, { lang: 'en' });
  const api = await page.evaluate(() => Object.keys(window.SafeHarbour));
  assert.deepEqual(api.filter((name) => name.startsWith('_')), [], `public API: ${api.join(', ')}`);
  const served = await page.request.get(`${SERVER}/widget/safe-harbour-widget.js`);
  assert.equal(served.status(), 200);
  assert.doesNotMatch(await served.text(), /_state|_renderBotMessage|_socket|_handoff|_refuseFile|SafeHarbourTest/);
  assert.equal((await page.request.get(`${SERVER}/widget/page-hooks.js`)).status(), 404);
  await page.close();
});
