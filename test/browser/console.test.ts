import 'reflect-metadata';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startTestApp, uniqueMchid, type TestApp } from '../support/app';
import { admin, rsaPems, uniqueAppid } from '../support/tenancy';
import { givenWechatProvider, orderBody, simulatorOf, type Provider } from '../support/payments';
import { postNotification, wireNotification } from '../support/notifications';
import { registerTenantInSimulator } from '@partnerpay/wxpay-simulator';
import { CONSOLE_DIST } from '../../src/surfaces/console/console.module';
import { EventDispatcher } from '../../src/modules/events/dispatcher';

/**
 * The operator console in a real browser: Debian's Chromium driven by playwright-core (never a
 * browser download) against a running partnerpay with its embedded simulator. Screenshots of each
 * page go to test-results/console/ for a reviewer. Without /usr/bin/chromium the file is skipped
 * locally; CI installs Chromium first (.ci/run), so there it always runs.
 */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SHOTS = join(process.cwd(), 'test-results', 'console');
const missing = !existsSync(CHROMIUM)
  ? `no Chromium at ${CHROMIUM} (apt-get install chromium)`
  : !existsSync(join(CONSOLE_DIST, 'index.html'))
    ? 'console not built (npm run build)'
    : '';
if (missing && process.env.CI) throw new Error(`browser tests need ${missing}`);

let t: TestApp;
let provider: Provider;
let browser: Browser;

before(async () => {
  if (missing) return;
  mkdirSync(SHOTS, { recursive: true });
  t = await startTestApp();
  provider = await givenWechatProvider(t, rsaPems());
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
});
after(async () => {
  await browser?.close();
  await t?.close();
});

// Generous: a loaded CI machine renders the console slowly; still bounded, so a broken page fails rather than hangs.
const bounded = { timeout: 30_000 };

async function signIn(page: Page, token: string): Promise<void> {
  await page.goto(`${t.baseUrl}/console/`);
  await page.getByLabel(/operator token|运营令牌/i).fill(token);
  await page.getByRole('button', { name: /sign in|登\s?录/i }).click();
  await page.getByTestId('operator').waitFor(bounded);
}

async function shot(page: Page, name: string): Promise<void> {
  await page.waitForLoadState('networkidle', bounded).catch(() => undefined);
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
}

async function goTo(page: Page, hash: string): Promise<void> {
  await page.goto(`${t.baseUrl}/console/#/${hash}`);
}

test(
  'When an admin runs the platform from the console, then tenant, secret key, paid order, refused notification and redeliver all work',
  { skip: missing || false },
  async () => {
    const context = await browser.newContext({ locale: 'en-US' });
    const page = await context.newPage();
    try {
      await signIn(page, t.config.security.adminToken);
      await page
        .getByRole('radio', { name: 'EN' })
        .check({ force: true })
        .catch(() => page.getByText('EN', { exact: true }).click());
      await shot(page, '01-dashboard');

      // Create a tenant; its secret key is shown once.
      const subMchid = uniqueMchid();
      const appid = uniqueAppid();
      await goTo(page, 'tenants');
      await page.getByRole('button', { name: 'New tenant' }).click();
      const dialog = page.getByRole('dialog');
      await dialog.getByLabel('sp_mchid').click();
      await page.getByTitle(new RegExp(provider.spMchid)).click();
      await dialog.getByLabel('sub_mchid').fill(subMchid);
      await dialog.getByLabel('Name').fill('Console Toys');
      await dialog.getByLabel('appid').fill(appid);
      await dialog.getByRole('button', { name: 'Create' }).click();
      const secretKey = (await page.getByTestId('secret-once').first().textContent(bounded))!.trim();
      assert.match(secretKey, /^sk_/);
      await shot(page, '02-tenant-created');
      await page.reload();
      assert.equal(await page.getByTestId('secret-once').count(), 0, 'the secret key is shown once only');
      registerTenantInSimulator(simulatorOf(t), {
        sp_mchid: provider.spMchid,
        sub_mchid: subMchid,
        apps: [{ appid, dev_mode: 'outsourced' }],
      });

      // An order through the tenant API, paid in the simulator, is found paid in the console.
      const tenantAuth: [string, string] = ['Authorization', `Bearer ${secretKey}`];
      const body = orderBody({ id: '', subMchid, appid, secretKey, webhookSecret: '', auth: tenantAuth });
      const created = await request(t.http)
        .post('/v1/orders')
        .set(...tenantAuth)
        .send(body);
      assert.equal(created.status, 201, JSON.stringify(created.body));
      await simulatorOf(t).pay({ prepay_id: created.body.order.prepay_id });
      await goTo(page, 'orders');
      await page.getByLabel('Search').fill(String(body.out_trade_no));
      await page.getByRole('button', { name: 'Search' }).first().click();
      // The table lists other paid orders until the search answers: look in this order's row only.
      await page
        .getByTestId('orders-table')
        .getByRole('row', { name: new RegExp(String(body.out_trade_no)) })
        .getByText('SUCCESS')
        .waitFor(bounded);
      await page.getByText(String(body.out_trade_no)).first().click();
      await page.getByText('order.paid').first().waitFor(bounded);
      await shot(page, '03-order-paid');

      // A forged notification is refused, and the console names the check that refused it.
      const tenantId =
        created.body.order.tenant_id ??
        (
          await request(t.http)
            .get('/admin/v1/tenants?limit=100')
            .set(...admin(t))
        ).body.data.find((x: { sub_mchid: string }) => x.sub_mchid === subMchid).id;
      const forged = wireNotification(
        t,
        provider,
        'TRANSACTION.SUCCESS',
        { out_trade_no: body.out_trade_no },
        { tamper: { badSignature: true } },
      );
      const refused = await postNotification(t, tenantId, 'transactions', forged);
      assert.ok(refused.status >= 400 && refused.status < 500, `forged notification answered ${refused.status}`);
      await goTo(page, 'notifications');
      await page.getByRole('combobox', { name: /outcome/ }).click();
      await page.getByTitle('refused').click();
      await page.getByRole('button', { name: 'Search' }).click();
      await page.getByTestId('notifications-table').getByText('refused').first().waitFor(bounded);
      await shot(page, '04-notifications-refused');

      // The order.paid event (no webhook_url: its attempt failed) is redelivered from the console.
      await t.app.container.resolve(EventDispatcher).runOnce();
      await goTo(page, 'events');
      await page.getByTestId('events-table').getByText('order.paid').first().waitFor(bounded);
      await page.getByTestId('events-table').locator('a').first().click();
      await page.getByRole('button', { name: 'Redeliver' }).click();
      await page.getByTestId('event-status').getByText('pending').waitFor(bounded);
      await shot(page, '05-event-redelivered');

      for (const p of ['providers', 'refunds', 'audit', 'operators']) {
        await goTo(page, p);
        await shot(page, `06-${p}`);
      }
    } finally {
      await context.close();
    }
  },
);

test(
  'When a viewer signs in, then no page offers a write control; a bad token stays on sign-in with the API message',
  { skip: missing || false },
  async () => {
    const op = await request(t.http)
      .post('/admin/v1/operators')
      .set(...admin(t))
      .send({ name: 'Read Only', role: 'viewer' });
    assert.equal(op.status, 201);
    const context = await browser.newContext({ locale: 'en-US' });
    const page = await context.newPage();
    try {
      await page.goto(`${t.baseUrl}/console/`);
      await page.getByLabel(/operator token|运营令牌/i).fill('op_not_a_real_token');
      await page.getByRole('button', { name: /sign in|登\s?录/i }).click();
      await page
        .getByRole('alert')
        .getByText(/UNAUTHENTICATED/)
        .waitFor(bounded);

      await signIn(page, op.body.token);
      await goTo(page, 'tenants');
      await page.getByRole('table').waitFor(bounded);
      assert.equal(await page.getByRole('button', { name: /New tenant|新建特约商户/ }).count(), 0);
      await goTo(page, 'events');
      await page.getByTestId('events-table').locator('a').first().click();
      await page.getByTestId('event-status').waitFor(bounded);
      assert.equal(await page.getByRole('button', { name: /Redeliver|重新推送/ }).count(), 0);
      await goTo(page, 'operators');
      assert.equal(await page.getByRole('button', { name: /New operator|新建运营人员/ }).count(), 0);
      await shot(page, '07-viewer');
    } finally {
      await context.close();
    }
  },
);
