// The console in a real browser (Debian's Chromium, driven by playwright-core; never a downloaded
// browser). ConsoleBrowserTest starts Ferry in test mode, seeds failed audit rows and runs this file
// with `node --test`, passing what it needs through the environment:
//   FERRY_URL, OPERATOR_TOKEN, VIEWER_TOKEN, APPROVER_TOKEN, AUDIT_RUN (the seeded run), MIGRATE_TARGET,
//   GUARDED_TARGET (a target whose changes wait for an approver, with one pending script),
//   CHROMIUM (the browser binary), SCREENSHOTS (a folder for the README's pictures).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const env = process.env;
const base = env.FERRY_URL;
let browser;

before(async () => {
  // Playwright gives every launch a fresh, empty profile of its own (a new user data dir).
  browser = await chromium.launch({
    executablePath: env.CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run', '--disable-component-update',
      '--disable-sync'],
  });
});

after(async () => browser?.close());

/** A fresh browser page signed in through the console link, as dev mode prints it. */
async function signedIn(token) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
  const page = await context.newPage();
  await page.goto(`${base}/console/#token=${token}`);
  await page.locator('#who-name').waitFor();
  return page;
}

/** Submits a request as the operator, as a pipeline would. */
async function submit(body) {
  const response = await fetch(`${base}/api/requests`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${env.OPERATOR_TOKEN}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  assert.equal(response.status, 202);
}

test('without a token the console asks to sign in, and no data is shown', async () => {
  const page = await (await browser.newContext()).newPage();
  await page.goto(`${base}/console/`);
  await page.getByRole('heading', { name: 'Sign in' }).waitFor();
  assert.equal(await page.locator('#requests').count(), 0);
});

test('an operator sees a migrate appear live and follows it to its result', async () => {
  const page = await signedIn(env.OPERATOR_TOKEN);
  assert.equal(await page.locator('#who-name').textContent(), 'test-operator');
  await page.locator('#requests').waitFor();
  const id = `console-live-${Date.now()}`;
  // Submitted after the page loaded: only a live page shows it.
  await submit({ requestId: id, action: 'migrate', target: env.MIGRATE_TARGET });
  const row = page.locator(`tr[data-request="${id}"]`);
  await row.waitFor({ timeout: 30000 });
  await row.locator('[data-status="SUCCEEDED"]').waitFor({ timeout: 60000 });
  await row.getByRole('link', { name: id }).click();
  await page.getByRole('heading', { name: /migrate/ }).locator('[data-status="SUCCEEDED"]').waitFor();
  assert.match(await page.locator('#result').textContent(), /"status": "SUCCEEDED"/);
  await page.context().close();
});

test('an operator looks a failed user up in Kratos, resolves one with a note and retries another', async () => {
  const page = await signedIn(env.OPERATOR_TOKEN);
  await page.goto(`${base}/console/#/users?runId=${env.AUDIT_RUN}`);
  const rows = page.locator('#audit-rows tr[data-audit]');
  await rows.first().waitFor();
  assert.ok(await rows.count() >= 3);
  assert.match(await rows.first().locator('td.email').textContent(), /^console\d+@example\.org$/, 'operators see whole emails');
  await page.locator('#trend circle').first().waitFor();

  const first = rows.first();
  await first.getByRole('button', { name: 'Kratos lookup' }).click();
  const lookup = first.locator('.lookup');
  await page.waitForFunction((node) => node.textContent && !node.textContent.startsWith('asking'), await lookup.elementHandle());
  assert.equal(await lookup.textContent(), 'Kratos has no identity for this email.');

  const id = await first.getAttribute('data-audit');
  await first.getByRole('textbox', { name: 'note' }).fill('merged by support, ticket 42');
  // The row as it is now: a resolved row replaces it in place, where `first` would find the new one.
  const before = await first.elementHandle();
  await first.getByRole('button', { name: 'Resolve' }).click();
  const resolved = page.locator(`tr[data-audit="${id}"]`);
  await page.waitForFunction((row) => !row.isConnected || row.querySelector('.error'), before);
  assert.equal(await resolved.locator('.error').count(), 0, await resolved.textContent());
  await resolved.locator('[data-status="resolved"]').waitFor();
  assert.match(await resolved.textContent(), /by test-operator/);

  const second = page.locator('#audit-rows tr[data-audit]').nth(1);
  await second.getByRole('button', { name: 'Retry' }).click();
  await second.getByText('retry submitted').waitFor();
  await page.screenshot({ path: join(env.SCREENSHOTS, 'console-users.png'), fullPage: true });

  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export CSV' }).click();
  assert.match((await download).suggestedFilename(), /^unresolved-users-.*\.csv$/);
  await page.context().close();
});

test('a target\'s page lists its scripts and checks drift, which the targets list then shows', async () => {
  const page = await signedIn(env.OPERATOR_TOKEN);
  await page.goto(`${base}/console/#/targets/${env.MIGRATE_TARGET}`);
  await page.getByRole('heading', { name: `Target ${env.MIGRATE_TARGET}` }).waitFor();
  assert.ok(await page.locator('table tbody tr').count() > 0, 'the target\'s scripts');
  await page.getByRole('button', { name: 'Check drift now' }).click();
  await page.locator('#drift p').waitFor({ timeout: 60000 });
  assert.match(await page.locator('#drift p').textContent(), /^(No drift\.|Drift: )/);
  await page.goto(`${base}/console/#/targets`);
  const row = page.locator(`tr[data-target="${env.MIGRATE_TARGET}"]`);
  await row.waitFor();
  assert.doesNotMatch(await row.textContent(), /not checked/);
  await page.context().close();
});

test('a viewer sees masked emails and no control that writes', async () => {
  const page = await signedIn(env.VIEWER_TOKEN);
  await page.goto(`${base}/console/#/users?runId=${env.AUDIT_RUN}`);
  const rows = page.locator('#audit-rows tr[data-audit]');
  await rows.first().waitFor();
  for (const email of await page.locator('#audit-rows td.email').allTextContents()) {
    assert.doesNotMatch(email, /^console\d+@/, `a viewer saw ${email}`);
    assert.match(email, /\*/);
  }
  for (const name of ['Resolve', 'Retry', 'Kratos lookup']) {
    assert.equal(await page.getByRole('button', { name }).count(), 0, `a viewer has a ${name} button`);
  }
  // The page hides what the API would refuse anyway: the API is the guard, not the page.
  const refused = await page.evaluate(async (run) => {
    const token = sessionStorage.getItem('ferry.token');
    const list = await (await fetch(`/api/audit/user-authid?runId=${run}&unresolvedOnly=true`, { headers: { Authorization: `Bearer ${token}` } })).json();
    const response = await fetch(`/api/audit/user-authid/${list.items[0].id}/retry`, { method: 'POST', headers: { Authorization: `Bearer ${token}` } });
    return response.status;
  }, env.AUDIT_RUN);
  assert.equal(refused, 403);
  await page.goto(`${base}/console/#/requests`);
  await page.locator('#requests tr').first().waitFor();
  await page.context().close();
});

test('signing out forgets the token', async () => {
  const page = await signedIn(env.VIEWER_TOKEN);
  await page.getByRole('link', { name: 'sign out' }).click();
  await page.getByRole('heading', { name: 'Sign in' }).waitFor();
  assert.equal(await page.evaluate(() => sessionStorage.getItem('ferry.token')), null);
  await page.context().close();
});

test('an approver finds a waiting change in the queue and approves it; its requester cannot', async () => {
  const id = `console-approval-${Date.now()}`;
  await submit({ requestId: id, action: 'migrate', target: env.GUARDED_TARGET });
  const requester = await signedIn(env.OPERATOR_TOKEN);
  await requester.goto(`${base}/console/#/requests/${id}`);
  for (let i = 0; i < 60 && !(await requester.locator('[data-status="AWAITING_APPROVAL"]').count()); i++) {
    await requester.waitForTimeout(500);
    await requester.reload();
  }
  await requester.locator('h1 [data-status="AWAITING_APPROVAL"]').waitFor();
  assert.equal(await requester.getByRole('button', { name: 'Approve' }).count(), 0, 'the requester has no Approve button');
  await requester.context().close();

  const page = await signedIn(env.APPROVER_TOKEN);
  await page.goto(`${base}/console/#/approvals`);
  await page.locator('#approval-count').filter({ hasText: /\d/ }).waitFor();
  await page.locator(`tr[data-request="${id}"]`).getByRole('link', { name: id }).click();
  await page.getByRole('heading', { name: 'Plan' }).waitFor();
  await page.getByRole('textbox', { name: 'reason' }).fill('plan reviewed in the console');
  await page.getByRole('button', { name: 'Approve' }).click();
  await page.locator('h1 [data-status="SUCCEEDED"]').waitFor({ timeout: 60000 });
  await page.getByRole('heading', { name: 'Scripts applied' }).waitFor();
  await page.screenshot({ path: join(env.SCREENSHOTS, 'console-request.png'), fullPage: true });
  await page.context().close();
});
