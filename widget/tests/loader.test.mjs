// The loader (safe-harbour-widget.js) as a site meets it: SafeHarbour exists as soon as the script tag has
// run, calls made before the parts arrive run in order once they have, Quick exit never waits for them,
// and with a part missing there is no half widget. Needs SAFE_HARBOUR_URL (scripts/with_servers.sh).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { SKIP, SERVER, EXIT_URL, launchBrowser, newPage, waitForWidget, storageOfOrigin } from './helpers.mjs';

let browser;
before(async () => { if (!SKIP) browser = await launchBrowser(); });
after(async () => { if (browser) await browser.close(); });

/** A site's page on the server's own origin (socket.io accepts the server's own pages): the loader, then `inline`. */
async function openSitePage(page, name, inline) {
  const url = `${SERVER}/${name}.html`;
  await page.route(url, (route) => route.fulfill({
    contentType: 'text/html; charset=utf-8',
    body: `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>School</title></head>
      <body><main><h1>School</h1></main>
      <script>sessionStorage.setItem('safeHarbour.messages', '[{"role":"user","text":"an earlier visit"}]');
        sessionStorage.setItem('school.theme', 'dark');</script>
      <script src="/widget/vendor/socket.io.min.js"></script><script src="/widget/safe-harbour-widget.js"></script>
      <script>${inline}</script></body></html>`,
  }));
  await page.goto(url, { waitUntil: 'domcontentloaded' });   // a held-back part delays "load"
}

/** Holds back one part until release() is called. */
async function holdPart(page, name) {
  let release;
  const released = new Promise((resolve) => { release = resolve; });
  await page.route(`${SERVER}/widget/parts/${name}.js`, async (route) => { await released; await route.continue(); });
  return release;
}

test('Calls made before the parts arrive run, in order, once they have', { skip: SKIP, timeout: 120000 }, async () => {
  const page = await newPage(browser.context);
  const release = await holdPart(page, 'api');
  await openSitePage(page, 'early-calls', "SafeHarbour.mount({ startOpen: true }); SafeHarbour.setLanguage('ar');");
  assert.equal(await page.locator('[data-safe-harbour]').count(), 0, 'no widget while a part is held back');
  release();
  await waitForWidget(page);
  assert.equal((await page.evaluate(() => window.SafeHarbourTest.state())).language, 'ar', 'setLanguage ran after mount');
  const switchSent = () => page.sent.some((s) => JSON.stringify(s).includes('/switch_language'));
  for (let i = 0; i < 50 && !switchSent(); i++) await page.waitForTimeout(200);
  assert.ok(switchSent(), 'the assistant was told of the switch');
  assert.deepEqual(page.errors || [], []);
  await page.close();
});

test('Quick exit before the parts arrive leaves at once and clears only the widget\'s storage', { skip: SKIP, timeout: 60000 }, async () => {
  const page = await newPage(browser.context);
  const release = await holdPart(page, 'strings');   // the first part: nothing of the widget has run
  await openSitePage(page, 'early-exit', 'SafeHarbour.mount({ startOpen: true });');
  await page.evaluate(() => window.SafeHarbour.quickExit());
  await page.waitForURL(`${EXIT_URL}*`);
  release();
  const after = await storageOfOrigin(page);
  assert.deepEqual(after, { session: { 'school.theme': 'dark' }, local: {} });
  await page.close();
});

test('With a part missing no widget is shown, and Quick exit still works', { skip: SKIP, timeout: 60000 }, async () => {
  const page = await newPage(browser.context);
  await page.route(`${SERVER}/widget/parts/quick-exit.js`, (route) => route.abort());
  await openSitePage(page, 'missing-part', 'SafeHarbour.mount({ startOpen: true });');
  // api.js, the last part, has run when the waiting mount call is gone.
  await page.waitForFunction(() => window.SafeHarbourParts.waiting.length === 0);
  assert.deepEqual(await page.evaluate(() => window.SafeHarbourParts.missing), ['quick-exit']);
  assert.equal(await page.locator('[data-safe-harbour]').count(), 0, 'no half widget');
  assert.deepEqual(page.errors || [], []);
  await page.evaluate(() => window.SafeHarbour.quickExit());
  await page.waitForURL(`${EXIT_URL}*`);
  assert.deepEqual(await storageOfOrigin(page), { session: { 'school.theme': 'dark' }, local: {} });
  await page.close();
});
