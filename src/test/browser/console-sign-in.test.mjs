// The console's sign-in through an OpenID Connect provider (ConsoleSignInTest's WireMock-backed one):
// the authorization code flow in Chromium, then the API called with the provider's access token.
//   FERRY_URL, CHROMIUM
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';

const env = process.env;
let browser;

before(async () => {
  browser = await chromium.launch({
    executablePath: env.CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run', '--disable-component-update', '--disable-sync'],
  });
});

after(async () => browser?.close());

test('alice signs in with the organisation and sees the console with her mapped roles', async () => {
  const page = await (await browser.newContext()).newPage();
  await page.goto(`${env.FERRY_URL}/console/`);
  await page.getByRole('link', { name: 'Sign in with your organisation' }).click();
  // The provider's own sign-in form.
  await page.locator('#username').fill('alice');
  await page.locator('#password').fill('alice');
  await page.locator('#login').click();
  await page.locator('#who-name').waitFor();
  assert.equal(await page.locator('#who-name').textContent(), 'alice');
  assert.match(await page.locator('#who').textContent(), /viewer, operator/);
  await page.locator('#requests').waitFor();
  await page.goto(`${env.FERRY_URL}/console/#/targets`);
  await page.locator('tr[data-target]').first().waitFor();
});
