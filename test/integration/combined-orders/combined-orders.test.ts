import 'reflect-metadata';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { startTestApp, type TestApp } from '../../support/app';
import { rsaPems, admin } from '../../support/tenancy';
import { givenWechatProvider, givenWechatTenant, outTradeNo, simulatorOf, type Provider, type Tenant } from '../../support/payments';
import { eventRows } from '../../support/notifications';

// 合单 (API.md "Combined orders"): one buyer, one payment, several shops of one provider.
let t: TestApp;
let provider: Provider;
let other: Provider;
let pk: string;
let shopA: Tenant;
let shopB: Tenant;
const OPENID = 'oCombinedBuyer0000000000001';

before(async () => {
  const keys = rsaPems();
  t = await startTestApp();
  provider = await givenWechatProvider(t, keys);
  other = await givenWechatProvider(t, keys);
  shopA = await givenWechatTenant(t, provider);
  shopB = await givenWechatTenant(t, provider);
  pk = (await mintKey(provider.spMchid)).platform_key;
});
after(() => t.close());

async function mintKey(spMchid: string): Promise<{ id: string; platform_key: string }> {
  const res = await request(t.http)
    .post(`/admin/v1/service-providers/${spMchid}/platform-keys`)
    .set(...admin(t))
    .send({ name: 'central mini-program' });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return res.body;
}

const platform = (key = pk): [string, string] => ['Authorization', `Bearer ${key}`];

function combined(over: Record<string, unknown> = {}, subs?: Array<Record<string, unknown>>) {
  return {
    combine_out_trade_no: outTradeNo('C'),
    trade_type: 'JSAPI',
    payer: { openid: OPENID },
    sub_orders: subs ?? [
      { tenant_id: shopA.id, out_trade_no: outTradeNo('A'), description: 'A店-公仔', amount: { total: 1200 }, attach: 'a' },
      { tenant_id: shopB.id, out_trade_no: outTradeNo('B'), description: 'B店-贴纸', amount: { total: 800 } },
    ],
    ...over,
  };
}

const combineCalls = () =>
  simulatorOf(t)
    .calls()
    .filter((c) => c.path.startsWith('/v3/combine-transactions'));

async function create(body: Record<string, unknown>, key = pk) {
  return request(t.http)
    .post('/platform/v1/combined-orders')
    .set(...platform(key))
    .send(body);
}

async function tenantOrder(tenant: Tenant, outNo: string) {
  return request(t.http)
    .get(`/v1/orders/${outNo}`)
    .set(...tenant.auth);
}

test('When a combined order of two shops is paid once, then each shop sees only its own sub-order as SUCCESS and gets its own order.paid', async () => {
  const body = combined();
  const res = await create(body);
  assert.equal(res.status, 201, JSON.stringify(res.body));
  const c = res.body.combined_order;
  assert.match(c.id, /^cmb_/);
  assert.equal(c.state, 'NOTPAY');
  assert.deepEqual(
    c.sub_orders.map((o: { tenant_id: string; out_trade_no: string }) => [o.tenant_id, o.out_trade_no]),
    body.sub_orders.map((s) => [s.tenant_id, s.out_trade_no]),
  );
  // Signed for the provider's own AppID, the ISV's centralized mini-program.
  assert.equal(res.body.payment.appId, provider.spAppid);
  assert.match(res.body.payment.package, /^prepay_id=wx/);
  const sent = combineCalls().find((x) => (x.body as { combine_out_trade_no?: string }).combine_out_trade_no === body.combine_out_trade_no)!
    .body as { combine_mchid: string; sub_orders: Array<{ sub_mchid: string; mchid: string }> };
  assert.equal(sent.combine_mchid, provider.spMchid);
  assert.deepEqual(
    sent.sub_orders.map((s) => [s.mchid, s.sub_mchid]),
    [
      [provider.spMchid, shopA.subMchid],
      [provider.spMchid, shopB.subMchid],
    ],
  );

  const again = await create(body);
  assert.equal(again.status, 200, 'the same body again is the same combined order');
  assert.equal(again.body.payment.package, res.body.payment.package);

  await simulatorOf(t).payCombine({ combine_out_trade_no: body.combine_out_trade_no });
  const a = await tenantOrder(shopA, body.sub_orders[0].out_trade_no as string);
  assert.equal(a.status, 200);
  assert.equal(a.body.order.trade_state, 'SUCCESS');
  assert.equal(a.body.order.combine_out_trade_no, body.combine_out_trade_no);
  assert.equal(a.body.order.amount.total, 1200);
  assert.match(a.body.order.transaction_id, /^4200/);
  const b = await tenantOrder(shopB, body.sub_orders[1].out_trade_no as string);
  assert.equal(b.body.order.trade_state, 'SUCCESS');
  assert.notEqual(b.body.order.transaction_id, a.body.order.transaction_id, 'each sub-order has its own transaction_id');
  assert.equal((await tenantOrder(shopA, body.sub_orders[1].out_trade_no as string)).status, 404, "shop A never sees shop B's order");
  assert.equal((await tenantOrder(shopB, body.sub_orders[0].out_trade_no as string)).status, 404);
  const paidA = (await eventRows(t, shopA.id, 'order.paid')).filter((e) => e.payload.includes(body.sub_orders[0].out_trade_no as string));
  const paidB = (await eventRows(t, shopB.id, 'order.paid')).filter((e) => e.payload.includes(body.sub_orders[1].out_trade_no as string));
  assert.equal(paidA.length, 1);
  assert.equal(paidB.length, 1);
  assert.ok(!paidA[0].payload.includes(body.sub_orders[1].out_trade_no as string), "A's event says nothing of B's order");

  const read = await request(t.http)
    .get(`/platform/v1/combined-orders/${body.combine_out_trade_no}`)
    .set(...platform());
  assert.equal(read.status, 200);
  assert.equal(read.body.combined_order.state, 'SUCCESS');
});

test('When WeChat Pay sends the combined notification three times at once, then every sub-order is applied once', async () => {
  const body = combined();
  assert.equal((await create(body)).status, 201);
  simulatorOf(t).fault({ kind: 'duplicate_notifications', times: 3, count: 1 });
  await simulatorOf(t).payCombine({ combine_out_trade_no: body.combine_out_trade_no });
  for (const [shop, sub] of [
    [shopA, body.sub_orders[0]],
    [shopB, body.sub_orders[1]],
  ] as const) {
    assert.equal((await tenantOrder(shop, sub.out_trade_no as string)).body.order.trade_state, 'SUCCESS');
    const events = (await eventRows(t, shop.id, 'order.paid')).filter((e) => e.payload.includes(sub.out_trade_no as string));
    assert.equal(events.length, 1, 'three concurrent copies, one order.paid');
  }
  // A later copy (WeChat Pay's retry) changes nothing either.
  const synced = await request(t.http)
    .get(`/platform/v1/combined-orders/${body.combine_out_trade_no}?sync=true`)
    .set(...platform());
  assert.equal(synced.body.combined_order.state, 'SUCCESS');
});

test('When one sub-order of a paid combined order is refunded by its shop, then only that one is refunded, with its own sub_mchid and transaction_id', async () => {
  const body = combined();
  assert.equal((await create(body)).status, 201);
  await simulatorOf(t).payCombine({ combine_out_trade_no: body.combine_out_trade_no });
  const outB = body.sub_orders[1].out_trade_no as string;
  const txnB = (await tenantOrder(shopB, outB)).body.order.transaction_id;
  const byA = await request(t.http)
    .post('/v1/refunds')
    .set(...shopA.auth)
    .send({ out_trade_no: outB, out_refund_no: outTradeNo('R'), amount: { refund: 800 } });
  assert.equal(byA.status, 404, "shop A cannot refund shop B's sub-order");
  const refund = await request(t.http)
    .post('/v1/refunds')
    .set(...shopB.auth)
    .send({ out_trade_no: outB, out_refund_no: outTradeNo('R'), amount: { refund: 300 } });
  assert.equal(refund.status, 201, JSON.stringify(refund.body));
  const sent = simulatorOf(t)
    .calls()
    .filter((c) => c.path === '/v3/refund/domestic/refunds')
    .at(-1)!.body as { sub_mchid: string; transaction_id?: string; out_trade_no?: string; amount: { total: number } };
  assert.equal(sent.sub_mchid, shopB.subMchid);
  assert.equal(sent.amount.total, 800, "the refund names that sub-order's total, not the combined order's");
  assert.ok(sent.transaction_id === txnB || sent.out_trade_no === outB);
  assert.equal((await tenantOrder(shopA, body.sub_orders[0].out_trade_no as string)).body.order.refunded_total, 0);
});

test('When an unpaid combined order is closed, then all its sub-orders close together; a shop cannot close or pay its sub-order alone', async () => {
  const body = combined();
  assert.equal((await create(body)).status, 201);
  const outA = body.sub_orders[0].out_trade_no as string;
  const alone = await request(t.http)
    .post(`/v1/orders/${outA}/close`)
    .set(...shopA.auth);
  assert.equal(alone.status, 409, JSON.stringify(alone.body));
  const pay = await request(t.http)
    .post(`/v1/orders/${outA}/payment`)
    .set(...shopA.auth);
  assert.equal(pay.status, 409);
  const closed = await request(t.http)
    .post(`/platform/v1/combined-orders/${body.combine_out_trade_no}/close`)
    .set(...platform());
  assert.equal(closed.status, 200, JSON.stringify(closed.body));
  assert.equal(closed.body.combined_order.state, 'CLOSED');
  assert.deepEqual(
    closed.body.combined_order.sub_orders.map((o: { trade_state: string }) => o.trade_state),
    ['CLOSED', 'CLOSED'],
  );
  assert.equal((await tenantOrder(shopB, body.sub_orders[1].out_trade_no as string)).body.order.trade_state, 'CLOSED');
  const upstream = simulatorOf(t).combineOrder({ combine_out_trade_no: body.combine_out_trade_no }) as {
    sub_orders: Array<{ trade_state: string }>;
  };
  assert.deepEqual(
    upstream.sub_orders.map((o) => o.trade_state),
    ['CLOSED', 'CLOSED'],
  );
});

test('When a combined order with a paid sub-order is closed, then 409 ORDER_PAID and nothing closes', async () => {
  const body = combined();
  assert.equal((await create(body)).status, 201);
  await simulatorOf(t).payCombine({ combine_out_trade_no: body.combine_out_trade_no, fail: [body.sub_orders[1].out_trade_no as string] });
  const read = await request(t.http)
    .get(`/platform/v1/combined-orders/${body.combine_out_trade_no}?sync=true`)
    .set(...platform());
  assert.equal(read.body.combined_order.state, 'PARTIAL');
  const closed = await request(t.http)
    .post(`/platform/v1/combined-orders/${body.combine_out_trade_no}/close`)
    .set(...platform());
  assert.equal(closed.status, 409, JSON.stringify(closed.body));
  assert.equal(closed.body.code, 'ORDER_PAID');
  assert.equal((await tenantOrder(shopA, body.sub_orders[0].out_trade_no as string)).body.order.trade_state, 'SUCCESS');
});

test('When a combined order breaks a rule, then 400 names the field and WeChat Pay is not called', async () => {
  const one = combined({}, [{ tenant_id: shopA.id, out_trade_no: outTradeNo('A'), description: 'x', amount: { total: 1 } }]);
  const many = combined(
    {},
    Array.from({ length: 51 }, () => ({ tenant_id: shopA.id, out_trade_no: outTradeNo('M'), description: 'x', amount: { total: 1 } })),
  );
  const dup = combined();
  dup.sub_orders[1].out_trade_no = dup.sub_orders[0].out_trade_no;
  const zero = combined();
  zero.sub_orders[1].amount = { total: 0 };
  const noPayer = combined({ payer: undefined });
  const cases: Array<[Record<string, unknown>, string]> = [
    [one, 'sub_orders'],
    [many, 'sub_orders'],
    [dup, 'sub_orders.1.out_trade_no'],
    [zero, 'sub_orders.1.amount.total'],
    [noPayer, 'payer'],
  ];
  const before = combineCalls().length;
  for (const [body, field] of cases) {
    const res = await create(body);
    assert.equal(res.status, 400, `${field}: ${JSON.stringify(res.body)}`);
    assert.equal(res.body.code, 'PARAM_ERROR');
    assert.ok(
      res.body.detail.fields.some((f: { field: string }) => f.field === field),
      `${field} named: ${JSON.stringify(res.body.detail.fields)}`,
    );
  }
  assert.equal(combineCalls().length, before, 'no call to WeChat Pay');
});

test("When a sub-order names another provider's tenant, a suspended tenant or an unknown one, then the 二清 guard refuses it before WeChat Pay", async () => {
  const foreign = await givenWechatTenant(t, other);
  const suspended = await givenWechatTenant(t, provider);
  const s = await request(t.http)
    .patch(`/admin/v1/tenants/${suspended.id}`)
    .set(...admin(t))
    .send({ status: 'suspended' });
  assert.equal(s.status, 200, JSON.stringify(s.body));
  const before = combineCalls().length;
  const sub = (tenant_id: string) => ({ tenant_id, out_trade_no: outTradeNo('X'), description: 'x', amount: { total: 5 } });
  const own = { tenant_id: shopA.id, out_trade_no: outTradeNo('A'), description: 'x', amount: { total: 5 } };
  const refusedForeign = await create(combined({}, [own, sub(foreign.id)]));
  assert.equal(refusedForeign.status, 422, JSON.stringify(refusedForeign.body));
  assert.equal(refusedForeign.body.code, 'SECONDARY_CLEARING_FORBIDDEN');
  assert.equal(refusedForeign.body.detail.rule, 'tenant_of_another_provider');
  const refusedUnknown = await create(combined({}, [{ ...own, out_trade_no: outTradeNo('A') }, sub('ten_doesnotexist')]));
  assert.equal(refusedUnknown.status, 422);
  assert.equal(refusedUnknown.body.detail.rule, 'tenant_of_another_provider', 'an unknown tenant reads like a foreign one');
  const refusedSuspended = await create(combined({}, [{ ...own, out_trade_no: outTradeNo('A') }, sub(suspended.id)]));
  assert.equal(refusedSuspended.status, 403, JSON.stringify(refusedSuspended.body));
  assert.equal(refusedSuspended.body.code, 'TENANT_SUSPENDED');
  // Provider B's key on provider A's tenants: the same refusal.
  const otherKey = (await mintKey(other.spMchid)).platform_key;
  const crossed = await create(combined(), otherKey);
  assert.equal(crossed.status, 422);
  assert.equal(crossed.body.detail.rule, 'tenant_of_another_provider');
  assert.equal(combineCalls().length, before, 'no call to WeChat Pay');
});

test('When a platform key is revoked, used elsewhere, or listed, then it is 401 after revocation and outside /platform/v1, and never shown again', async () => {
  const minted = await mintKey(provider.spMchid);
  assert.match(minted.platform_key, /^pk_/);
  const list = await request(t.http)
    .get(`/admin/v1/service-providers/${provider.spMchid}/platform-keys`)
    .set(...admin(t));
  assert.equal(list.status, 200);
  assert.ok(list.body.data.some((k: { id: string }) => k.id === minted.id));
  assert.ok(!JSON.stringify(list.body).includes(minted.platform_key), 'the key is shown once only');
  const onTenantApi = await request(t.http)
    .get('/v1/orders/whatever123')
    .set(...platform(minted.platform_key));
  assert.equal(onTenantApi.status, 401);
  const onAdminApi = await request(t.http)
    .get('/admin/v1/tenants')
    .set(...platform(minted.platform_key));
  assert.equal(onAdminApi.status, 401);
  const asTenantKey = await request(t.http)
    .post('/platform/v1/combined-orders')
    .set(...shopA.auth)
    .send(combined());
  assert.equal(asTenantKey.status, 401, "a tenant's secret key is not a platform key");

  assert.equal((await create(combined(), minted.platform_key)).status, 201);
  const revoked = await request(t.http)
    .delete(`/admin/v1/service-providers/${provider.spMchid}/platform-keys/${minted.id}`)
    .set(...admin(t));
  assert.equal(revoked.status, 204);
  const after = await create(combined(), minted.platform_key);
  assert.equal(after.status, 401);
  assert.equal(after.body.code, 'UNAUTHENTICATED');
  const audit = await request(t.http)
    .get('/admin/v1/audit-log?action=platform_key.revoke')
    .set(...admin(t));
  assert.ok(JSON.stringify(audit.body).includes(minted.id), 'the revocation is audited');
});
