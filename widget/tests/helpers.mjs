// Shared helpers for the widget's browser tests (not a test file itself).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);
const here = path.dirname(fileURLToPath(import.meta.url));

export const PROJECT_ROOT = path.resolve(here, '..', '..');
export const SCREENSHOT_DIR = path.join(PROJECT_ROOT, 'results', 'screenshots');
export const AXE_PATH = require.resolve('axe-core/axe.min.js');
/** The tests' hooks into the widget (window.SafeHarbourTest), added to every page: not in the embedded widget. */
export const PAGE_HOOKS_PATH = path.join(here, 'page-hooks.js');
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
export const SERVER = (process.env.SAFE_HARBOUR_URL || '').replace(/\/+$/, '');
export const EXIT_URL = 'https://www.bbc.com/weather';

/** Skip reason for node:test when there is no server to talk to (the project's test command sets it). */
export const SKIP = SERVER ? false : 'SAFE_HARBOUR_URL is not set: run through scripts/with_servers.sh';

/** How long to wait for the real assistant to answer one message. */
export const ANSWER_TIMEOUT = Number(process.env.SAFE_HARBOUR_ANSWER_TIMEOUT_MS || 60000);

export const ARABIC = /[\u0600-\u06FF]/;

/** Launches Debian's Chromium headless with a fresh user-data dir. Returns {context, close}. */
export async function launchBrowser({ locale = 'en-GB' } = {}) {
  if (!fs.existsSync(CHROMIUM_PATH)) {
    throw new Error(`Chromium not found at ${CHROMIUM_PATH}: apt-get install -y chromium chromium-driver`);
  }
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sh-widget-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
    viewport: { width: 1000, height: 760 },
    locale,
  });
  await context.addInitScript({ path: PAGE_HOOKS_PATH });
  // Nothing in these tests may reach the internet: the exit page is answered locally, anything else fails.
  await context.route(/^https?:\/\/(?!127\.0\.0\.1|localhost|\[::1\])/, (route) => {
    if (route.request().url().startsWith(EXIT_URL)) {
      return route.fulfill({ status: 200, contentType: 'text/html', body: '<!doctype html><title>Weather</title><p>Weather</p>' });
    }
    return route.abort();
  });
  return {
    context,
    async close() {
      await context.close().catch(() => {});
      fs.rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

/**
 * Opens a page and counts every user_uttered that leaves it, over WebSocket frames, socket.io's HTTP
 * long-polling and the REST webhook. `page.sent` holds the payloads seen so far.
 */
export async function newPage(context) {
  const page = await context.newPage();
  page.sent = [];
  page.sessionRequests = [];
  page.on('websocket', (ws) => {
    ws.on('framesent', (frame) => record(page, String(frame.payload)));
  });
  page.on('request', (request) => {
    if (request.method() !== 'POST') return;
    const body = request.postData() || '';
    if (request.url().includes('/webhooks/rest/webhook')) page.sent.push({ via: 'rest', body });
    else record(page, body);
  });
  page.on('pageerror', (err) => { (page.errors ||= []).push(String(err)); });
  return page;
}

function record(page, payload) {
  // socket.io over Engine.IO: each packet is '42' + JSON array [event, data] (long-polling bodies join
  // several packets with the record separator \u001e). Anything mentioning user_uttered counts.
  for (const packet of payload.split('\u001e')) {
    const m = /^42(\d*)(\[.*)$/s.exec(packet);
    if (!m) {
      if (packet.includes('user_uttered')) page.sent.push({ via: 'unknown', data: packet });
      continue;
    }
    let event;
    let data;
    try { [event, data] = JSON.parse(m[2]); } catch { event = packet.includes('user_uttered') ? 'user_uttered' : ''; data = packet; }
    if (event === 'user_uttered') page.sent.push({ via: 'socket', data });
    else if (event === 'session_request') page.sessionRequests.push(data);
  }
}

/**
 * Loads the demo chat page (`lang: null` leaves the language to the page and the browser) and waits until
 * the widget has a confirmed session.
 */
export async function openChat(page, { lang = 'en', open = true } = {}) {
  const query = new URLSearchParams();
  if (lang) query.set('lang', lang);
  if (!open) query.set('open', '0');
  await page.goto(`${SERVER}/chat?${query}`);
  await waitForWidget(page);
}

/** Waits until the widget is on the page and has a confirmed session. */
export async function waitForWidget(page) {
  await page.waitForSelector('[data-safe-harbour]');
  await page.waitForFunction(() => window.SafeHarbourTest.state() && window.SafeHarbourTest.state().connected,
    null, { timeout: 30000 });
}

export const BOT = '[data-safe-harbour] .sh-msg--bot, [data-safe-harbour] .sh-msg--staff';

export async function botCount(page) {
  return page.locator(BOT).count();
}

/** Waits until more than `before` bot messages are shown, then a moment for the rest of the turn. */
export async function waitForAnswer(page, before) {
  await page.waitForFunction(([sel, n]) => document.querySelectorAll(sel).length > n, [BOT, before],
    { timeout: ANSWER_TIMEOUT });
  // A turn may have several messages: wait until the typing indicator is gone and the count is stable.
  let last = -1;
  for (let i = 0; i < 20; i++) {
    const n = await botCount(page);
    if (n === last) break;
    last = n;
    await page.waitForTimeout(400);
  }
  const texts = await page.locator(BOT).allInnerTexts();
  return texts.slice(before);
}

/** Types a message like a person (into the textarea, Enter to send) and returns the new bot messages. */
export async function say(page, message) {
  const before = await botCount(page);
  const input = page.locator('[data-safe-harbour] textarea');
  await input.fill(message);
  await input.press('Enter');
  return waitForAnswer(page, before);
}

/** Every user message that left the page so far (socket.io frames, polling bodies, REST posts). */
export function userUttered(page) {
  return page.sent;
}

/** Reads what this origin keeps in the tab's storage, from a blank page of the same origin. */
export async function storageOfOrigin(page) {
  const probe = `${SERVER}/__safe_harbour_storage_probe`;
  await page.route(probe, (route) => route.fulfill({ status: 200, contentType: 'text/html', body: '<!doctype html><title>probe</title>' }));
  await page.goto(probe);
  return page.evaluate(() => ({
    session: Object.fromEntries(Object.keys(sessionStorage).map((k) => [k, sessionStorage.getItem(k)])),
    local: Object.fromEntries(Object.keys(localStorage).map((k) => [k, localStorage.getItem(k)])),
  }));
}

export function ensureScreenshotDir() {
  fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
  return SCREENSHOT_DIR;
}


// axe is evaluated through the DevTools protocol rather than added as a <script>, so that pages with a
// Content-Security-Policy (the staff console allows only its own scripts) are checked the same way.
const AXE_SOURCE = fs.readFileSync(AXE_PATH, 'utf8');

/** Runs axe-core (WCAG 2.1 A/AA and best practice) on the page; returns the violations. */
export async function runAxe(page) {
  if (!(await page.evaluate(() => Boolean(window.axe)))) await page.evaluate(AXE_SOURCE);
  return page.evaluate(async () => {
    const result = await window.axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
      resultTypes: ['violations'],
    });
    return result.violations.map((v) => ({
      id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => n.target.join(' ')).slice(0, 5),
    }));
  });
}

/** Prints the axe results of one page state and returns its serious and critical violations. */
export function seriousViolations(label, violations) {
  const serious = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  const others = violations.filter((v) => !serious.includes(v));
  console.log(`# axe ${label}: ${serious.length} serious/critical, ${others.length} moderate/minor` +
    (others.length ? ` (${others.map((v) => `${v.id}:${v.impact}`).join(', ')})` : ''));
  return serious;
}
