import 'reflect-metadata';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { chromium, type Browser, type Page } from 'playwright-core';
import { expectFeedback, settledScreenshot } from '../support/screenshot';
import { startTestApp, type TestApp } from '../support/app';
import { admin, rsaPems } from '../support/tenancy';
import { givenWechatProvider, givenWechatTenant, orderBody, simulatorOf, type Provider, type Tenant } from '../support/payments';

/**
 * The operator's writes in the console: refund and close (contract "Operator actions on payments"),
 * inviting portal users, the provider's complaint URL, an open-platform account and an AppSecret
 * rotation; in Debian's Chromium as console.test.ts runs it: bounded waits, screenshots to
 * test-results/console/.
 */
const ROOT = join(__dirname, '..', '..', '..');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SHOTS = join(process.cwd(), 'test-results', 'console');
const missing = !existsSync(CHROMIUM)
  ? `no Chromium at ${CHROMIUM} (apt-get install chromium)`
  : !existsSync(join(ROOT, 'console', 'dist', 'index.html'))
    ? 'console not built (npm run build)'
    : '';
if (missing && process.env.CI) throw new Error(`browser tests need ${missing}`);

let t: TestApp;
let provider: Provider;
let tenant: Tenant;
let browser: Browser;
const bounded = { timeout: 30_000 };

before(async () => {
  if (missing) return;
  mkdirSync(SHOTS, { recursive: true });
  t = await startTestApp();
  provider = await givenWechatProvider(t, rsaPems());
  tenant = await givenWechatTenant(t, provider);
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run'] });
});
after(async () => {
  await browser?.close();
  await t?.close();
});

async function order(paid: boolean): Promise<{ id: string; outTradeNo: string }> {
  const body = orderBody(tenant);
  const res = await request(t.http)
    .post('/v1/orders')
    .set(...tenant.auth)
    .send(body);
  assert.equal(res.status, 201, JSON.stringify(res.body));
  if (paid) await simulatorOf(t).pay({ prepay_id: res.body.order.prepay_id });
  return { id: res.body.order.id, outTradeNo: String(body.out_trade_no) };
}

async function openAs(token: string, path: string): Promise<Page> {
  // Reduced motion: antd's selects and popconfirms open without animating (the console honours the setting); at
  // load a click during an opening animation was lost (a Select's option, a Popconfirm's Confirm).
  const context = await browser.newContext({ locale: 'en-US', viewport: { width: 1400, height: 900 }, reducedMotion: 'reduce' });
  await context.addInitScript(`localStorage.setItem('partnerpay.lang', 'en')`);
  const page = await context.newPage();
  await page.goto(`${t.baseUrl}/console/`);
  await page.getByLabel(/operator token/i).fill(token);
  await page.getByRole('button', { name: /sign in/i }).click();
  await page.getByTestId('operator').waitFor(bounded);
  await page.goto(`${t.baseUrl}/console${path}`);
  await page.locator('main[aria-busy="false"] h1').first().waitFor(bounded);
  return page;
}

test(
  'When an admin refunds part of a paid order and closes an unpaid one in the console, then each is confirmed and the API agrees',
  { skip: missing || false },
  async () => {
    const paid = await order(true);
    const page = await openAs(t.config.security.adminToken, `/orders/${paid.id}`);
    try {
      await page.getByTestId('order-refund').click();
      const dialog = page.getByRole('dialog');
      await dialog.getByLabel('Amount to refund (yuan)').fill('0.30');
      await dialog.getByLabel(/Reason/).fill('顾客退货');
      await settledScreenshot(page, join(SHOTS, '30-operator-refund-dialog.png'));
      await dialog.getByRole('button', { name: 'Refund' }).click();
      await expectFeedback(page, /of CN¥0\.30 sent to WeChat Pay: status PROCESSING/, join(SHOTS, 'failed-operator-refund.png'));
      await page.getByRole('cell', { name: 'CN¥0.30' }).first().waitFor(bounded);
      await settledScreenshot(page, join(SHOTS, '31-operator-refunded.png'));
      const refunds = await request(t.http)
        .get(`/admin/v1/refunds?out_trade_no=${paid.outTradeNo}`)
        .set(...admin(t));
      assert.equal(refunds.body.data.length, 1);
      assert.equal(refunds.body.data[0].amount.refund, 30);

      const unpaid = await order(false);
      await page.goto(`${t.baseUrl}/console/orders/${unpaid.id}`);
      await page.locator('main[aria-busy="false"] h1').first().waitFor(bounded);
      await page.getByTestId('order-close').click();
      await page.getByRole('button', { name: 'Confirm' }).click();
      await expectFeedback(
        page,
        new RegExp(`Order ${unpaid.outTradeNo} closed: trade_state CLOSED`),
        join(SHOTS, 'failed-operator-close.png'),
      );
      await settledScreenshot(page, join(SHOTS, '32-operator-closed.png'));
      const seen = await request(t.http)
        .get(`/v1/orders/${unpaid.outTradeNo}`)
        .set(...tenant.auth);
      assert.equal(seen.body.order.trade_state, 'CLOSED');
    } catch (e) {
      await page.screenshot({ path: join(SHOTS, 'FAILED-operator-actions.png'), fullPage: true }).catch(() => undefined);
      throw e;
    } finally {
      await page.context().close();
    }
  },
);

test('When a viewer opens a paid or an unpaid order, then neither refund nor close is offered', { skip: missing || false }, async () => {
  const op = await request(t.http)
    .post('/admin/v1/operators')
    .set(...admin(t))
    .send({ name: 'Viewer Vic', role: 'viewer' });
  assert.equal(op.status, 201);
  const paid = await order(true);
  const unpaid = await order(false);
  const page = await openAs(op.body.token, `/orders/${paid.id}`);
  try {
    assert.equal(await page.getByTestId('order-refund').count(), 0);
    await page.goto(`${t.baseUrl}/console/orders/${unpaid.id}`);
    await page.locator('main[aria-busy="false"] h1').first().waitFor(bounded);
    assert.equal(await page.getByTestId('order-close').count(), 0);
    assert.equal(await page.getByRole('button', { name: /Refund|Close order/ }).count(), 0);
  } finally {
    await page.context().close();
  }
});

test(
  "When an admin invites a portal user from the tenant's page, then the one-time link is shown and the user is listed as invited",
  { skip: missing || false },
  async () => {
    const page = await openAs(t.config.security.adminToken, `/tenants/${tenant.id}?tab=users`);
    try {
      const login = `console.${Date.now().toString(36)}@shop.example`;
      await page.getByTestId('user-invite').click();
      const dialog = page.getByRole('dialog');
      await dialog.getByLabel('Login').fill(login);
      await dialog.getByRole('button', { name: 'Invite a portal user' }).click();
      await page.getByTestId('feedback').getByText(`${login} invited`).waitFor(bounded);
      const link = (await page.getByTestId('secret-once').first().textContent(bounded))!.trim();
      assert.match(link, /\/portal\/invitation#inv_/);
      await page.getByRole('cell', { name: login }).waitFor(bounded);
      await settledScreenshot(page, join(SHOTS, '33-tenant-users.png'));
    } finally {
      await page.context().close();
    }
  },
);

test(
  "When an admin registers and deletes the provider's complaint URL, registers an open platform and rotates an AppSecret, then each shows its result",
  { skip: missing || false },
  async () => {
    const page = await openAs(t.config.security.adminToken, `/providers/${provider.spMchid}`);
    try {
      await page
        .getByTestId('complaint-url')
        .getByText(/None registered/)
        .waitFor(bounded);
      await page.getByTestId('complaint-url-save').click();
      await page.getByRole('dialog').getByRole('button', { name: 'Save' }).click();
      const url = `/notify/sp/${provider.spMchid}/complaints`;
      await page.getByTestId('feedback').getByText(`WeChat Pay now notifies complaints to`).waitFor(bounded);
      await page.getByTestId('complaint-url').getByText(url, { exact: false }).waitFor(bounded);
      await settledScreenshot(page, join(SHOTS, '34-provider-complaint-url.png'));
      await page.getByRole('button', { name: 'Remove' }).click();
      await page.getByRole('button', { name: 'Confirm' }).click();
      await page.getByTestId('feedback').getByText(`Complaint URL of ${provider.spMchid} deleted`).waitFor(bounded);
      await page
        .getByTestId('complaint-url')
        .getByText(/None registered/)
        .waitFor(bounded);

      const appid = `wx${Date.now().toString(36).padStart(16, '0').slice(-16)}`;
      await page.goto(`${t.baseUrl}/console/open-platforms`);
      await page.getByTestId('open-platform-register').click();
      const dialog = page.getByRole('dialog');
      await dialog.getByLabel('component_appid').fill(appid);
      await dialog.getByLabel('Name').fill('ISV 第三方平台');
      await dialog.getByLabel('component_appsecret').fill('A'.repeat(32));
      await dialog.getByLabel(/Message token/).fill('tok3n');
      await dialog.getByLabel(/EncodingAESKey/).fill('b'.repeat(43));
      await dialog.getByRole('button', { name: 'Save' }).click();
      await page.getByTestId('feedback').getByText(`Open platform ${appid} registered`).waitFor(bounded);
      await page.getByTestId('open-platforms-table').getByRole('link', { name: appid }).waitFor(bounded);
      await settledScreenshot(page, join(SHOTS, '35-open-platform-registered.png'));

      await page.goto(`${t.baseUrl}/console/tenants/${tenant.id}?tab=apps`);
      await page
        .getByRole('button', { name: /(Set|Rotate) AppSecret/ })
        .first()
        .click();
      await page.getByRole('dialog').getByLabel('AppSecret').fill('C'.repeat(32));
      await page.getByRole('dialog').getByRole('button', { name: 'Save' }).click();
      await page
        .getByTestId('feedback')
        .getByText(/AppSecret of wx\w+ (set|rotated)/)
        .waitFor(bounded);
      await page.getByRole('button', { name: 'Rotate AppSecret' }).first().waitFor(bounded);
      await settledScreenshot(page, join(SHOTS, '36-app-secret-rotated.png'));
      const audit = await request(t.http)
        .get('/admin/v1/audit-log')
        .set(...admin(t))
        .query({ limit: 100 });
      const actions = (audit.body.data as Array<{ action: string }>).map((e) => e.action);
      assert.ok(actions.includes('complaint_url.create'), actions.join(','));
    } catch (e) {
      await page.screenshot({ path: join(SHOTS, 'FAILED-operator-writes.png'), fullPage: true }).catch(() => undefined);
      throw e;
    } finally {
      await page.context().close();
    }
  },
);
