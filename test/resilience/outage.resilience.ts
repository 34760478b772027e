/**
 * The servers partnerpay needs go away, each a private one of this test (own port and data directory;
 * the shared 3306/6379 are never touched):
 * - mariadbd is killed while WeChat Pay notifies: every notification is answered 5xx, none acknowledged;
 *   once the server is back, WeChat Pay's retries apply each exactly once.
 * - redis-server is killed: what still works, what is refused (and how), and that it all recovers.
 */
import 'reflect-metadata';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { freePort, PartnerpayProcess, PrivateMariadb, PrivateRedis, seededRandom, waitFor } from './support/processes';
import {
  call,
  callUntil,
  clearSimulatorLogs,
  eventsInDb,
  orderBody,
  provision,
  redisScope,
  scratchDatabase,
  startSimulatorProcess,
  WebhookReceiver,
  type Answer,
  type SimulatorProcess,
} from './support/world';
import { mysqlRaw } from '../../bench/support/raw-db';

const SEED = Number(process.env.RESIL_SEED ?? 20261213);
const N = 12;

let sim: SimulatorProcess;
const hooks = new WebhookReceiver();

before(async () => {
  console.log(`# outage seed ${SEED}`);
  sim = await startSimulatorProcess();
  await hooks.start();
});
after(async () => {
  await sim?.close();
  await hooks.close();
});

interface Delivery {
  url: string;
  ok: boolean;
  status: number;
  error?: string;
}
const deliveries = async () => (await sim.control<{ data: Delivery[] }>('GET', '/deliveries')).data;

/** Advances WeChat Pay's clock (its notification retries) until `done`, bounded. */
async function retryUntil(what: string, done: () => Promise<boolean>, timeoutMs = 90_000): Promise<void> {
  await waitFor(
    what,
    async () => {
      if (await done()) return true;
      await sim.control('POST', '/clock/advance', { ms: 16_000 });
      return done();
    },
    timeoutMs,
    300,
  );
}

test('The database goes away while notifications arrive: WeChat Pay gets 5xx, nothing is acknowledged, all applies once it is back', async (t) => {
  const mdb = await PrivateMariadb.create();
  if (typeof mdb === 'string') return t.skip(`no private MariaDB: ${mdb}`);
  const redis = redisScope('dbdown');
  const url = await mdb.createDatabase('partnerpay');
  const pp = new PartnerpayProcess({
    dbUrl: url,
    redisUrl: redis.url,
    redisPrefix: redis.prefix,
    wxpayBase: sim.base,
    port: await freePort(),
    jobsIntervalMs: 250,
  });
  try {
    await pp.start(60_000);
    const p = await provision(pp.base, sim, 2, hooks.url, seededRandom(SEED));
    const orders = Array.from({ length: N }, (_, i) => ({ t: p.tenants[i % 2], no: `D${SEED.toString(36)}x${i}` }));
    for (const o of orders)
      await callUntil(
        `create ${o.no}`,
        () => call('POST', `${pp.base}/v1/orders`, o.t.secretKey, orderBody(o.t, o.no)),
        (a) => a.status === 201,
      );
    await clearSimulatorLogs(sim);

    await mdb.kill();
    const downAt = Date.now();
    // WeChat Pay notifies every payment while the database is gone; a read and readiness are asked too.
    for (const o of orders) await sim.control('POST', '/pay', { sp_mchid: p.spMchid, sub_mchid: o.t.subMchid, out_trade_no: o.no });
    const during = await deliveries();
    const read = await call('GET', `${pp.base}/v1/orders/${orders[0].no}`, orders[0].t.secretKey, undefined, 15_000);
    const ready = await call('GET', `${pp.base}/readyz`, undefined, undefined, 15_000);
    const create = await call('POST', `${pp.base}/v1/orders`, p.tenants[0].secretKey, orderBody(p.tenants[0], `D${SEED}late`), 15_000);
    const statuses = during.map((d) => d.status);
    console.log(
      `# db down: ${during.length} notifications answered ${JSON.stringify(count(statuses))}; read ${read.status} ${code(read)}, ` +
        `create ${create.status} ${code(create)}, /readyz ${ready.status}`,
    );
    assert.equal(during.length, N);
    assert.ok(
      during.every((d) => !d.ok && d.status >= 500 && d.status <= 599),
      `every notification refused with a 5xx: ${JSON.stringify(during)}`,
    );
    for (const a of [read, create, ready]) assert.ok(a.status >= 500 && a.status <= 599, `5xx, not a hang: ${a.status} ${a.error ?? ''}`);

    await mdb.start();
    await waitFor('partnerpay ready again', async () => (await call('GET', `${pp.base}/readyz`)).status === 200, 60_000, 200);
    const backAfter = Date.now() - downAt;
    // Nothing was acknowledged, so nothing was applied from memory: the orders wait for WeChat Pay's retries.
    const raw = mysqlRaw(url, 1);
    try {
      const paidEarly = await raw.all<{ c: number }>(`select count(*) as c from payment_order where trade_state <> 'NOTPAY'`);
      assert.equal(Number(paidEarly[0].c), 0);
      await retryUntil('every order paid after the retries', async () => {
        const rows = await raw.all<{ c: number }>(`select count(*) as c from payment_order where trade_state = 'SUCCESS'`);
        return Number(rows[0].c) === N;
      });
      await waitFor('events delivered', async () => (await eventsInDb(raw)).undelivered === 0, 60_000, 300);
      const ev = await eventsInDb(raw);
      assert.equal(ev.ids.size, N);
      for (const o of orders) assert.equal(ev.byKey.get(`order.paid ${o.no}`), 1);
      const all = await deliveries();
      console.log(
        `# db down: back after ${backAfter} ms; ${all.filter((d) => d.ok).length} notifications acknowledged after it, ` +
          `each applied once (${ev.ids.size} order.paid events, all delivered); lost: nothing`,
      );
    } finally {
      await raw.close();
    }
  } finally {
    await pp.kill9();
    await mdb.close();
    await redis.clean();
  }
});

test('Redis goes away: what degrades and what refuses, never a hang, and everything recovers', async (t) => {
  const r = await PrivateRedis.create();
  if (typeof r === 'string') return t.skip(`no private Redis: ${r}`);
  const db = await scratchDatabase('pp_resil_redis');
  const pp = new PartnerpayProcess({
    dbUrl: db.url,
    redisUrl: r.url,
    redisPrefix: 'pp:',
    wxpayBase: sim.base,
    port: await freePort(),
    jobsIntervalMs: 250,
  });
  try {
    await pp.start(60_000);
    const p = await provision(pp.base, sim, 2, hooks.url, seededRandom(SEED + 1));
    const [a, b] = p.tenants;
    const first = `E${SEED.toString(36)}x0`;
    await callUntil(
      'create',
      () => call('POST', `${pp.base}/v1/orders`, a.secretKey, orderBody(a, first)),
      (x) => x.status === 201,
    );
    // One order paid while Redis is up, to be refunded while it is down.
    const paidBefore = `E${SEED.toString(36)}p0`;
    await callUntil(
      'create',
      () => call('POST', `${pp.base}/v1/orders`, a.secretKey, orderBody(a, paidBefore)),
      (x) => x.status === 201,
    );
    await sim.control('POST', '/pay', { sp_mchid: p.spMchid, sub_mchid: a.subMchid, out_trade_no: paidBefore });
    await waitFor(
      'paid before the outage',
      async () =>
        ((await call('GET', `${pp.base}/v1/orders/${paidBefore}`, a.secretKey)).body.order as { trade_state?: string })?.trade_state ===
        'SUCCESS',
      30_000,
      200,
    );
    await clearSimulatorLogs(sim);

    await r.kill();
    const probes: Array<[string, Answer]> = [];
    const probe = async (what: string, fn: () => Promise<Answer>) => probes.push([what, await fn()]);
    await probe('GET /readyz', () => call('GET', `${pp.base}/readyz`, undefined, undefined, 15_000));
    await probe('GET /healthz', () => call('GET', `${pp.base}/healthz`, undefined, undefined, 15_000));
    await probe('GET /v1/orders/{no} (tenant read)', () => call('GET', `${pp.base}/v1/orders/${first}`, a.secretKey, undefined, 15_000));
    await probe('POST /v1/orders (create)', () =>
      call('POST', `${pp.base}/v1/orders`, b.secretKey, orderBody(b, `E${SEED.toString(36)}x1`), undefined),
    );
    await probe('POST /v1/refunds (refund)', () =>
      call('POST', `${pp.base}/v1/refunds`, a.secretKey, { out_trade_no: paidBefore, out_refund_no: `F${SEED}`, amount: { refund: 10 } }),
    );
    await probe('POST /v1/orders with a bad key', () => call('POST', `${pp.base}/v1/orders`, 'sk_live_wrong', orderBody(b, 'Ebadkey1')));
    await probe('GET /admin/v1/tenants (operator)', () =>
      call('GET', `${pp.base}/admin/v1/tenants?limit=1`, 'test-admin-token-000000000000000', undefined, 15_000),
    );
    await sim.control('POST', '/pay', { sp_mchid: p.spMchid, sub_mchid: a.subMchid, out_trade_no: first });
    const notified = await deliveries();
    probes.push(['WeChat Pay notification', { status: notified[0]?.status ?? -1, body: {} }]);
    for (const [what, ans] of probes)
      console.log(`# redis down: ${what} -> ${ans.status} ${code(ans)}${ans.error ? ` (${ans.error})` : ''}`);
    for (const [what, ans] of probes) assert.ok(ans.status > 0, `${what} answered, not hung or dropped`);
    // What degrades (still answers as usual) and what refuses (503, retryable; WeChat Pay's notification: any 5xx, it retries).
    const expected: Record<string, (s: number) => boolean> = {
      'GET /readyz': (s) => s === 503,
      'GET /healthz': (s) => s === 200,
      'GET /v1/orders/{no} (tenant read)': (s) => s === 200,
      'POST /v1/orders (create)': (s) => s === 503,
      'POST /v1/refunds (refund)': (s) => s === 201 || s === 503,
      'POST /v1/orders with a bad key': (s) => s === 401,
      'GET /admin/v1/tenants (operator)': (s) => s === 200,
      'WeChat Pay notification': (s) => s >= 500 && s <= 599,
    };
    for (const [what, ans] of probes) assert.ok(expected[what](ans.status), `${what}: ${ans.status}`);

    await r.start();
    await waitFor('partnerpay ready again', async () => (await call('GET', `${pp.base}/readyz`)).status === 200, 30_000, 200);
    const second = `E${SEED.toString(36)}x1`;
    await callUntil(
      'create after',
      () => call('POST', `${pp.base}/v1/orders`, b.secretKey, orderBody(b, second)),
      (x) => x.status < 300,
    );
    await sim.control('POST', '/pay', { sp_mchid: p.spMchid, sub_mchid: b.subMchid, out_trade_no: second });
    const raw = await db.raw();
    try {
      await retryUntil('both orders paid', async () => {
        const rows = await raw.all<{ c: number }>(`select count(*) as c from payment_order where trade_state = 'SUCCESS'`);
        return Number(rows[0].c) === 3;
      });
      await waitFor('events delivered', async () => (await eventsInDb(raw)).undelivered === 0, 60_000, 300);
      const ev = await eventsInDb(raw);
      assert.equal(ev.byKey.get(`order.paid ${first}`), 1);
      assert.equal(ev.byKey.get(`order.paid ${second}`), 1);
      const orders = await raw.all<{ c: number }>('select count(*) as c from payment_order');
      assert.equal(Number(orders[0].c), 3, 'no order was written twice');
      console.log('# redis down: after it is back, the 3 orders paid once each, 3 events delivered; lost: nothing');
    } finally {
      await raw.close();
    }
  } finally {
    await pp.kill9();
    await r.close();
    await db.drop();
  }
});

function count(xs: number[]): Record<string, number> {
  const m: Record<string, number> = {};
  for (const x of xs) m[x] = (m[x] ?? 0) + 1;
  return m;
}

function code(a: Answer): string {
  return typeof a.body.code === 'string' ? a.body.code : '';
}
