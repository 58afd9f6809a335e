// "Prepare my report" (widget/static/report-form.js): every template filled in both languages with the
// network watched, exports by the browser only, nothing kept after Quick exit, axe, keyboard, the Arabic
// print preview. Needs SAFE_HARBOUR_URL (scripts/with_servers.sh sets it, and TRACKER_STORE_URL and
// SAFE_HARBOUR_LOG, which are searched afterwards).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {
  SKIP, SERVER, EXIT_URL, PROJECT_ROOT, launchBrowser, newPage, openChat, say, storageOfOrigin,
  runAxe, seriousViolations, ensureScreenshotDir,
} from './helpers.mjs';

const ROOT = '[data-safe-harbour]';
const FORM = `${ROOT} .sh-report`;
const TEMPLATES = JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, 'widget', 'static', 'report-templates.json'), 'utf8')).templates;
const REMOVAL_QUESTION = {
  en: 'how do i get a photo of my daughter removed from instagram',
  ar: 'كيف يمكنني حذف صورة ابنتي المزيفة من موقع على الانترنت؟',
};
const PREPARE = { en: 'Prepare my report', ar: 'جهّز بلاغي' };
// Every value typed in this file carries this mark, so it can be looked for everywhere afterwards.
const MARK = `zq${Date.now().toString(36)}`;

let browser;
before(async () => { if (!SKIP) browser = await launchBrowser(); });
after(async () => { if (browser) await browser.close(); });

/** Everything that leaves the page: HTTP requests (with bodies) and WebSocket frames. */
function watchNetwork(page) {
  const seen = { requests: [], frames: [] };
  page.on('request', (r) => seen.requests.push({ url: r.url(), body: r.postData() || '' }));
  page.on('websocket', (ws) => ws.on('framesent', (f) => seen.frames.push(String(f.payload))));
  return seen;
}

/** Asks the assistant about removal and opens the form from its "Prepare my report" button. */
async function openForm(page, lang) {
  await openChat(page, { lang });
  await say(page, REMOVAL_QUESTION[lang]);
  await page.locator(`${ROOT} .sh-quick-reply`, { hasText: PREPARE[lang] }).click();
  await page.locator(FORM).waitFor();
}

function control(name) {
  return `${FORM} [data-report-control="${name}"]`;
}

async function preview(page) {
  return page.locator(`${FORM} .sh-report-document`).innerText();
}

test('Every template in both languages: filled and exported with no request, nothing typed ever leaves the page', { skip: SKIP, timeout: 300000 }, async () => {
  const routes = (await (await fetch(`${SERVER}/widget/report-routes.json`)).json()).countries;
  const checked = routes.find((c) => c.route.en.sources);
  await browser.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: SERVER });

  for (const lang of ['en', 'ar']) {
    const page = await newPage(browser.context);
    const network = watchNetwork(page);
    await openForm(page, lang);
    assert.equal(await page.getAttribute(FORM, 'dir'), lang === 'ar' ? 'rtl' : 'ltr');
    assert.equal(await page.locator(control('document')).inputValue(), 'takedown', 'the removal answer opens the takedown request');
    assert.equal(await page.locator(`${ROOT} input[type="file"]`).count(), 0, 'nothing accepts a file');
    const requestsBefore = network.requests.length;
    const framesBefore = network.frames.length;
    await page.evaluate(() => { window.print = () => { window.__printed = (window.__printed || 0) + 1; }; });

    for (const template of TEMPLATES) {
      await page.selectOption(control('document'), template.id);
      for (const field of template[lang].fields) {
        if (field.type === 'country') continue;
        const value = `${MARK}-${lang}-${template.id}-${field.id}`;
        await page.locator(control(field.id)).fill(value);
      }
      const country = template[lang].fields.find((f) => f.type === 'country');
      if (country) await page.selectOption(control(country.id), template.id === 'takedown' ? 'US' : checked.code);
      const doc = await preview(page);
      for (const field of template[lang].fields.filter((f) => f.type !== 'country')) {
        assert.ok(doc.includes(`${MARK}-${lang}-${template.id}-${field.id}`), `${template.id}: ${field.id} is in the document`);
      }
      assert.ok(!/\{\w+\}/.test(doc), `${template.id}: no placeholder left: ${doc}`);
      if (template.id === 'takedown') assert.ok(doc.includes(template[lang].clauses.us_law), 'the US 48-hour rule is cited for the US');
      if (template.id === 'police') assert.ok(doc.includes(checked.route[lang].text), 'the official police route is in the report');
      const shownSources = await page.locator(`${FORM} .sh-report-sources a`).evaluateAll((as) => as.map((a) => a.href));
      for (const s of template.sources) assert.ok(shownSources.includes(new URL(s.url).href), `${template.id}: source ${s.url} shown`);
      assert.match(await page.locator(`${FORM} .sh-report-sources .sh-reviewed`).innerText(), new RegExp(template.reviewed));

      // Export: copy, download, print, all by the browser.
      await page.locator(`${FORM} .sh-report-copy`).click();
      await page.locator(`${FORM} .sh-report-status`, { hasText: lang === 'ar' ? 'تم النسخ' : 'Copied' }).waitFor();
      assert.equal(await page.evaluate(() => navigator.clipboard.readText()), doc.replace(/\n$/, ''));
      const [download] = await Promise.all([page.waitForEvent('download'), page.locator(`${FORM} .sh-report-download`).click()]);
      const file = fs.readFileSync(await download.path(), 'utf8').replace(/^\ufeff/, '').replace(/\r\n/g, '\n');
      assert.equal(file, doc.replace(/\n$/, ''));
      await page.locator(`${FORM} .sh-report-print`).click();
    }
    assert.equal(await page.evaluate(() => window.__printed), TEMPLATES.length);

    // Nothing at all went out while filling in and exporting (WebSocket keep-alives carry nothing).
    // (A download's blob: address is the page's own memory, not the network.)
    const during = network.requests.slice(requestsBefore).filter((r) => !r.url.startsWith('blob:'));
    assert.deepEqual(during, [], 'no request while filling in and exporting');
    assert.deepEqual(network.frames.slice(framesBefore).filter((f) => f !== '2' && f !== '3'), [], 'no frame but keep-alives');
    const storage = await page.evaluate(() => JSON.stringify([{ ...sessionStorage }, { ...localStorage }]));
    assert.ok(!storage.includes(MARK), 'nothing typed in the form is in the browser storage');

    if (lang === 'ar') {
      // The print preview: the document alone, right-to-left, on a page of A4 proportions.
      await page.setViewportSize({ width: 794, height: 1123 });
      await page.emulateMedia({ media: 'print' });
      const printed = await page.evaluate(() => {
        const out = document.querySelector('.sh-report-printout');
        return {
          shown: getComputedStyle(out).display !== 'none',
          direction: getComputedStyle(out).direction,
          align: getComputedStyle(out).textAlign,
          widget: getComputedStyle(document.querySelector('[data-safe-harbour]')).display,
          text: out.innerText,
        };
      });
      assert.ok(printed.shown, 'the document is printed');
      assert.equal(printed.direction, 'rtl');
      assert.equal(printed.widget, 'none', 'the chat itself is not printed');
      assert.ok(printed.text.includes(MARK));
      const shot = path.join(ensureScreenshotDir(), 'report-print-ar.png');
      await page.screenshot({ path: shot, fullPage: true });
      console.log(`# screenshot ${shot}`);
      await page.emulateMedia({ media: 'screen' });
      await page.setViewportSize({ width: 1000, height: 760 });
    }

    // Quick exit: the form, its print copy and the conversation are gone, and nothing is kept.
    await page.locator(`${ROOT} .sh-panel .sh-exit`).click();
    await page.waitForURL(`${EXIT_URL}*`);
    assert.deepEqual(await storageOfOrigin(page), { session: {}, local: {} });

    const everything = JSON.stringify(network);
    assert.ok(!everything.includes(MARK), 'no request or frame ever carried anything typed in the form');
    await page.close();
  }

  // Nor did anything reach the server's tracker store or its logs.
  const places = [process.env.SAFE_HARBOUR_LOG, path.join(path.dirname(process.env.SAFE_HARBOUR_LOG || ''), 'actions.log')];
  const tracker = /^sqlite:\/\/\/(.+)$/.exec(process.env.TRACKER_STORE_URL || '');
  if (tracker) places.push(tracker[1]);
  for (const place of places.filter((p) => p && fs.existsSync(p))) {
    assert.ok(!fs.readFileSync(place).includes(MARK), `nothing typed in the form is in ${place}`);
  }
  assert.ok(places.filter((p) => p && fs.existsSync(p)).length >= 2, `the server's files were searched: ${places}`);
});

for (const lang of ['en', 'ar']) {
  test(`axe finds no serious violation in the form (${lang}), at desktop width and at 320 px`, { skip: SKIP, timeout: 180000 }, async () => {
    for (const size of [{ width: 1000, height: 760 }, { width: 320, height: 640 }]) {
      const page = await newPage(browser.context);
      await page.setViewportSize(size);
      await openForm(page, lang);
      await page.locator(control('platform')).fill(`${MARK}-axe`);
      await page.evaluate(() => document.activeElement && document.activeElement.blur());
      const serious = seriousViolations(`report form ${lang} ${size.width}px`, await runAxe(page));
      assert.deepEqual(serious, [], JSON.stringify(serious, null, 2));
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth);
      assert.ok(overflow <= size.width, `no sideways scrolling (${overflow})`);
      if (size.width === 320) {
        const file = path.join(ensureScreenshotDir(), `report-${lang}-320.png`);
        await page.screenshot({ path: file });
      }
      await page.close();
    }
  });
}

test('Keyboard only: open the form, fill it in, download, and go back to the chat', { skip: SKIP, timeout: 180000 }, async () => {
  const page = await newPage(browser.context);
  await openChat(page, { lang: 'en' });
  await say(page, REMOVAL_QUESTION.en);
  const focused = () => page.evaluate(() => {
    const a = document.activeElement;
    return { tag: a.tagName, control: a.getAttribute('data-report-control'), text: a.textContent.trim(), cls: a.className };
  });
  const tabTo = async (match, limit = 40) => {
    for (let i = 0; i < limit; i++) {
      await page.keyboard.press('Tab');
      if (match(await focused())) return;
    }
    assert.fail(`not reachable with Tab: ${match}`);
  };
  await tabTo((f) => f.text === PREPARE.en);
  await page.keyboard.press('Enter');
  await page.locator(FORM).waitFor();
  assert.ok((await focused()).cls.includes('sh-report-heading'), 'focus moves to the form');
  await tabTo((f) => f.control === 'platform');
  await page.keyboard.type(`${MARK}-keyboard`);
  assert.ok((await preview(page)).includes(`${MARK}-keyboard`));
  await tabTo((f) => f.cls.includes('sh-report-download'));
  const [download] = await Promise.all([page.waitForEvent('download'), page.keyboard.press('Enter')]);
  assert.ok(fs.readFileSync(await download.path(), 'utf8').includes(`${MARK}-keyboard`));
  await tabTo((f) => f.cls.includes('sh-report-back'));
  await page.keyboard.press('Enter');
  assert.equal(await page.locator(FORM).count(), 0);
  assert.equal((await focused()).tag, 'TEXTAREA', 'back in the message box');
  await page.close();
});

test('A picture pasted into the form is refused there, and nothing is added', { skip: SKIP, timeout: 120000 }, async () => {
  const page = await newPage(browser.context);
  await openForm(page, 'ar');
  const field = page.locator(control('description'));
  await field.fill('نص');
  const refused = await page.evaluate((sel) => {
    const dt = new DataTransfer();
    dt.items.add(new File([new Uint8Array([137, 80, 78, 71])], 'photo.png', { type: 'image/png' }));
    const event = new ClipboardEvent('paste', { clipboardData: dt, bubbles: true, cancelable: true });
    document.querySelector(sel).dispatchEvent(event);
    return event.defaultPrevented;
  }, control('description'));
  assert.equal(refused, true);
  assert.match(await page.locator(`${FORM} .sh-report-status`).innerText(), /لا يمكن إضافة صور/);
  assert.equal(await field.inputValue(), 'نص');
  assert.equal(await page.locator(`${ROOT} img`).count(), 0);
  await page.close();
});
