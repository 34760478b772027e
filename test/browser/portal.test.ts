import 'reflect-metadata';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { chromium, type Browser, type Page } from 'playwright-core';
import { settledScreenshot } from '../support/screenshot';
import { startTestApp, type TestApp } from '../support/app';
import { isolatedDatabase } from '../support/isolated-database';
import { admin, rsaPems } from '../support/tenancy';
import { givenWechatProvider, givenWechatTenant, orderBody, simulatorOf, type Provider, type Tenant } from '../support/payments';
import { beijingDay } from '../../src/platform/clock';
import { GOOD_PASSWORD, invite, portalUser } from '../integration/portal/support';
import { raise, registerUrl } from '../integration/complaints/harness';
import { totpCode } from '../../src/modules/portal/totp';

/**
 * The sub-merchant portal at /portal in Debian's Chromium (as console.test.ts runs it): a shop user's
 * day (refund, bill, answering a complaint, events, profit sharing, turning TOTP on), the viewer's
 * absent write controls, the CSRF refusal and the lock-out. Bounded waits;
 * screenshots to test-results/console/ (portal-*.png).
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
let shop: Tenant;
let browser: Browser;
const bounded = { timeout: 30_000 };

// Reconciliation runs are claimed by any app on the same database: each file reconciles in a database of its own.
let db: Awaited<ReturnType<typeof isolatedDatabase>> | undefined;
before(async () => {
  if (missing) return;
  mkdirSync(SHOTS, { recursive: true });
  t = await startTestApp({ db: { url: (db = await isolatedDatabase()).url }, bills: { boundaryMinutes: 0 } });
  provider = await givenWechatProvider(t, rsaPems());
  shop = await givenWechatTenant(t, provider);
  await registerUrl(t, provider);
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run'] });
});
after(async () => {
  await browser?.close();
  await t?.close();
  await db?.drop();
});

async function newPage(): Promise<Page> {
  // Reduced motion: antd's selects and popconfirms open without animating (the console honours the setting); at
  // load a click during an opening animation was lost (a Select's option, a Popconfirm's Confirm).
  const context = await browser.newContext({
    locale: 'en-US',
    viewport: { width: 1400, height: 900 },
    reducedMotion: 'reduce',
    acceptDownloads: true,
  });
  await context.addInitScript(`localStorage.setItem('partnerpay.lang', 'en')`);
  return context.newPage();
}

const shot = (page: Page, name: string) => settledScreenshot(page, join(SHOTS, `portal-${name}.png`));

async function signIn(page: Page, login: string, password = GOOD_PASSWORD): Promise<void> {
  await page.goto(`${t.baseUrl}/portal/sign-in`);
  await page.getByLabel('Login').fill(login);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: /sign in/i }).click();
}

async function paidOrder(total: number): Promise<string> {
  const body = orderBody(shop, { amount: { total, currency: 'CNY' } });
  const res = await request(t.http)
    .post('/v1/orders')
    .set(...shop.auth)
    .send(body);
  assert.equal(res.status, 201, JSON.stringify(res.body));
  await simulatorOf(t).pay({ prepay_id: res.body.order.prepay_id });
  return String(body.out_trade_no);
}

async function reconcileToday(): Promise<string> {
  const day = beijingDay(Date.now());
  const res = await request(t.http)
    .post('/admin/v1/reconciliations')
    .set(...admin(t))
    .send({ sp_mchid: provider.spMchid, bill_date: day, rerun: true });
  assert.equal(res.status, 202, JSON.stringify(res.body));
  const deadline = Date.now() + 20_000;
  for (;;) {
    const run = await request(t.http)
      .get(`/admin/v1/reconciliations/${res.body.reconciliation.id}`)
      .set(...admin(t));
    if (run.body.reconciliation.status === 'done') return day;
    if (Date.now() > deadline) assert.fail(`reconciliation ${run.body.reconciliation.status}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

test(
  "When a shop user accepts the invitation, signs in, finds an order, refunds it, downloads the day's bill, answers a complaint and turns TOTP on, then each step shows its result",
  { skip: missing || false },
  async () => {
    const no = await paidOrder(2500);
    const day = await reconcileToday();
    const inv = await invite(t, shop.id, 'staff');
    const page = await newPage();
    try {
      // The invitation link: the rule is stated, a weak password is refused with it, a good one is set.
      await page.goto(inv.url.replace(/^https?:\/\/[^/]+/, t.baseUrl));
      await page.getByText(/At least 12 characters/).waitFor(bounded);
      await page.getByLabel('Choose a password').fill('short');
      await page.getByRole('button', { name: 'Set password' }).click();
      await page
        .getByRole('alert')
        .getByText(/PARAM_ERROR/)
        .waitFor(bounded);
      await page.getByLabel('Choose a password').fill(GOOD_PASSWORD);
      await page.getByRole('button', { name: 'Set password' }).click();
      await page.getByText(`Password set for ${inv.login}`).waitFor(bounded);
      await shot(page, '01-invitation-accepted');

      await signIn(page, inv.login);
      await page.getByRole('heading', { name: 'Orders' }).waitFor(bounded);
      assert.equal(new URL(page.url()).pathname, '/portal/orders');
      await page.getByLabel('out_trade_no').fill(no);
      await page.getByRole('button', { name: 'Search' }).click();
      const row = page.getByTestId('portal-orders-table').getByRole('row', { name: new RegExp(no) });
      await row.getByText('CN¥25.00').waitFor(bounded);
      await shot(page, '02-orders');
      await row.getByRole('link', { name: no }).click();
      await page.getByTestId('portal-refund').click();
      const dialog = page.getByRole('dialog');
      await dialog.getByLabel('Amount to refund (yuan)').fill('5');
      await dialog.getByRole('button', { name: 'Refund' }).click();
      await page
        .getByTestId('feedback')
        .getByText(/of CN¥5\.00 sent to WeChat Pay: status PROCESSING/)
        .waitFor(bounded);
      await page.getByRole('cell', { name: 'CN¥5.00' }).first().waitFor(bounded);
      await shot(page, '03-refunded');
      const refunds = await request(t.http)
        .get(`/admin/v1/refunds?tenant_id=${shop.id}&out_trade_no=${no}`)
        .set(...admin(t));
      assert.equal(refunds.body.data[0].amount.refund, 500);
      await page.getByRole('link', { name: 'Refunds' }).click();
      await page.getByLabel('out_trade_no').fill(no);
      await page.getByRole('button', { name: 'Search' }).click();
      const refundRow = page.getByTestId('portal-refunds-table').getByRole('row', { name: new RegExp(no) });
      await refundRow.getByText('CN¥5.00').waitFor(bounded);
      await refundRow.getByText('CN¥25.00').waitFor(bounded);
      await shot(page, '03-refunds');

      await page.getByRole('link', { name: 'Bills' }).click();
      await page.getByLabel('Day').fill(day);
      const downloading = page.waitForEvent('download', bounded);
      await page.getByTestId('bill-download').click();
      const file = await downloading;
      const saved = join(SHOTS, `portal-bill-${day}.csv`);
      await file.saveAs(saved);
      const csv = readFileSync(saved, 'utf8');
      assert.ok(csv.includes(`\`${no},`), 'the paid order is in the downloaded bill');
      await page.getByTestId('feedback').getByText(`Bill of ${day} downloaded`).waitFor(bounded);
      await shot(page, '04-bill');
      await page.getByRole('link', { name: 'Onboarding' }).click();
      await page.getByText(shop.subMchid).waitFor(bounded);
      await shot(page, '05-onboarding');

      // A buyer complains about the order: the shop answers before the deadline, from the complaint's page.
      const complaint = await raise(t, provider, shop.subMchid, { out_trade_no: no });
      await page.getByRole('link', { name: 'Complaints' }).click();
      const complaintLink = page.getByTestId('portal-complaints-table').getByRole('link', { name: complaint.complaint_id });
      await complaintLink.waitFor(bounded);
      await shot(page, '08-complaints');
      await complaintLink.click();
      await page.getByTestId('respond-by').waitFor(bounded);
      await page.getByRole('link', { name: no }).waitFor(bounded);
      await page.getByTestId('complaint-respond').click();
      const answer = page.getByRole('dialog');
      await answer.getByLabel(/Your answer/).fill('您好，已为您退款 5 元，如有问题请联系门店。');
      await answer.getByRole('button', { name: 'Send' }).click();
      await page
        .getByTestId('feedback')
        .getByText(`Answer to ${complaint.complaint_id} sent to WeChat Pay: now PROCESSING`)
        .waitFor(bounded);
      await page.getByRole('cell', { name: '您好，已为您退款 5 元，如有问题请联系门店。' }).waitFor(bounded);
      await shot(page, '09-complaint-answered');
      const seen = await request(t.http)
        .get(`/admin/v1/complaints/${complaint.complaint_id}`)
        .set(...admin(t));
      assert.equal(seen.body.complaint.complaint_state, 'PROCESSING');

      await page.getByRole('link', { name: 'Events' }).click();
      await page.getByTestId('portal-events-table').getByText('complaint.created').first().waitFor(bounded);
      await shot(page, '10-events');
      await page.getByRole('link', { name: 'Profit sharing' }).click();
      await page.getByTestId('portal-splits-table').waitFor(bounded);
      await shot(page, '11-profit-sharing');

      // Two-step sign-in: start, scan (here: read the secret), confirm with the current code.
      await page.getByRole('link', { name: 'Sign-in security' }).click();
      await page.getByTestId('totp-begin').click();
      const secret = (await page.getByTestId('totp-secret').textContent({ timeout: 30_000 }))!.trim();
      await page.getByLabel('Authenticator code').fill(totpCode(secret, Date.now()));
      await shot(page, '12-totp-setup');
      await page.getByTestId('totp-confirm').click();
      await page.getByTestId('totp-state').getByText('on').waitFor(bounded);
      await shot(page, '13-totp-on');
      const withoutCode = await request(t.http).post('/portal/v1/session').send({ login: inv.login, password: GOOD_PASSWORD });
      assert.equal(withoutCode.status, 401, 'a sign-in without the code is refused once TOTP is on');
    } catch (e) {
      await shot(page, 'FAILED-day').catch(() => undefined);
      throw e;
    } finally {
      await page.context().close();
    }
  },
);

test(
  'When a viewer opens a paid order or a complaint, then no refund or answer is offered; a write without the CSRF token is refused 403',
  { skip: missing || false },
  async () => {
    const no = await paidOrder(300);
    const viewer = await portalUser(t, shop.id, 'viewer');
    const page = await newPage();
    try {
      await signIn(page, viewer.login);
      await page.getByRole('heading', { name: 'Orders' }).waitFor(bounded);
      await page.goto(`${t.baseUrl}/portal/orders/${no}`);
      await page.getByText('CN¥3.00').first().waitFor(bounded);
      assert.equal(await page.getByRole('button', { name: /Refund/ }).count(), 0);
      await shot(page, '06-viewer');
      const complaint = await raise(t, provider, shop.subMchid);
      await page.goto(`${t.baseUrl}/portal/complaints/${complaint.complaint_id}`);
      await page.getByTestId('respond-by').waitFor(bounded);
      assert.equal(await page.getByTestId('complaint-respond').count(), 0, 'a viewer is offered no answer');
      // The page's own cookie, but no X-CSRF-Token: what a forged cross-site form would send.
      const answer = await page.evaluate(async (outTradeNo) => {
        const res = await fetch('/portal/v1/refunds', {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ out_trade_no: outTradeNo, out_refund_no: `CSRF${Date.now()}`, amount: { refund: 1 } }),
        });
        return { status: res.status, body: (await res.json()) as { detail?: { reason?: string } } };
      }, no);
      assert.equal(answer.status, 403);
      assert.equal(answer.body.detail?.reason, 'csrf');
    } finally {
      await page.context().close();
    }
  },
);

test(
  'When a user fails to sign in five times, then the page says the account is locked, and a colleague still signs in',
  { skip: missing || false },
  async () => {
    const victim = await portalUser(t, shop.id, 'staff');
    const colleague = await portalUser(t, shop.id, 'owner');
    const page = await newPage();
    try {
      for (let i = 0; i < 5; i++) {
        await signIn(page, victim.login, `Wrong-Password-${i}-xyz`);
        await page
          .getByRole('alert')
          .getByText(i < 4 ? /UNAUTHENTICATED/ : /FREQUENCY_LIMITED/)
          .waitFor(bounded);
      }
      await signIn(page, victim.login);
      await page
        .getByRole('alert')
        .getByText(/locked/)
        .waitFor(bounded);
      await shot(page, '07-locked');
      await signIn(page, colleague.login);
      await page.getByRole('heading', { name: 'Orders' }).waitFor(bounded);
    } finally {
      await page.context().close();
    }
  },
);

test(
  "When the shop's owner opens Shop settings, then it invites a cashier (link shown once), changes its role, removes it, sets the webhook URL and makes and revokes a secret key; staff see no such page",
  { skip: missing || false },
  async () => {
    const owner = await portalUser(t, shop.id, 'owner');
    const staff = await portalUser(t, shop.id, 'staff');
    const page = await newPage();
    try {
      await signIn(page, owner.login);
      await page.getByRole('heading', { name: 'Orders' }).waitFor(bounded);
      await page.getByRole('link', { name: 'Shop settings' }).click();
      await page.getByRole('heading', { name: 'Shop settings' }).waitFor(bounded);
      const users = page.getByTestId('users-table');
      await users
        .getByRole('row', { name: new RegExp(owner.login) })
        .getByText('you')
        .waitFor(bounded);

      const cashier = `cashier.${Date.now().toString(36)}@shop.example`;
      await page.getByTestId('user-invite').click();
      const dialog = page.getByRole('dialog');
      await dialog.getByLabel('Login').fill(cashier);
      await dialog.getByRole('button', { name: 'Invite a portal user' }).click();
      await page
        .getByTestId('feedback')
        .getByText(new RegExp(`${cashier.replace(/\./g, '\\.')} invited`))
        .waitFor(bounded);
      assert.match((await page.getByTestId('secret-once').textContent(bounded))!, /\/portal\/invitation#inv_/);
      const row = users.getByRole('row', { name: new RegExp(cashier.replace(/\./g, '\\.')) });
      await row.getByText('staff').waitFor(bounded);
      await shot(page, '14-shop-invited');

      await row.getByRole('button', { name: 'Change role' }).click();
      const roleDialog = page.getByRole('dialog', { name: `Change the role of ${cashier}` });
      await roleDialog.getByLabel('Role').click();
      await page.getByTitle('viewer').click();
      await roleDialog.getByRole('button', { name: 'Save' }).click();
      await page.getByTestId('feedback').getByText(`${cashier} is now viewer, from their next request on`).waitFor(bounded);
      await row.getByRole('cell', { name: 'viewer', exact: true }).waitFor(bounded);

      await row.getByRole('button', { name: 'Remove' }).click();
      await page.getByRole('button', { name: 'Confirm' }).click();
      await page.getByTestId('feedback').getByText(`${cashier} removed`).waitFor(bounded);
      await row.waitFor({ state: 'detached', timeout: bounded.timeout });

      const url = 'https://shop.example/partnerpay/events';
      await page.getByTestId('webhook-change').click();
      await page.getByRole('dialog').getByLabel('webhook_url').fill(url);
      await page.getByRole('dialog').getByRole('button', { name: 'Save' }).click();
      await page.getByTestId('feedback').getByText(`Webhook URL set to ${url}`).waitFor(bounded);
      await page.getByTestId('webhook-url').getByText(url).waitFor(bounded);
      const tenant = await request(t.http)
        .get(`/admin/v1/tenants/${shop.id}`)
        .set(...admin(t));
      assert.equal(tenant.body.webhook_url, url);

      await page.getByTestId('secret-key-create').click();
      const key = (await page.getByTestId('secret-once').filter({ hasText: /^sk_/ }).textContent(bounded))!.trim();
      assert.match(key, /^sk_/);
      const created = await page
        .getByTestId('feedback')
        .getByText(/New secret key .+… created/)
        .textContent(bounded);
      const prefix = /New secret key (.+)… created/.exec(created ?? '')![1];
      await shot(page, '15-shop-key-created');
      const keyRow = page
        .getByTestId('secret-keys-table')
        .getByRole('row', { name: new RegExp(`${prefix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}…`) });
      await keyRow.getByRole('button', { name: 'Revoke' }).click();
      await page.getByRole('button', { name: 'Confirm' }).click();
      await page.getByTestId('feedback').getByText(`Key ${prefix}… revoked`).waitFor(bounded);
      const refused = await request(t.http).get('/v1/orders/none-such').set('Authorization', `Bearer ${key}`);
      assert.equal(refused.status, 401, 'the revoked key no longer works');
      await shot(page, '16-shop');
      await page.context().close();

      // Staff: no Shop settings in the nav, and the page itself is refused by the API.
      const staffPage = await newPage();
      try {
        await signIn(staffPage, staff.login);
        await staffPage.getByRole('heading', { name: 'Orders' }).waitFor(bounded);
        assert.equal(await staffPage.getByRole('link', { name: 'Shop settings' }).count(), 0);
        await staffPage.goto(`${t.baseUrl}/portal/shop`);
        await staffPage
          .getByText(/FORBIDDEN/)
          .first()
          .waitFor(bounded);
        await shot(staffPage, '17-shop-staff-refused');
      } finally {
        await staffPage.context().close();
      }
    } catch (e) {
      await shot(page, 'FAILED-shop').catch(() => undefined);
      throw e;
    } finally {
      await page
        .context()
        .close()
        .catch(() => undefined);
    }
  },
);
