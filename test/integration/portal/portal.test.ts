import 'reflect-metadata';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { startTestApp, type TestApp } from '../../support/app';
import { admin, rsaPems } from '../../support/tenancy';
import { givenWechatProvider, givenWechatTenant, orderBody, simulatorOf, type Provider, type Tenant } from '../../support/payments';
import { ManualClock } from '../../../src/platform/clock';
import { totpCode } from '../../../src/modules/portal/totp';
import { GOOD_PASSWORD, invite, portalUser, signIn, uniqueLogin } from './support';

let t: TestApp;
let clock: ManualClock;
let provider: Provider;
let shop: Tenant;
let other: Tenant;

before(async () => {
  clock = new ManualClock();
  t = await startTestApp({}, { clock });
  provider = await givenWechatProvider(t, rsaPems());
  shop = await givenWechatTenant(t, provider);
  other = await givenWechatTenant(t, provider);
});
after(() => t.close());

async function paidOrder(tenant: Tenant, total = 100): Promise<string> {
  const body = orderBody(tenant, { amount: { total, currency: 'CNY' } });
  const res = await request(t.http)
    .post('/v1/orders')
    .set(...tenant.auth)
    .send(body);
  assert.equal(res.status, 201, JSON.stringify(res.body));
  await simulatorOf(t).pay({ prepay_id: res.body.order.prepay_id });
  return String(body.out_trade_no);
}

let rseq = 0;
const refundNo = () => `PR${Date.now().toString(36)}${rseq++}`;
const refundsOf = async (tenant: Tenant, outTradeNo: string) =>
  (
    await request(t.http)
      .get(`/admin/v1/refunds?tenant_id=${tenant.id}&out_trade_no=${outTradeNo}`)
      .set(...admin(t))
  ).body.data as unknown[];

test('When an operator invites a shop user, then the link is one-time, a weak password is refused with the rule, and the user signs in with an httpOnly SameSite=Strict cookie', async () => {
  const inv = await invite(t, shop.id, 'staff');
  assert.match(inv.url, /\/portal\/invitation#inv_/);
  const listed = await request(t.http)
    .get(`/admin/v1/tenants/${shop.id}/users`)
    .set(...admin(t));
  const mine = listed.body.data.find((u: { login: string }) => u.login === inv.login);
  assert.equal(mine.state, 'invited');
  assert.equal(JSON.stringify(listed.body).includes('hash'), false, 'no hash in the answer');

  for (const [password, why] of [
    ['short1!', /12 to 128 characters/],
    ['aaaaaaaaaaaaaaaa', /6 different characters/],
    [`x${inv.login}x`, /must not contain the login/],
  ] as const) {
    const weak = await request(t.http).post('/portal/v1/invitations/accept').send({ token: inv.token, password });
    assert.equal(weak.status, 400, JSON.stringify(weak.body));
    assert.equal(weak.body.code, 'PARAM_ERROR');
    assert.match(weak.body.message, why);
    assert.match(weak.body.message, /rule: at least 12 characters/);
  }
  const early = await request(t.http).post('/portal/v1/session').send({ login: inv.login, password: GOOD_PASSWORD });
  assert.equal(early.status, 401, 'a weak password changed nothing: still no password set');

  const ok = await request(t.http).post('/portal/v1/invitations/accept').send({ token: inv.token, password: GOOD_PASSWORD });
  assert.equal(ok.status, 200, JSON.stringify(ok.body));
  assert.equal(ok.body.user.state, 'active');
  const reused = await request(t.http).post('/portal/v1/invitations/accept').send({ token: inv.token, password: 'Another-Good-Pass-99' });
  assert.equal(reused.status, 409);
  assert.equal(reused.body.detail.reason, 'invitation_used');
  const forged = await request(t.http).post('/portal/v1/invitations/accept').send({ token: 'inv_forged', password: GOOD_PASSWORD });
  assert.equal(forged.status, 404);

  const res = await request(t.http).post('/portal/v1/session').send({ login: inv.login, password: GOOD_PASSWORD });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  const cookie = String(res.headers['set-cookie']);
  assert.match(cookie, /^pp_portal=pps_/);
  assert.match(cookie, /HttpOnly/);
  assert.match(cookie, /SameSite=Strict/);
  assert.match(cookie, /Path=\/portal/);
  assert.equal(res.body.tenant.id, shop.id);
  assert.equal(res.body.user.role, 'staff');
  const old = await request(t.http).post('/portal/v1/session').send({ login: inv.login, password: 'Another-Good-Pass-99' });
  assert.equal(old.status, 401, 'the reused invitation did not change the password');
});

test('When an invitation is older than 72 hours, then accepting it is 422 invitation_expired and nothing is set', async () => {
  const inv = await invite(t, shop.id, 'viewer');
  clock.advance(72 * 3_600_000 + 1000);
  const res = await request(t.http).post('/portal/v1/invitations/accept').send({ token: inv.token, password: GOOD_PASSWORD });
  assert.equal(res.status, 422, JSON.stringify(res.body));
  assert.equal(res.body.detail.reason, 'invitation_expired');
  const signIn = await request(t.http).post('/portal/v1/session').send({ login: inv.login, password: GOOD_PASSWORD });
  assert.equal(signIn.status, 401);
});

test("When a staff user refunds, then without or with a forged CSRF token it is 403 and nothing is refunded; with the session's token it is 201 and audited", async () => {
  const staff = await portalUser(t, shop.id, 'staff');
  const no = await paidOrder(shop);
  const body = { out_trade_no: no, out_refund_no: refundNo(), amount: { refund: 30 } };
  const missing = await request(t.http)
    .post('/portal/v1/refunds')
    .set(...staff.session.cookie)
    .send(body);
  assert.equal(missing.status, 403, JSON.stringify(missing.body));
  assert.equal(missing.body.detail.reason, 'csrf');
  const forged = await request(t.http)
    .post('/portal/v1/refunds')
    .set(...staff.session.cookie)
    .set('X-CSRF-Token', 'forged-token-forged-token-forged-token-1234')
    .send(body);
  assert.equal(forged.status, 403);
  assert.deepEqual(await refundsOf(shop, no), [], 'nothing was refunded');

  const ok = await request(t.http)
    .post('/portal/v1/refunds')
    .set(...staff.session.cookie)
    .set(...staff.session.csrf)
    .send(body);
  assert.equal(ok.status, 201, JSON.stringify(ok.body));
  assert.equal(ok.body.refund.amount.refund, 30);
  assert.equal((await refundsOf(shop, no)).length, 1);
  const detail = await request(t.http)
    .get(`/portal/v1/orders/${no}`)
    .set(...staff.session.cookie);
  assert.equal(detail.body.refunds.length, 1);
  const audit = await request(t.http)
    .get(`/admin/v1/audit-log?actor=portal:${staff.user.id}`)
    .set(...admin(t));
  assert.equal(audit.body.data[0].action, 'portal.refund');
  assert.equal(audit.body.data[0].after.login, staff.login);
});

test("When a portal user asks for another tenant's order or refunds it, then 404 as on the API, and lists hold only its own tenant's", async () => {
  const owner = await portalUser(t, shop.id, 'owner');
  const mine = await paidOrder(shop);
  const theirs = await paidOrder(other);
  const seen = await request(t.http)
    .get(`/portal/v1/orders/${theirs}`)
    .set(...owner.session.cookie);
  assert.equal(seen.status, 404);
  assert.equal(seen.body.code, 'NOT_FOUND');
  const refund = await request(t.http)
    .post('/portal/v1/refunds')
    .set(...owner.session.cookie)
    .set(...owner.session.csrf)
    .send({ out_trade_no: theirs, out_refund_no: refundNo(), amount: { refund: 1 } });
  assert.equal(refund.status, 404);
  assert.deepEqual(await refundsOf(other, theirs), []);
  const search = await request(t.http)
    .get(`/portal/v1/orders?out_trade_no=${theirs}`)
    .set(...owner.session.cookie);
  assert.deepEqual(search.body.data, []);
  const list = await request(t.http)
    .get('/portal/v1/orders?limit=100')
    .set(...owner.session.cookie);
  assert.ok(list.body.data.some((o: { out_trade_no: string }) => o.out_trade_no === mine));
  assert.ok(list.body.data.every((o: { out_trade_no: string }) => o.out_trade_no !== theirs));
  const byTxn = await request(t.http)
    .get(`/portal/v1/orders/${mine}`)
    .set(...owner.session.cookie);
  const txn = byTxn.body.order.transaction_id as string;
  const found = await request(t.http)
    .get(`/portal/v1/orders?transaction_id=${txn}`)
    .set(...owner.session.cookie);
  assert.deepEqual(
    found.body.data.map((o: { out_trade_no: string }) => o.out_trade_no),
    [mine],
  );
  const noSession = await request(t.http).get('/portal/v1/orders');
  assert.equal(noSession.status, 401);
});

test('When a viewer tries to refund, then 403 and nothing is refunded', async () => {
  const viewer = await portalUser(t, shop.id, 'viewer');
  const no = await paidOrder(shop);
  const res = await request(t.http)
    .post('/portal/v1/refunds')
    .set(...viewer.session.cookie)
    .set(...viewer.session.csrf)
    .send({ out_trade_no: no, out_refund_no: refundNo(), amount: { refund: 1 } });
  assert.equal(res.status, 403);
  assert.equal(res.body.code, 'FORBIDDEN');
  assert.deepEqual(await refundsOf(shop, no), []);
});

test('When one account fails five sign-ins in a row, then it alone is locked for 15 minutes: other users and operators are untouched', async () => {
  const victim = await portalUser(t, shop.id, 'staff');
  const colleague = await portalUser(t, shop.id, 'staff');
  const answers: number[] = [];
  for (let i = 0; i < 5; i++) {
    const res = await request(t.http)
      .post('/portal/v1/session')
      .send({ login: victim.login, password: `Wrong-Password-${i}-xyz` });
    answers.push(res.status);
    if (i === 4) {
      assert.equal(res.body.detail.reason, 'account_locked');
      assert.ok(Number(res.headers['retry-after']) > 0);
    }
  }
  assert.deepEqual(answers, [401, 401, 401, 401, 429]);
  const right = await request(t.http).post('/portal/v1/session').send({ login: victim.login, password: GOOD_PASSWORD });
  assert.equal(right.status, 429, 'locked even for the right password');
  assert.equal(right.body.detail.reason, 'account_locked');
  await signIn(t, colleague.login);
  const stillIn = await request(t.http)
    .get('/portal/v1/session')
    .set(...victim.session.cookie);
  assert.equal(stillIn.status, 200, 'the lock stops new sign-ins, not the session the owner already has');
  const op = await request(t.http)
    .get('/admin/v1/tenants')
    .set(...admin(t));
  assert.equal(op.status, 200);
  clock.advance(15 * 60_000 + 1000);
  await signIn(t, victim.login);
});

test('When a user turns TOTP on, then a wrong first code changes nothing, and sign-in needs the right code', async () => {
  const u = await portalUser(t, shop.id, 'owner');
  const begin = await request(t.http)
    .post('/portal/v1/totp')
    .set(...u.session.cookie)
    .set(...u.session.csrf);
  assert.equal(begin.status, 200, JSON.stringify(begin.body));
  assert.match(begin.body.otpauth_uri, /^otpauth:\/\/totp\//);
  const secret = begin.body.secret as string;
  const wrongCode = totpCode(secret, clock.now()) === '000000' ? '111111' : '000000';
  const wrong = await request(t.http)
    .post('/portal/v1/totp/confirm')
    .set(...u.session.cookie)
    .set(...u.session.csrf)
    .send({ code: wrongCode });
  assert.equal(wrong.status, 400);
  await signIn(t, u.login);
  const ok = await request(t.http)
    .post('/portal/v1/totp/confirm')
    .set(...u.session.cookie)
    .set(...u.session.csrf)
    .send({ code: totpCode(secret, clock.now()) });
  assert.equal(ok.status, 200, JSON.stringify(ok.body));

  const without = await request(t.http).post('/portal/v1/session').send({ login: u.login, password: GOOD_PASSWORD });
  assert.equal(without.status, 401);
  assert.equal(without.body.detail.reason, 'totp_required');
  const bad = await request(t.http).post('/portal/v1/session').send({ login: u.login, password: GOOD_PASSWORD, totp: wrongCode });
  assert.equal(bad.status, 401);
  assert.equal(bad.body.detail.reason, 'totp_wrong');
  await signIn(t, u.login, GOOD_PASSWORD, totpCode(secret, clock.now()));
});

test('When an operator removes a user, then its session ends at once; a viewer operator may not invite', async () => {
  const u = await portalUser(t, shop.id, 'staff');
  const del = await request(t.http)
    .delete(`/admin/v1/tenants/${shop.id}/users/${u.user.id}`)
    .set(...admin(t));
  assert.equal(del.status, 204);
  const gone = await request(t.http)
    .get('/portal/v1/session')
    .set(...u.session.cookie);
  assert.equal(gone.status, 401);
  const viewerOp = await request(t.http)
    .post('/admin/v1/operators')
    .set(...admin(t))
    .send({ name: 'Looker', role: 'viewer' });
  const refused = await request(t.http)
    .post(`/admin/v1/tenants/${shop.id}/users`)
    .set('Authorization', `Bearer ${viewerOp.body.token}`)
    .send({ login: uniqueLogin(), role: 'owner' });
  assert.equal(refused.status, 403);
  const dup = await request(t.http)
    .post(`/admin/v1/tenants/${shop.id}/users`)
    .set(...admin(t))
    .send({ login: u.login, role: 'owner' });
  assert.equal(dup.status, 201, 'a removed login can be invited again');
  const badRole = await request(t.http)
    .post(`/admin/v1/tenants/${shop.id}/users`)
    .set(...admin(t))
    .send({ login: uniqueLogin(), role: 'admin' });
  assert.equal(badRole.status, 400);
  assert.match(JSON.stringify(badRole.body.detail), /role/);
});

test("When a portal user lists refunds, then it sees only its own tenant's, newest first, filtered by out_trade_no and status", async () => {
  const owner = await portalUser(t, shop.id, 'owner');
  const otherOwner = await portalUser(t, other.id, 'owner');
  const [first, second] = [await paidOrder(shop), await paidOrder(shop)];
  const theirs = await paidOrder(other);
  const refund = async (who: typeof owner, outTradeNo: string, amount: number) => {
    const res = await request(t.http)
      .post('/portal/v1/refunds')
      .set(...who.session.cookie)
      .set(...who.session.csrf)
      .send({ out_trade_no: outTradeNo, out_refund_no: refundNo(), amount: { refund: amount } });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    return res.body.refund.out_refund_no as string;
  };
  const a = await refund(owner, first, 10);
  clock.advance(1000); // newest first is by creation time
  const b = await refund(owner, second, 20);
  const c = await refund(otherOwner, theirs, 30);

  const all = await request(t.http)
    .get('/portal/v1/refunds?limit=100')
    .set(...owner.session.cookie);
  assert.equal(all.status, 200, JSON.stringify(all.body));
  const nos = all.body.data.map((r: { out_refund_no: string }) => r.out_refund_no);
  assert.ok(nos.includes(a) && nos.includes(b), 'both of its refunds are listed');
  assert.ok(!nos.includes(c), "another tenant's refund is not");
  assert.ok(nos.indexOf(b) < nos.indexOf(a), 'newest first');

  const one = await request(t.http)
    .get(`/portal/v1/refunds?out_trade_no=${first}`)
    .set(...owner.session.cookie);
  assert.deepEqual(
    one.body.data.map((r: { out_refund_no: string }) => r.out_refund_no),
    [a],
  );
  const foreign = await request(t.http)
    .get(`/portal/v1/refunds?out_trade_no=${theirs}`)
    .set(...owner.session.cookie);
  assert.deepEqual(foreign.body.data, [], "filtering by another tenant's order shows nothing");
  const closed = await request(t.http)
    .get(`/portal/v1/refunds?status=CLOSED&out_trade_no=${first}`)
    .set(...owner.session.cookie);
  assert.deepEqual(closed.body.data, []);
  const paged = await request(t.http)
    .get('/portal/v1/refunds?limit=1')
    .set(...owner.session.cookie);
  assert.equal(paged.body.data.length, 1);
  assert.equal(typeof paged.body.next_cursor, 'string', 'more than one refund: a cursor to the next page');
  const badStatus = await request(t.http)
    .get('/portal/v1/refunds?status=DONE')
    .set(...owner.session.cookie);
  assert.equal(badStatus.status, 400);
  assert.match(JSON.stringify(badStatus.body.detail), /status/);
});

test('When a user signs out, then without the CSRF token it is refused and the session lives; with it the cookie is cleared and the session ends', async () => {
  const u = await portalUser(t, shop.id, 'viewer');
  const forged = await request(t.http)
    .delete('/portal/v1/session')
    .set(...u.session.cookie);
  assert.equal(forged.status, 403, JSON.stringify(forged.body));
  const still = await request(t.http)
    .get('/portal/v1/session')
    .set(...u.session.cookie);
  assert.equal(still.status, 200, 'a refused sign-out ends nothing');

  const out = await request(t.http)
    .delete('/portal/v1/session')
    .set(...u.session.cookie)
    .set(...u.session.csrf);
  assert.equal(out.status, 204, JSON.stringify(out.body));
  const cleared = ([] as string[]).concat(out.headers['set-cookie'] ?? []);
  assert.ok(
    cleared.some((c) => /Expires=Thu, 01 Jan 1970/.test(c)),
    `the session cookie is cleared: ${cleared.join(' | ')}`,
  );
  const gone = await request(t.http)
    .get('/portal/v1/session')
    .set(...u.session.cookie);
  assert.equal(gone.status, 401, 'the old cookie no longer signs in');
  const again = await signIn(t, u.login);
  assert.equal((again.body.user as { login: string }).login, u.login, 'the user can sign in again');
});
