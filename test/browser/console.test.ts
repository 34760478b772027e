import 'reflect-metadata';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { settledScreenshot } from '../support/screenshot';
import { startTestApp, uniqueMchid, type TestApp } from '../support/app';
import { admin, rsaPems, uniqueAppid } from '../support/tenancy';
import { givenWechatProvider, orderBody, outTradeNo, simulatorOf, type Provider } from '../support/payments';
import { postNotification, wireNotification } from '../support/notifications';
import { registerTenantInSimulator } from '@partnerpay/wxpay-simulator';
import { EventDispatcher } from '../../src/modules/events/dispatcher';

/**
 * The operator console in a real browser: Debian's Chromium driven by playwright-core (never a
 * browser download) against a running partnerpay with its embedded simulator. Every wait is bounded,
 * and the tests look only at the rows they made (CI's database is shared by every test file).
 * Screenshots of every page go to test-results/console/ for a reviewer. Without /usr/bin/chromium
 * the browser tests are skipped locally; CI installs Chromium first (.ci/run), so there they always run.
 */
const ROOT = join(__dirname, '..', '..', '..');
const CONSOLE_DIST = join(ROOT, 'console', 'dist');
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
  console.log(`# chromium ${browser.version()}`);
});
after(async () => {
  await browser?.close();
  await t?.close();
});

// Generous: a loaded CI machine renders the console slowly; still bounded, so a broken page fails rather than hangs.
const bounded = { timeout: 30_000 };

/** A context in the given console language (the choice is kept in localStorage, as the language switch keeps it). */
async function newContext(lang: 'en' | 'zh' | null = 'en'): Promise<BrowserContext> {
  // Reduced motion: antd's selects and popconfirms open without animating (the console honours the setting); at
  // load a click during an opening animation was lost (a Select's option, a Popconfirm's Confirm).
  const context = await browser.newContext({ locale: 'en-US', viewport: { width: 1400, height: 900 }, reducedMotion: 'reduce' });
  if (lang) await context.addInitScript(`localStorage.setItem('partnerpay.lang', '${lang}')`);
  return context;
}

async function signIn(page: Page, token: string): Promise<void> {
  await page.goto(`${t.baseUrl}/console/`);
  await page.getByLabel(/operator token|运营令牌/i).fill(token);
  await page.getByRole('button', { name: /sign in|登\s?录/i }).click();
  await page.getByTestId('operator').waitFor(bounded);
}

/** Opens a console page and waits until its data is shown (the router renders a page only once its loader has answered). */
async function open(page: Page, path: string): Promise<void> {
  await page.goto(`${t.baseUrl}/console${path}`);
  await page.locator('main[aria-busy="false"] h1').first().waitFor(bounded);
}

async function shot(page: Page, name: string): Promise<void> {
  await settledScreenshot(page, join(SHOTS, `${name}.png`));
}

/** A paid order of a fresh tenant of the test's provider, with its secret key. */
async function paidOrder(subMchid: string, appid: string, secretKey: string, total = 100) {
  const auth: [string, string] = ['Authorization', `Bearer ${secretKey}`];
  const body = orderBody({ id: '', subMchid, appid, secretKey, webhookSecret: '', auth }, { amount: { total, currency: 'CNY' } });
  const created = await request(t.http)
    .post('/v1/orders')
    .set(...auth)
    .send(body);
  assert.equal(created.status, 201, JSON.stringify(created.body));
  await simulatorOf(t).pay({ prepay_id: created.body.order.prepay_id });
  return {
    auth,
    outTradeNo: String(body.out_trade_no),
    order: created.body.order as { id: string; tenant_id?: string; prepay_id: string },
  };
}

/** Polls the admin API (bounded) until the order satisfies `done`. */
async function orderUntil(id: string, done: (o: Record<string, unknown>) => boolean): Promise<Record<string, unknown>> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const res = await request(t.http)
      .get(`/admin/v1/orders/${id}`)
      .set(...admin(t));
    if (res.status === 200 && done(res.body.order)) return res.body.order;
    if (Date.now() > deadline) throw new Error(`order ${id} never got there: ${JSON.stringify(res.body)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

test('The zh and en dictionaries have the same keys, and each message the same placeholders', () => {
  const read = (lang: string) =>
    JSON.parse(readFileSync(join(ROOT, 'console', 'src', 'i18n', `${lang}.json`), 'utf8')) as Record<string, string>;
  const zh = read('zh');
  const en = read('en');
  assert.deepEqual(Object.keys(en).sort(), Object.keys(zh).sort());
  const holes = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
  for (const key of Object.keys(zh)) {
    assert.deepEqual(holes(en[key]), holes(zh[key]), `placeholders of ${key}`);
    assert.ok(zh[key].trim() && en[key].trim(), `${key} is empty`);
  }
});

test(
  'When an admin runs the platform from the console, then tenant, secret key, paid order in yuan, refused notification and redeliver all work',
  { skip: missing || false },
  async () => {
    const context = await newContext(null);
    const page = await context.newPage();
    try {
      // Chinese by default, <html lang> follows the choice, and the choice is kept.
      await signIn(page, t.config.security.adminToken);
      assert.equal(await page.locator('html').getAttribute('lang'), 'zh-CN');
      await page.getByText('EN', { exact: true }).click();
      await page.getByRole('heading', { name: 'Dashboard' }).waitFor(bounded);
      assert.equal(await page.locator('html').getAttribute('lang'), 'en-US');
      assert.equal(await page.title(), 'Dashboard · partnerpay operator console');
      await shot(page, '01-dashboard');

      // Create a tenant; its secret key is shown once.
      const subMchid = uniqueMchid();
      const appid = uniqueAppid();
      await open(page, '/tenants');
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
      await page
        .getByTestId('feedback')
        .getByText(/Tenant Console Toys \(ten_/)
        .waitFor(bounded);
      await shot(page, '02-tenant-created');
      await page.reload();
      await page.locator('main[aria-busy="false"] h1').waitFor(bounded);
      assert.equal(await page.getByTestId('secret-once').count(), 0, 'the secret key is shown once only');
      registerTenantInSimulator(simulatorOf(t), {
        sp_mchid: provider.spMchid,
        sub_mchid: subMchid,
        apps: [{ appid, dev_mode: 'outsourced' }],
      });

      // An order through the tenant API, paid in the simulator, is found paid in the console, its money in yuan.
      const paid = await paidOrder(subMchid, appid, secretKey, 100);
      const refund = await request(t.http)
        .post('/v1/refunds')
        .set(...paid.auth)
        .send({ out_trade_no: paid.outTradeNo, out_refund_no: outTradeNo('R'), amount: { refund: 50 } });
      assert.equal(refund.status, 201, JSON.stringify(refund.body));
      await simulatorOf(t).finishRefund({ out_refund_no: refund.body.refund.out_refund_no, sub_mchid: subMchid, status: 'SUCCESS' });
      const order = await orderUntil(paid.order.id, (o) => o.refunded_total === 50);
      const tenantId = String(order.tenant_id);

      await open(page, '/orders');
      await page.getByLabel('out_trade_no').fill(paid.outTradeNo);
      await page.getByRole('button', { name: 'Search' }).click();
      // The table lists other orders until the search answers: look in this order's row only.
      const row = page.getByTestId('orders-table').getByRole('row', { name: new RegExp(paid.outTradeNo) });
      await row.getByText('REFUND').waitFor(bounded);
      await row.getByText('CN¥1.00').waitFor(bounded);
      await row.getByRole('cell', { name: 'JSAPI', exact: true }).waitFor(bounded);
      await row.getByText('CN¥0.50').waitFor(bounded);
      assert.match(page.url(), new RegExp(`out_trade_no=${paid.outTradeNo}`), 'the search is in the URL');
      await row.getByRole('link', { name: paid.outTradeNo }).click();
      await page.getByText('order.paid').first().waitFor(bounded);
      assert.equal((await page.getByTestId('refunded-total').textContent())?.trim(), 'CN¥0.50', 'refunded_total 50 is ¥0.50, never 50');
      await page.getByRole('cell', { name: 'CN¥1.00' }).first().waitFor(bounded);
      await shot(page, '03-order-detail');

      // A forged notification is refused, and the console names the check that refused it.
      const forged = wireNotification(
        t,
        provider,
        'TRANSACTION.SUCCESS',
        { out_trade_no: paid.outTradeNo },
        { tamper: { badSignature: true } },
      );
      const refused = await postNotification(t, tenantId, 'transactions', forged);
      assert.ok(refused.status >= 400 && refused.status < 500, `forged notification answered ${refused.status}`);
      await open(page, `/notifications?tenant_id=${tenantId}`);
      await page.getByRole('combobox', { name: 'outcome' }).click();
      await page.getByTitle('refused').click();
      await page.getByRole('button', { name: 'Search' }).click();
      await page.getByTestId('notifications-table').getByText('bad_signature').first().waitFor(bounded);
      await shot(page, '04-notifications-refused');

      // The tenant has no webhook_url, so its order.paid delivery failed; redeliver names the result.
      await t.app.container.resolve(EventDispatcher).runOnce();
      await open(page, `/events?tenant_id=${tenantId}&type=order.paid`);
      await page.getByTestId('events-table').getByText('order.paid').first().waitFor(bounded);
      await page.getByTestId('events-table').getByRole('link', { name: /^evt_/ }).first().click();
      await page.getByTestId('event-status').waitFor(bounded);
      await page.getByRole('button', { name: 'Redeliver' }).click();
      await page
        .getByTestId('feedback')
        .getByText(/queued for delivery: status pending/)
        .waitFor(bounded);
      await page.getByTestId('event-status').getByText('pending').waitFor(bounded);
      await shot(page, '05-event-redelivered');

      // Every other page, for the reviewer.
      const pages: [string, string][] = [
        ['06-providers', '/providers'],
        ['07-provider', `/providers/${provider.spMchid}`],
        ['08-tenants', '/tenants'],
        ['09-tenant-settings', `/tenants/${tenantId}`],
        ['10-tenant-apps', `/tenants/${tenantId}?tab=apps`],
        ['11-tenant-keys', `/tenants/${tenantId}?tab=keys`],
        ['12-tenant-receivers', `/tenants/${tenantId}?tab=receivers`],
        ['13-tenant-settlement', `/tenants/${tenantId}?tab=settlement`],
        ['14-tenant-compliance', `/tenants/${tenantId}?tab=compliance`],
        ['15-applyments', '/applyments'],
        ['16-applyment-new', '/applyments/new'],
        ['17-orders', `/orders?tenant_id=${tenantId}`],
        ['18-refunds', `/refunds?tenant_id=${tenantId}`],
        ['19-events', `/events?tenant_id=${tenantId}`],
        ['20-reconciliations', '/reconciliations'],
        ['21-profit-sharing', `/profit-sharing?tenant_id=${tenantId}`],
        ['22-audit', '/audit'],
        ['23-operators', '/operators'],
        ['36-complaints', '/complaints'],
        ['37-open-platforms', '/open-platforms'],
      ];
      for (const [name, path] of pages) {
        await open(page, path);
        await shot(page, name);
      }

      // A reconciliation started from the console opens its run and says so.
      await open(page, '/reconciliations');
      await page.getByRole('button', { name: 'Reconcile a day' }).click();
      const recDialog = page.getByRole('dialog');
      await recDialog.getByLabel('sp_mchid').click();
      await page.getByTitle(new RegExp(provider.spMchid)).click();
      await recDialog.getByRole('button', { name: 'Reconcile a day' }).click();
      await page
        .getByTestId('feedback')
        .getByText(/Reconciliation rec_/)
        .waitFor(bounded);
      await shot(page, '24-reconciliation');
    } catch (e) {
      await page.screenshot({ path: join(SHOTS, 'FAILED.png'), fullPage: true }).catch(() => undefined);
      throw e;
    } finally {
      await context.close();
    }
  },
);

test(
  'When an admin mints a platform key on the provider page, then it is shown once with a copy button, listed by prefix, and revoked after asking',
  { skip: missing || false },
  async () => {
    const context = await newContext('en');
    const page = await context.newPage();
    try {
      await signIn(page, t.config.security.adminToken);
      await open(page, `/providers/${provider.spMchid}`);
      await page.getByTestId('platform-key-create').click();
      const dialog = page.getByRole('dialog');
      await dialog.getByLabel('Name').fill('combined checkout');
      await dialog.getByRole('button', { name: 'Create' }).click();
      const key = (await page.getByTestId('secret-once').first().textContent(bounded))!.trim();
      assert.match(key, /^pk_/);
      const feedback = await page
        .getByTestId('feedback')
        .getByText(/Platform key .+… created/)
        .textContent(bounded);
      const prefix = /Platform key (.+)… created/.exec(feedback ?? '')![1];
      assert.ok(key.startsWith(prefix), `the prefix ${prefix} is the key's start`);
      await page.getByRole('button', { name: 'Copy' }).first().waitFor(bounded);
      const row = page.getByTestId('platform-keys-table').getByRole('row', { name: new RegExp(`combined checkout`) });
      await row.getByText(`${prefix}…`).waitFor(bounded);
      await row.getByText('active').waitFor(bounded);
      await shot(page, '27-platform-key-created');

      // The list never shows the key again, and neither does a reload.
      const listed = await request(t.http)
        .get(`/admin/v1/service-providers/${provider.spMchid}/platform-keys`)
        .set(...admin(t));
      assert.equal(listed.status, 200);
      assert.ok(!JSON.stringify(listed.body).includes(key), 'the list never carries the key');
      await page.reload();
      await page.locator('main[aria-busy="false"] h1').waitFor(bounded);
      assert.equal(await page.getByTestId('secret-once').count(), 0, 'the platform key is shown once only');

      await row.getByRole('button', { name: 'Revoke' }).click();
      await page.getByText(`Revoke platform key ${prefix}…?`).waitFor(bounded);
      await page.getByRole('button', { name: 'Confirm' }).click();
      await page.getByTestId('feedback').getByText(`Platform key ${prefix}… revoked`).waitFor(bounded);
      await row.getByRole('button', { name: 'Revoke' }).waitFor({ state: 'detached', timeout: bounded.timeout });
      const after = await request(t.http)
        .get(`/admin/v1/service-providers/${provider.spMchid}/platform-keys`)
        .set(...admin(t));
      const mine = (after.body.data as { prefix: string; revoked_at: string | null }[]).find((k) => k.prefix === prefix);
      assert.ok(mine?.revoked_at, 'the API has it revoked');
      await shot(page, '28-platform-key-revoked');
    } catch (e) {
      await page.screenshot({ path: join(SHOTS, 'FAILED.png'), fullPage: true }).catch(() => undefined);
      throw e;
    } finally {
      await context.close();
    }
  },
);

test(
  'When a viewer signs in, then no page offers a write control; a bad token stays on sign-in with the API message; a revoked one returns to sign-in',
  { skip: missing || false },
  async () => {
    const op = await request(t.http)
      .post('/admin/v1/operators')
      .set(...admin(t))
      .send({ name: 'Read Only', role: 'viewer' });
    assert.equal(op.status, 201);
    const tenants = await request(t.http)
      .get('/admin/v1/tenants?limit=1')
      .set(...admin(t));
    const someTenant = tenants.body.data[0]?.id as string | undefined;
    const context = await newContext('en');
    const page = await context.newPage();
    try {
      await page.goto(`${t.baseUrl}/console/`);
      assert.equal(await page.locator('html').getAttribute('lang'), 'en-US');
      await page.getByLabel(/operator token|运营令牌/i).fill('op_not_a_real_token');
      await page.getByRole('button', { name: /sign in|登\s?录/i }).click();
      await page
        .getByRole('alert')
        .getByText(/UNAUTHENTICATED/)
        .waitFor(bounded);
      await page.getByTestId('request-id').waitFor(bounded);

      await signIn(page, op.body.token);
      const writeButtons =
        /New tenant|Add a provider|Replace credentials|New application|Reconcile a day|Rerun|New operator|Revoke|Redeliver|Save|Suspend|New secret key|Rotate|Bind an app|Add a receiver|Unbind|Resubmit|Change settlement|New platform key/;
      const paths = [
        '/tenants',
        '/providers',
        `/providers/${provider.spMchid}`,
        '/applyments',
        '/reconciliations',
        '/operators',
        '/events',
      ];
      if (someTenant) paths.push(...['settings', 'apps', 'keys', 'receivers'].map((tab) => `/tenants/${someTenant}?tab=${tab}`));
      for (const path of paths) {
        await open(page, path);
        assert.equal(await page.getByRole('button', { name: writeButtons }).count(), 0, `a write control on ${path}`);
      }
      await open(page, '/events');
      const firstEvent = page.getByTestId('events-table').getByRole('link', { name: /^evt_/ }).first();
      if (await firstEvent.count()) {
        await firstEvent.click();
        await page.getByTestId('event-status').waitFor(bounded);
        assert.equal(await page.getByRole('button', { name: /Redeliver|重新推送/ }).count(), 0);
      }
      await shot(page, '25-viewer');

      // Revoked meanwhile: the next page's 401 returns the tab to sign-in (a 403 would not).
      const revoked = await request(t.http)
        .delete(`/admin/v1/operators/${op.body.id}`)
        .set(...admin(t));
      assert.equal(revoked.status, 204);
      await page.getByRole('link', { name: 'Tenants' }).click();
      await page.getByLabel(/operator token|运营令牌/i).waitFor(bounded);
      assert.match(page.url(), /\/console\/sign-in/);
      await shot(page, '26-signed-out');
    } catch (e) {
      await page.screenshot({ path: join(SHOTS, 'FAILED.png'), fullPage: true }).catch(() => undefined);
      throw e;
    } finally {
      await context.close();
    }
  },
);
