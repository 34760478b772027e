import 'reflect-metadata';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { startTestApp, type TestApp } from '../../support/app';
import { admin, rsaPems } from '../../support/tenancy';
import { givenWechatProvider, givenWechatTenant, orderBody, simulatorOf, type Provider, type Tenant } from '../../support/payments';

let t: TestApp;
let provider: Provider;
let tenant: Tenant;

before(async () => {
  t = await startTestApp();
  provider = await givenWechatProvider(t, rsaPems());
  tenant = await givenWechatTenant(t, provider);
});
after(() => t.close());

let seq = 0;
const outRefundNo = () => `OPR${Date.now().toString(36)}${seq++}`;

/** A new order of the tenant, paid at the simulator when `paid`; answers its id. */
async function order(paid: boolean, total = 100): Promise<{ id: string; outTradeNo: string }> {
  const body = orderBody(tenant, { amount: { total, currency: 'CNY' } });
  const res = await request(t.http)
    .post('/v1/orders')
    .set(...tenant.auth)
    .send(body);
  assert.equal(res.status, 201, JSON.stringify(res.body));
  if (paid) await simulatorOf(t).pay({ prepay_id: res.body.order.prepay_id });
  return { id: res.body.order.id, outTradeNo: body.out_trade_no as string };
}

async function viewerToken(): Promise<[string, string]> {
  const res = await request(t.http)
    .post('/admin/v1/operators')
    .set(...admin(t))
    .send({ name: 'Read-only Rita', role: 'viewer' });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return ['Authorization', `Bearer ${res.body.token}`];
}

async function namedAdmin(name: string): Promise<[string, string]> {
  const res = await request(t.http)
    .post('/admin/v1/operators')
    .set(...admin(t))
    .send({ name, role: 'admin' });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return ['Authorization', `Bearer ${res.body.token}`];
}

async function auditFor(target: string): Promise<Array<Record<string, unknown>>> {
  const res = await request(t.http)
    .get(`/admin/v1/audit-log?target=${encodeURIComponent(target)}`)
    .set(...admin(t));
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return res.body.data;
}

test("When an admin operator closes a tenant's unpaid order, then it is CLOSED for the tenant too and the audit log names the operator", async () => {
  const o = await order(false);
  const operator = await namedAdmin('Operator Olga');
  const res = await request(t.http)
    .post(`/admin/v1/orders/${o.id}/close`)
    .set(...operator);
  assert.equal(res.status, 200, JSON.stringify(res.body));
  assert.equal(res.body.order.trade_state, 'CLOSED');
  assert.equal(res.body.order.tenant_id, tenant.id);
  const seen = await request(t.http)
    .get(`/v1/orders/${o.outTradeNo}`)
    .set(...tenant.auth);
  assert.equal(seen.body.order.trade_state, 'CLOSED');

  const again = await request(t.http)
    .post(`/admin/v1/orders/${o.id}/close`)
    .set(...operator);
  assert.equal(again.status, 200, 'closing a closed order answers it as is');
  const entries = await auditFor(`order:${o.id}`);
  assert.equal(entries.length, 1, 'the repeated close changed nothing and is not audited twice');
  assert.equal(entries[0]!.action, 'order.close');
  assert.equal((entries[0]!.after as { operator: string }).operator, 'Operator Olga');
});

test('When an operator closes a paid order, then 409 ORDER_PAID and the order stays paid', async () => {
  const o = await order(true);
  const res = await request(t.http)
    .post(`/admin/v1/orders/${o.id}/close`)
    .set(...admin(t));
  assert.equal(res.status, 409, JSON.stringify(res.body));
  assert.equal(res.body.code, 'ORDER_PAID');
  const seen = await request(t.http)
    .get(`/v1/orders/${o.outTradeNo}`)
    .set(...tenant.auth);
  assert.equal(seen.body.order.trade_state, 'SUCCESS');
  assert.deepEqual(await auditFor(`order:${o.id}`), []);
});

test('When an admin operator refunds part of a paid order, then the tenant sees the refund, a repeat answers the same refund, and the audit log names the operator once', async () => {
  const o = await order(true, 100);
  const operator = await namedAdmin('Refunding Ray');
  const no = outRefundNo();
  const body = { out_refund_no: no, amount: { refund: 40 }, reason: '顾客退货' };
  const res = await request(t.http)
    .post(`/admin/v1/orders/${o.id}/refunds`)
    .set(...operator)
    .send(body);
  assert.equal(res.status, 201, JSON.stringify(res.body));
  assert.equal(res.body.refund.status, 'PROCESSING');
  assert.equal(res.body.refund.out_trade_no, o.outTradeNo);
  assert.deepEqual(res.body.refund.amount, { refund: 40, total: 100, currency: 'CNY' });
  assert.equal(res.body.refund.tenant_id, tenant.id);

  const mine = await request(t.http)
    .get(`/v1/refunds/${no}`)
    .set(...tenant.auth);
  assert.equal(mine.status, 200, 'the tenant sees the refund the operator made');

  const again = await request(t.http)
    .post(`/admin/v1/orders/${o.id}/refunds`)
    .set(...operator)
    .send(body);
  assert.equal(again.status, 200, JSON.stringify(again.body));
  assert.equal(again.body.refund.id, res.body.refund.id);
  const entries = await auditFor(`order:${o.id}`);
  assert.equal(entries.length, 1);
  assert.equal(entries[0]!.action, 'order.refund');
  assert.equal((entries[0]!.after as { operator: string; out_refund_no: string }).operator, 'Refunding Ray');
  assert.equal((entries[0]!.after as { out_refund_no: string }).out_refund_no, no);
});

test("When an operator refunds more than is left, or reuses an out_refund_no for another body, then the tenant's rules answer and nothing is written", async () => {
  const o = await order(true, 100);
  const no = outRefundNo();
  const first = await request(t.http)
    .post(`/admin/v1/orders/${o.id}/refunds`)
    .set(...admin(t))
    .send({ out_refund_no: no, amount: { refund: 70 } });
  assert.equal(first.status, 201, JSON.stringify(first.body));
  const over = await request(t.http)
    .post(`/admin/v1/orders/${o.id}/refunds`)
    .set(...admin(t))
    .send({ out_refund_no: outRefundNo(), amount: { refund: 31 } });
  assert.equal(over.status, 422, JSON.stringify(over.body));
  assert.equal(over.body.code, 'REFUND_AMOUNT_EXCEEDED');
  assert.equal(over.body.detail.refundable, 30);
  const reused = await request(t.http)
    .post(`/admin/v1/orders/${o.id}/refunds`)
    .set(...admin(t))
    .send({ out_refund_no: no, amount: { refund: 10 } });
  assert.equal(reused.status, 409, JSON.stringify(reused.body));
  assert.equal(reused.body.code, 'OUT_REFUND_NO_USED');
  const list = await request(t.http)
    .get(`/admin/v1/refunds?out_trade_no=${o.outTradeNo}`)
    .set(...admin(t));
  assert.equal(list.body.data.length, 1, 'only the first refund exists');
  assert.equal((await auditFor(`order:${o.id}`)).length, 1);
});

test('When an unpaid order is refunded by an operator, then 4xx ORDER_NOT_REFUNDABLE', async () => {
  const o = await order(false);
  const res = await request(t.http)
    .post(`/admin/v1/orders/${o.id}/refunds`)
    .set(...admin(t))
    .send({ out_refund_no: outRefundNo(), amount: { refund: 1 } });
  assert.equal(res.body.code, 'ORDER_NOT_REFUNDABLE', JSON.stringify(res.body));
  assert.ok(res.status >= 400 && res.status < 500);
});

test('When a viewer operator, a tenant key or no token tries to close or refund, then 403/401 and nothing changes', async () => {
  const o = await order(true);
  const viewer = await viewerToken();
  const refundBody = { out_refund_no: outRefundNo(), amount: { refund: 1 } };
  const byViewer = await request(t.http)
    .post(`/admin/v1/orders/${o.id}/refunds`)
    .set(...viewer)
    .send(refundBody);
  assert.equal(byViewer.status, 403);
  assert.equal(byViewer.body.code, 'FORBIDDEN');
  const closeByViewer = await request(t.http)
    .post(`/admin/v1/orders/${o.id}/close`)
    .set(...viewer);
  assert.equal(closeByViewer.status, 403);
  const byTenant = await request(t.http)
    .post(`/admin/v1/orders/${o.id}/refunds`)
    .set(...tenant.auth)
    .send(refundBody);
  assert.equal(byTenant.status, 401);
  const anonymous = await request(t.http).post(`/admin/v1/orders/${o.id}/refunds`).send(refundBody);
  assert.equal(anonymous.status, 401);
  const list = await request(t.http)
    .get(`/admin/v1/refunds?out_trade_no=${o.outTradeNo}`)
    .set(...admin(t));
  assert.deepEqual(list.body.data, []);
});

test('When the body is bad or the order unknown, then 400 PARAM_ERROR naming the field, or 404', async () => {
  const o = await order(true);
  const bad = await request(t.http)
    .post(`/admin/v1/orders/${o.id}/refunds`)
    .set(...admin(t))
    .send({ out_refund_no: 'has space', amount: { refund: 0 }, out_trade_no: 'X1234567' });
  assert.equal(bad.status, 400, JSON.stringify(bad.body));
  assert.equal(bad.body.code, 'PARAM_ERROR');
  const fields = JSON.stringify(bad.body.detail);
  assert.match(fields, /out_refund_no/);
  assert.match(fields, /amount\.refund/);
  const unknown = await request(t.http)
    .post('/admin/v1/orders/ord_doesnotexist/refunds')
    .set(...admin(t))
    .send({ out_refund_no: outRefundNo(), amount: { refund: 1 } });
  assert.equal(unknown.status, 404);
  assert.equal(unknown.body.code, 'NOT_FOUND');
  const closeUnknown = await request(t.http)
    .post('/admin/v1/orders/ord_doesnotexist/close')
    .set(...admin(t));
  assert.equal(closeUnknown.status, 404);
});
