// Conversations with the real assistant through the widget: English, Arabic, buttons, "talk to a person",
// and a dropped connection. Needs SAFE_HARBOUR_URL (scripts/with_servers.sh sets it).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  SKIP, ARABIC, launchBrowser, newPage, openChat, say, botCount, waitForAnswer, userUttered,
} from './helpers.mjs';

const EN_DEEPFAKE = 'someone made a fake nude picture of my daughter with an app';
const AR_DEEPFAKE = 'حد عمل صورة مفبركة لبنتي بالذكاء الاصطناعي';
const ROOT = '[data-safe-harbour]';

let browser;
before(async () => { if (!SKIP) browser = await launchBrowser(); });
after(async () => { if (browser) await browser.close(); });

test('English conversation: the assistant answers, with sources and quick replies', { skip: SKIP, timeout: 180000 }, async () => {
  const page = await newPage(browser.context);
  await openChat(page, { lang: 'en' });
  assert.equal(await page.getAttribute(ROOT, 'dir'), 'ltr');
  assert.equal(await page.getAttribute(ROOT, 'lang'), 'en');

  const answers = await say(page, EN_DEEPFAKE);
  assert.ok(answers.join(' ').trim().length > 20, `expected an answer, got ${JSON.stringify(answers)}`);
  assert.ok(!ARABIC.test(answers.join(' ')), 'an English question gets an English answer');
  // The user's own bubble shows exactly what was typed.
  assert.equal(await page.locator(`${ROOT} .sh-msg--user .sh-msg-text`).last().innerText(), EN_DEEPFAKE);
  // The message went out once, with the language and the session id.
  const sent = userUttered(page);
  assert.equal(sent.length, 1);
  assert.equal(sent[0].data.message, EN_DEEPFAKE);
  assert.equal(sent[0].data.metadata.language, 'en');
  const state = await page.evaluate(() => window.SafeHarbourTest.state());
  assert.equal(sent[0].data.session_id, state.sessionId);

  // This answer carries sources: they are shown under it as safe links.
  const sourceLinks = page.locator(`${ROOT} .sh-msg--bot .sh-sources a`);
  assert.ok(await sourceLinks.count() > 0, 'sources are shown under the answer');
  for (const a of await sourceLinks.all()) {
    assert.match(await a.getAttribute('href'), /^https?:\/\//);
    assert.equal(await a.getAttribute('rel'), 'noopener noreferrer');
    assert.equal(await a.getAttribute('target'), '_blank');
  }

  // Buttons: clicking one sends its payload, shows its title as the user's bubble, and gets an answer.
  const buttons = page.locator(`${ROOT} .sh-quick-reply`);
  assert.ok(await buttons.count() > 0, 'the answer offers quick replies');
  const first = buttons.first();
  const title = (await first.innerText()).trim();
  const beforeClick = await botCount(page);
  await first.click();
  const next = await waitForAnswer(page, beforeClick);
  assert.ok(next.join(' ').trim().length > 0);
  assert.equal((await page.locator(`${ROOT} .sh-msg--user .sh-msg-text`).last().innerText()).trim(), title);
  const payload = userUttered(page).at(-1).data.message;
  assert.match(payload, /^\//, 'a button sends its payload, not its title');
  assert.notEqual(payload, title);
  // Only the latest answer keeps quick replies.
  assert.equal(await page.locator(`${ROOT} .sh-msg--bot`).first().locator('.sh-quick-reply').count(), 0);
  assert.deepEqual(page.errors || [], []);
  await page.close();
});

test('Arabic: the toggle switches layout at once, and Arabic questions get Arabic answers', { skip: SKIP, timeout: 180000 }, async () => {
  const page = await newPage(browser.context);
  await openChat(page, { lang: 'en' });
  const usersBefore = await page.locator(`${ROOT} .sh-msg--user`).count();
  const before = await botCount(page);

  await page.getByRole('button', { name: 'العربية' }).click();
  // The UI switches at once: direction, language, labels, pressed state.
  assert.equal(await page.getAttribute(ROOT, 'dir'), 'rtl');
  assert.equal(await page.getAttribute(ROOT, 'lang'), 'ar');
  assert.equal(await page.getAttribute(`${ROOT} .sh-lang-btn[data-lang="ar"]`, 'aria-pressed'), 'true');
  assert.equal((await page.locator(`${ROOT} .sh-human`).innerText()).trim(), 'التحدث مع شخص');
  assert.match(await page.locator(`${ROOT} .sh-privacy`).innerText(), ARABIC);

  // The switch is sent silently (no user bubble) and the assistant answers in Arabic.
  const switched = await waitForAnswer(page, before);
  assert.match(switched.join(' '), ARABIC);
  assert.equal(await page.locator(`${ROOT} .sh-msg--user`).count(), usersBefore, 'no bubble for the switch');
  const switchMsg = userUttered(page).at(-1).data;
  assert.equal(switchMsg.message, '/switch_language{"language":"ar"}');
  assert.equal(switchMsg.metadata.language, 'ar');

  const answers = await say(page, AR_DEEPFAKE);
  assert.match(answers.join(' '), ARABIC, `expected Arabic letters in ${JSON.stringify(answers)}`);
  assert.equal(await page.getAttribute(ROOT, 'dir'), 'rtl');
  // Each message sets its own direction.
  const dirs = await page.locator(`${ROOT} .sh-msg`).evaluateAll((els) => els.map((e) => e.getAttribute('dir')));
  assert.ok(dirs.every((d) => d === 'auto'));
  assert.equal(userUttered(page).at(-1).data.metadata.language, 'ar');

  // A reload keeps the conversation and the language (sessionStorage of this tab).
  const shown = await botCount(page);
  await page.reload();
  await page.waitForSelector(ROOT);
  assert.equal(await botCount(page), shown);
  assert.equal(await page.getAttribute(ROOT, 'dir'), 'rtl');

  // And back to English.
  const beforeEn = await botCount(page);
  await page.getByRole('button', { name: 'English' }).click();
  assert.equal(await page.getAttribute(ROOT, 'dir'), 'ltr');
  const english = await waitForAnswer(page, beforeEn);
  assert.ok(!ARABIC.test(english.join(' ')), `expected an English answer, got ${JSON.stringify(english)}`);
  await page.close();
});

test('Starting in Arabic (?lang=ar): the widget is right-to-left and the answer is Arabic', { skip: SKIP, timeout: 120000 }, async () => {
  const page = await newPage(browser.context);
  await openChat(page, { lang: 'ar' });
  assert.equal(await page.getAttribute(ROOT, 'dir'), 'rtl');
  const answers = await say(page, AR_DEEPFAKE);
  assert.match(answers.join(' '), ARABIC);
  assert.equal(userUttered(page)[0].data.metadata.language, 'ar');
  await page.close();
});

test('"Talk to a person" sends /request_human and gets a reply', { skip: SKIP, timeout: 120000 }, async () => {
  const page = await newPage(browser.context);
  await openChat(page, { lang: 'en' });
  const before = await botCount(page);
  const human = page.locator(`${ROOT} .sh-human`);
  assert.ok(await human.isVisible());
  await human.click();
  const reply = await waitForAnswer(page, before);
  assert.ok(reply.join(' ').trim().length > 0);
  assert.equal(userUttered(page).at(-1).data.message, '/request_human');
  assert.equal((await page.locator(`${ROOT} .sh-msg--user .sh-msg-text`).last().innerText()).trim(), 'Talk to a person');
  await page.close();
});

test('A dropped connection reconnects with the same session id and the conversation goes on', { skip: SKIP, timeout: 180000 }, async () => {
  const page = await newPage(browser.context);
  await openChat(page, { lang: 'en' });
  await say(page, EN_DEEPFAKE);
  const { sessionId } = await page.evaluate(() => window.SafeHarbourTest.state());
  const requestsBefore = page.sessionRequests.length;
  const shown = await botCount(page);

  // Drop the transport under socket.io (as a network cut does); the client reconnects by itself.
  await page.evaluate(() => window.SafeHarbourTest.socket().io.engine.close());
  await page.waitForFunction(() => !window.SafeHarbourTest.state().connected, null, { timeout: 10000 }).catch(() => {});
  await page.waitForFunction(() => window.SafeHarbourTest.state().connected, null, { timeout: 30000 });
  assert.ok(page.sessionRequests.length > requestsBefore, 'a new session_request after reconnecting');
  assert.equal(page.sessionRequests.at(-1).session_id, sessionId, 'the same session id');
  assert.equal(await botCount(page), shown, 'the conversation is still on the page');

  const more = await say(page, 'how do I get it removed?');
  assert.ok(more.join(' ').trim().length > 0);
  assert.equal(userUttered(page).at(-1).data.session_id, sessionId);
  await page.close();
});
