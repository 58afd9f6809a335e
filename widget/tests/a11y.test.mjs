// Accessibility (axe-core, WCAG 2.1 A/AA) in both languages, small screens, and the screenshots under
// results/screenshots/. Needs SAFE_HARBOUR_URL (scripts/with_servers.sh sets it).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import {
  SKIP, runAxe, seriousViolations, launchBrowser, newPage, openChat, say, ensureScreenshotDir,
} from './helpers.mjs';

const ROOT = '[data-safe-harbour]';
const QUESTIONS = {
  en: 'someone made a fake nude picture of my daughter with an app',
  ar: 'حد عمل صورة مفبركة لبنتي بالذكاء الاصطناعي',
};

let browser;
before(async () => { if (!SKIP) browser = await launchBrowser(); });
after(async () => { if (browser) await browser.close(); });

for (const lang of ['en', 'ar']) {
  test(`axe finds no serious or critical violation (${lang}), and a screenshot is saved`, { skip: SKIP, timeout: 180000 }, async () => {
    const page = await newPage(browser.context);
    await page.setViewportSize({ width: 1000, height: 760 });
    await openChat(page, { lang });

    // The empty chat, then with an answer that has sources and quick replies (screenshot), then with the
    // refusal notice and a staff message on screen.
    const empty = seriousViolations(`${lang} (empty chat)`, await runAxe(page));
    assert.deepEqual(empty, [], JSON.stringify(empty, null, 2));

    await say(page, QUESTIONS[lang]);
    await page.locator(`${ROOT} .sh-quick-reply`).first().waitFor();
    await page.evaluate(() => document.activeElement && document.activeElement.blur());
    const file = path.join(ensureScreenshotDir(), `widget-${lang}.png`);
    await page.screenshot({ path: file });
    console.log(`# screenshot ${file}`);

    await page.evaluate(() => window.SafeHarbourTest.pasteFile());
    await page.evaluate((l) => window.SafeHarbourTest.renderBotMessage({
      text: l === 'ar' ? 'مرحباً، أنا من فريق خط المساعدة.' : 'Hello, I am from the helpline team.',
      metadata: { from: 'staff' },
    }), lang);
    await page.evaluate(() => document.activeElement && document.activeElement.blur());
    const full = seriousViolations(`${lang} (conversation)`, await runAxe(page));
    assert.deepEqual(full, [], JSON.stringify(full, null, 2));

    await page.close();
  });
}

test('Usable at 320 px wide: no sideways scrolling, controls in view, 44 px touch targets', { skip: SKIP, timeout: 180000 }, async () => {
  for (const lang of ['en', 'ar']) {
    const page = await newPage(browser.context);
    await page.setViewportSize({ width: 320, height: 640 });
    await openChat(page, { lang });
    await say(page, QUESTIONS[lang]);
    const layout = await page.evaluate(() => {
      const root = document.querySelector('[data-safe-harbour]');
      const box = (sel) => {
        const r = root.querySelector(sel).getBoundingClientRect();
        return { left: r.left, right: r.right, top: r.top, bottom: r.bottom, width: r.width, height: r.height };
      };
      return {
        scrollWidth: document.documentElement.scrollWidth,
        panel: box('.sh-panel'),
        exit: box('.sh-panel .sh-exit'),
        send: box('.sh-send'),
        input: box('textarea'),
        human: box('.sh-human'),
        lang: box('.sh-lang-btn'),
        logOverflowX: root.querySelector('.sh-log').scrollWidth - root.querySelector('.sh-log').clientWidth,
      };
    });
    assert.ok(layout.scrollWidth <= 320, `no horizontal page scroll (${layout.scrollWidth})`);
    assert.ok(layout.logOverflowX <= 1, 'messages wrap inside the log');
    for (const name of ['panel', 'exit', 'send', 'input', 'human', 'lang']) {
      const b = layout[name];
      assert.ok(b.left >= 0 && b.right <= 320.5 && b.top >= 0 && b.bottom <= 640.5, `${name} in view: ${JSON.stringify(b)}`);
    }
    for (const name of ['exit', 'send', 'human', 'lang']) {
      assert.ok(layout[name].height >= 44 && layout[name].width >= 44, `${name} is a 44px touch target`);
    }
    const serious = seriousViolations(`${lang} at 320px`, await runAxe(page));
    assert.deepEqual(serious, [], JSON.stringify(serious, null, 2));
    const file = path.join(ensureScreenshotDir(), `widget-${lang}-320.png`);
    await page.screenshot({ path: file });
    await page.close();
  }
});
