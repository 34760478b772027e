import 'reflect-metadata';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { startTestApp, type TestApp } from '../../support/app';
import { TOKENS } from '../../../src/platform/tokens';
import type { LockService } from '../../../src/platform/kv/kv';
import type { Orm } from '../../../src/platform/db/orm';
import { reader, rows, run } from '../../../src/platform/db/sql';
import { rsaPems } from '../../support/tenancy';
import { OrderRepository } from '../../../src/modules/payments/order.repository';
import { givenWechatProvider, givenWechatTenant, orderBody, simulatorOf, type Provider } from '../../support/payments';

// The request that inserts an order holds its prepay claim in the row (prepay_claim_until): no Redis lock.
let t: TestApp;
let provider: Provider;
const lockKeys: string[] = [];

before(async () => {
  t = await startTestApp(
    {},
    {
      // Every lock the app takes is recorded (the real lock service still does the locking).
      override: (c) => {
        const real = c.resolve<LockService>(TOKENS.Locks);
        c.register(TOKENS.Locks, {
          useValue: {
            withLock: (key, fn, opts) => {
              lockKeys.push(key);
              return real.withLock(key, fn, opts);
            },
          } satisfies LockService,
        });
      },
    },
  );
  provider = await givenWechatProvider(t, rsaPems());
});
after(() => t.close());

const jsapiCalls = (outNo: string) =>
  simulatorOf(t)
    .calls()
    .filter((c) => c.path === '/v3/pay/partner/transactions/jsapi' && (c.body as { out_trade_no?: string })?.out_trade_no === outNo);

async function claimOf(outNo: string): Promise<unknown> {
  const orm = t.app.container.resolve<Orm>(TOKENS.Orm);
  const found = await rows<{ c: unknown }>(reader(orm), 'select prepay_claim_until as c from payment_order where out_trade_no = ?', [
    outNo,
  ]);
  return found[0].c;
}

test('When a tenant creates an order, then no lock is taken (the INSERT holds the prepay claim) and saving the prepay_id clears the claim', async () => {
  const tenant = await givenWechatTenant(t, provider);
  const body = orderBody(tenant);
  lockKeys.length = 0;
  const res = await request(t.http)
    .post('/v1/orders')
    .set(...tenant.auth)
    .send(body);
  assert.equal(res.status, 201, JSON.stringify(res.body));
  assert.match(res.body.order.prepay_id, /^wx/);
  assert.deepEqual(
    lockKeys.filter((k) => k.startsWith('order:prepay:')),
    [],
  );
  assert.equal(await claimOf(body.out_trade_no as string), null);
});

test('When a duplicate create comes while the first one waits for WeChat Pay, then it waits for that prepay_id and WeChat Pay is asked once', async () => {
  const tenant = await givenWechatTenant(t, provider);
  const body = orderBody(tenant);
  const outNo = body.out_trade_no as string;
  simulatorOf(t).fault({ kind: 'latency', delay_ms: 800, count: 1, path_prefix: '/v3/pay/partner/transactions/jsapi' });
  const first = request(t.http)
    .post('/v1/orders')
    .set(...tenant.auth)
    .send(body)
    .then((r) => r);
  // The first request's row (and its claim) is in the database before the duplicate is sent.
  const deadline = Date.now() + 10_000;
  const orm = t.app.container.resolve<Orm>(TOKENS.Orm);
  while ((await rows(reader(orm), 'select id from payment_order where out_trade_no = ?', [outNo])).length === 0) {
    if (Date.now() > deadline) assert.fail('the first request never inserted its order');
    await new Promise((r) => setTimeout(r, 10));
  }
  const second = await request(t.http)
    .post('/v1/orders')
    .set(...tenant.auth)
    .send(body);
  const answered = await first;
  assert.equal(answered.status, 201, JSON.stringify(answered.body));
  assert.equal(second.status, 200, JSON.stringify(second.body));
  assert.equal(second.body.order.prepay_id, answered.body.order.prepay_id);
  assert.equal(jsapiCalls(outNo).length, 1);
});

test('When the creating request fails upstream, then its claim is released and a retry asks WeChat Pay at once', async () => {
  const tenant = await givenWechatTenant(t, provider);
  const body = orderBody(tenant);
  simulatorOf(t).fault({ kind: 'http_500', count: 10, path_prefix: '/v3/pay/partner/transactions/jsapi' });
  const failed = await request(t.http)
    .post('/v1/orders')
    .set(...tenant.auth)
    .send(body);
  simulatorOf(t).clearFaults();
  assert.equal(failed.status, 502);
  assert.equal(await claimOf(body.out_trade_no as string), null, 'the claim is released');
  const retried = await request(t.http)
    .post('/v1/orders')
    .set(...tenant.auth)
    .send(body);
  assert.equal(retried.status, 200, JSON.stringify(retried.body));
  assert.match(retried.body.order.prepay_id, /^wx/);
});

test('When 16 orders are created at once, then each reads back its own prepay_id and no claim is left', async () => {
  const tenant = await givenWechatTenant(t, provider);
  const bodies = Array.from({ length: 16 }, () => orderBody(tenant));
  const created = await Promise.all(
    bodies.map((b) =>
      request(t.http)
        .post('/v1/orders')
        .set(...tenant.auth)
        .send(b),
    ),
  );
  for (const [i, c] of created.entries()) {
    assert.equal(c.status, 201, JSON.stringify(c.body));
    const read = await request(t.http)
      .get(`/v1/orders/${bodies[i].out_trade_no}`)
      .set(...tenant.auth);
    assert.equal(read.body.order.prepay_id, c.body.order.prepay_id);
    assert.equal(await claimOf(bodies[i].out_trade_no as string), null);
  }
  assert.equal(new Set(created.map((c) => c.body.order.prepay_id)).size, 16);
});

test('When prepay_ids of several orders are saved in one turn, then one shared UPDATE gives each its own, and leaves a closed order alone', async () => {
  const tenant = await givenWechatTenant(t, provider);
  const orm = t.app.container.resolve<Orm>(TOKENS.Orm);
  const bodies = [orderBody(tenant), orderBody(tenant), orderBody(tenant)];
  const ids: string[] = [];
  for (const b of bodies)
    ids.push(
      (
        await request(t.http)
          .post('/v1/orders')
          .set(...tenant.auth)
          .send(b)
          .expect(201)
      ).body.order.id,
    );
  await run(reader(orm), `update payment_order set trade_state = 'CLOSED' where id = ?`, [ids[2]]);
  const repo = t.app.container.resolve(OrderRepository);
  const at = Date.now();
  await Promise.all(ids.map((id, i) => repo.savePrepayBatched(id, `wx_batched_${i}`, at + i)));
  const saved = await rows<{ id: string; prepay_id: string; prepay_at: unknown; prepay_claim_until: unknown }>(
    reader(orm),
    `select id, prepay_id, prepay_at, prepay_claim_until from payment_order where id in (?, ?, ?)`,
    ids,
  );
  const byId = new Map(saved.map((r) => [r.id, r]));
  assert.equal(byId.get(ids[0])!.prepay_id, 'wx_batched_0');
  assert.equal(Number(byId.get(ids[0])!.prepay_at), at);
  assert.equal(byId.get(ids[1])!.prepay_id, 'wx_batched_1');
  assert.equal(Number(byId.get(ids[1])!.prepay_at), at + 1);
  assert.notEqual(byId.get(ids[2])!.prepay_id, 'wx_batched_2', 'a closed order keeps its prepay_id');
});
