// The staff console (/staff/, safe_harbour/console/) in Chromium: its API refuses strangers, a staff member
// signs in with the keyboard, a family's "Talk to a person" puts a triage card in the queue, the staff
// member claims the case and chats, axe-core finds no serious or critical violation, and a screenshot is
// saved as results/screenshots/staff-console.png. The console is styled from the widget's shared
// stylesheet, so the test also checks that it uses the same parts.
// Needs SAFE_HARBOUR_URL; the staff account is added to the servers' cases database (DATABASE_URL, which
// scripts/with_servers.sh sets to a fresh one per run) with `python -m safe_harbour.console.accounts`.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import path from 'node:path';
import {
  SKIP, SERVER, PROJECT_ROOT, runAxe, seriousViolations, launchBrowser, newPage, openChat, say, waitForAnswer, botCount,
  ensureScreenshotDir,
} from '../../../widget/tests/helpers.mjs';  // the widget's browser-test helpers (Chromium, axe, the chat page)

const ROOT = '[data-safe-harbour]';
const STAFF = { name: `console-test-${crypto.randomBytes(3).toString('hex')}`, password: crypto.randomBytes(12).toString('hex') };
const STAFF_MESSAGE = 'Hello, I am from the helpline team. <b>not bold</b>';

let browser;

function addStaffAccount() {
  const python = process.env.PYTHON || 'python';
  const run = spawnSync(python, ['-m', 'safe_harbour.console.accounts', 'add', STAFF.name, '--role', 'staff', '--password-stdin'], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, PYTHONPATH: [PROJECT_ROOT, process.env.PYTHONPATH].filter(Boolean).join(path.delimiter) },
    input: `${STAFF.password}\n`,
    encoding: 'utf8',
    timeout: 60000,
  });
  if (run.status !== 0) {
    throw new Error(`Could not add a staff account (${python} -m safe_harbour.console.accounts): ${run.error || ''}${run.stderr}`);
  }
}

before(async () => {
  if (SKIP) return;
  addStaffAccount();
  browser = await launchBrowser();
});
after(async () => { if (browser) await browser.close(); });

test('The console API refuses a request without a staff session (401)', { skip: SKIP, timeout: 30000 }, async () => {
  for (const [method, route] of [['GET', 'me'], ['GET', 'queue'], ['GET', 'cases/closed'], ['GET', 'cases/0123abcd'],
    ['POST', 'cases/0123abcd/claim'], ['POST', 'cases/0123abcd/messages']]) {
    const reply = await fetch(`${SERVER}/staff/api/${route}`, {
      method,
      headers: { 'Content-Type': 'application/json', Cookie: 'sh_staff=not-a-session' },
      body: method === 'POST' ? JSON.stringify({ text: 'hello' }) : undefined,
    });
    assert.equal(reply.status, 401, `${method} /staff/api/${route}`);
  }
  const wrong = await fetch(`${SERVER}/staff/api/login`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ name: STAFF.name, password: 'not-the-password' }),
  });
  assert.equal(wrong.status, 401, 'a wrong password is refused');
});

test('Staff sign in by keyboard, see a family in the queue, chat; axe passes; screenshot saved', { skip: SKIP, timeout: 120000 }, async () => {
  const staff = await newPage(browser.context);
  await staff.setViewportSize({ width: 1280, height: 900 });
  await staff.goto(`${SERVER}/staff/`);

  // Same parts as the widget: the shared stylesheet and its theme on the page.
  const sheets = await staff.evaluate(() => [...document.styleSheets].map((s) => new URL(s.href).pathname));
  assert.deepEqual(sheets, ['/widget/safe-harbour.css', '/staff/console.css']);
  const theme = await staff.evaluate(() => ({
    body: document.body.classList.contains('sh-theme'),
    primary: getComputedStyle(document.body).getPropertyValue('--sh-primary').trim(),
    header: getComputedStyle(document.querySelector('header')).backgroundColor,
  }));
  assert.ok(theme.body && theme.primary, 'the body is .sh-theme and has the shared custom properties');
  assert.equal(theme.header, 'rgb(27, 79, 114)', 'the header bar is --sh-primary');

  // Signed out: only the sign-in form shows, and the name field has the focus.
  const login = staff.locator('#login-view');
  await login.waitFor();
  assert.equal(await staff.locator('#console-view').isVisible(), false, 'the queue is hidden until sign-in');
  await staff.waitForFunction(() => document.activeElement && document.activeElement.id === 'login-name');
  const signIn = seriousViolations('staff console (sign-in)', await runAxe(staff));
  assert.deepEqual(signIn, [], JSON.stringify(signIn, null, 2));

  // Keyboard only: type the name, Tab, the password, Enter.
  await staff.keyboard.type(STAFF.name);
  await staff.keyboard.press('Tab');
  assert.equal(await staff.evaluate(() => document.activeElement.id), 'login-password');
  await staff.keyboard.type(STAFF.password);
  await staff.keyboard.press('Enter');
  await staff.locator('#console-view').waitFor();
  assert.equal(await login.isVisible(), false);
  assert.match(await staff.locator('#who').innerText(), new RegExp(`Signed in as ${STAFF.name} \\(staff\\)`));
  await staff.locator('#queue-empty').waitFor();      // a fresh database: no one is waiting yet

  // A family asks for a person in the widget; with staff signed in, the case joins the queue.
  const family = await newPage(browser.context);
  await openChat(family, { lang: 'en' });
  await say(family, 'someone made a fake nude picture of my daughter with an app');
  const before = await botCount(family);
  await family.locator(`${ROOT} .sh-human`).click();
  const reply = (await waitForAnswer(family, before)).join('\n');
  assert.match(reply, /asked a member of our helpline team to join this chat/, reply);

  // The queue (polled every few seconds) shows the triage card's row; open it with the keyboard.
  const row = staff.locator('#queue tr').first();
  await row.waitFor({ timeout: 15000 });
  assert.match(await row.innerText(), /Fake \/ AI-made image/);
  assert.match(await row.innerText(), /Waiting/);
  await row.focus();
  await staff.keyboard.press('Enter');
  await staff.locator('#card').getByText('Situation').waitFor();
  assert.match(await staff.locator('#card').innerText(), /Fake \/ AI-made image/);

  // Claim (keyboard), then write to the family: it reaches the widget as a labelled staff message, as text.
  await staff.locator('#claim').focus();
  await staff.keyboard.press('Enter');
  await staff.waitForFunction(() => document.activeElement && document.activeElement.id === 'send-text');
  const staffBefore = await family.locator(`${ROOT} .sh-msg--staff`).count();
  await staff.keyboard.type(STAFF_MESSAGE);
  await staff.keyboard.press('Tab');
  await staff.keyboard.press('Enter');
  await family.waitForFunction(([sel, n]) => document.querySelectorAll(sel).length > n,
    [`${ROOT} .sh-msg--staff`, staffBefore], { timeout: 15000 });
  assert.match(await family.locator(`${ROOT} .sh-msg--staff`).last().innerText(), /not bold/);

  // The family answers; the console shows the conversation in the widget's message bubbles.
  const input = family.locator(`${ROOT} textarea`);
  await input.fill('Thank you, she is 14 and it is on Snapchat.');
  await input.press('Enter');
  const transcript = staff.locator('#transcript');
  await transcript.locator('.sh-msg--user', { hasText: 'Thank you' }).waitFor({ timeout: 15000 });
  const bubbles = await transcript.evaluate((log) => ({
    staff: log.querySelectorAll('.sh-msg--staff .sh-msg-text').length,
    label: log.querySelector('.sh-msg--staff .sh-staff-label')?.textContent,
    html: log.querySelectorAll('b, script, img').length,
    text: log.textContent,
    staffBg: getComputedStyle(log.querySelector('.sh-msg--staff .sh-msg-text')).backgroundColor,
    familyBg: getComputedStyle(log.querySelector('.sh-msg--user .sh-msg-text')).backgroundColor,
  }));
  assert.ok(bubbles.staff >= 1 && bubbles.label === 'Staff', JSON.stringify(bubbles));
  assert.equal(bubbles.html, 0, 'messages are shown as text, never as HTML');
  assert.ok(bubbles.text.includes('<b>not bold</b>'));
  assert.equal(bubbles.staffBg, 'rgb(255, 243, 220)', 'staff bubble: the shared --sh-staff-bg');
  assert.equal(bubbles.familyBg, 'rgb(27, 79, 114)', 'family bubble: the shared --sh-user-bg');

  await staff.evaluate(() => document.activeElement && document.activeElement.blur());
  await staff.mouse.move(0, 0);
  const file = path.join(ensureScreenshotDir(), 'staff-console.png');
  await staff.screenshot({ path: file, fullPage: true });
  console.log(`# screenshot ${file}`);
  const open = seriousViolations('staff console (queue and case)', await runAxe(staff));
  assert.deepEqual(open, [], JSON.stringify(open, null, 2));

  // Hand back to the assistant, sign out; the API refuses the old session afterwards.
  await staff.locator('#outcome').selectOption('advice_given');
  await staff.locator('#close-form button[type="submit"]').click();
  await staff.locator('#closed li').first().waitFor({ timeout: 15000 });
  await staff.locator('#logout').click();
  await login.waitFor();
  const after = await staff.evaluate(async () => (await fetch('/staff/api/queue')).status);
  assert.equal(after, 401, 'signed out: the queue is refused');

  assert.deepEqual(staff.errors || [], [], 'no script errors on the console page');
  await family.close();
  await staff.close();
});
