/**
 * Two partnerpay processes on one database and one Redis: duplicate notifications split across both
 * apply once; every event is delivered once per attempt; the background jobs (reconciler, expiry,
 * dispatcher, bills daily run, complaints sync) do not double-run. Needs DATABASE_URL=mysql://... and REDIS_URL (a
 * SQLite file and in-process locks are one process's setup): skipped otherwise, saying so.
 */
import 'reflect-metadata';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'undici';
import { freePort, PartnerpayProcess, seededRandom, sleep, waitFor } from './support/processes';
import {
  call,
  callUntil,
  eventsInDb,
  orderBody,
  provision,
  redisScope,
  scratchDatabase,
  startSimulatorProcess,
  WebhookReceiver,
  type Provider,
  type ScratchDb,
  type SimulatorProcess,
} from './support/world';
import { transactionSuccess } from './support/notify';
import type { RawDb } from '../../bench/support/raw-db';

const SEED = Number(process.env.RESIL_SEED ?? 20261213);
const skip =
  !process.env.DATABASE_URL || !/^(mysql|mariadb):/.test(process.env.DATABASE_URL) || !process.env.REDIS_URL
    ? 'two processes share MariaDB and Redis: set DATABASE_URL=mysql://... and REDIS_URL'
    : false;

let sim: SimulatorProcess;
let db: ScratchDb;
let raw: RawDb;
let a: PartnerpayProcess;
let b: PartnerpayProcess;
let p: Provider;
const hooks = new WebhookReceiver();
const redis = redisScope('cluster');

before(async () => {
  if (skip) return console.log(`# cluster: skipped (${skip})`);
  console.log(`# cluster seed ${SEED}`);
  sim = await startSimulatorProcess();
  db = await scratchDatabase('pp_resil_cluster');
  await hooks.start();
  const opts = {
    dbUrl: db.url,
    redisUrl: redis.url,
    redisPrefix: redis.prefix,
    wxpayBase: sim.base,
    jobsIntervalMs: 200,
    // Both processes try to sync complaints every second: the lease row lets one of them at a time.
    env: { PARTNERPAY_COMPLAINTS_SYNC_SECONDS: '1' },
  };
  a = new PartnerpayProcess({ ...opts, port: await freePort() });
  await a.start(60_000);
  b = new PartnerpayProcess({ ...opts, port: await freePort() });
  await b.start(60_000);
  p = await provision(a.base, sim, 3, hooks.url, seededRandom(SEED));
  raw = await db.raw();
});

after(async () => {
  if (skip) return;
  await raw?.close();
  await a?.kill9();
  await b?.kill9();
  await sim?.close();
  await hooks.close();
  await db?.drop();
  await redis.clean();
});

const count = async (sql: string, params: unknown[] = []) => Number((await raw.all<{ c: number }>(sql, params))[0].c);

test('Duplicate notifications split across two processes apply once; each event is delivered once per attempt', { skip }, async () => {
  const N = 24;
  const COPIES = 6;
  const orders = Array.from({ length: N }, (_, i) => ({ t: p.tenants[i % 3], no: `C${SEED.toString(36)}x${i}` }));
  for (const [i, o] of orders.entries()) {
    const via = i % 2 ? b : a;
    await callUntil(
      `create ${o.no}`,
      () => call('POST', `${via.base}/v1/orders`, o.t.secretKey, orderBody(o.t, o.no)),
      (x) => x.status === 201,
    );
  }
  // The first delivery of every fifth event fails at the tenant: it is retried (15 s later) by whichever process claims it.
  const failFirst = new Set(orders.filter((_, i) => i % 5 === 0).map((o) => o.no));
  const seen = new Map<string, number>();
  hooks.failWhen = (d) => {
    const n = (seen.get(d.id) ?? 0) + 1;
    seen.set(d.id, n);
    return n === 1 && failFirst.has(d.key);
  };

  // WeChat Pay sends each notification COPIES times at once: identical copies and re-signed resends, half to each process.
  const answers = new Map<number, number>();
  await Promise.all(
    orders.map(async (o) => {
      const n = transactionSuccess(sim, p, o.t, o.no, 100);
      const copy = n.sign();
      await Promise.all(
        Array.from({ length: COPIES }, async (_, k) => {
          const res = await request(`${(k % 2 ? b : a).base}${n.path}`, {
            method: 'POST',
            headers: k % 3 === 0 ? copy : n.sign(),
            body: n.body,
            headersTimeout: 20_000,
          });
          await res.body.dump();
          answers.set(res.statusCode, (answers.get(res.statusCode) ?? 0) + 1);
        }),
      );
    }),
  );
  assert.deepEqual(
    [...answers.keys()].filter((s) => s !== 200 && s !== 204),
    [],
    `every copy acknowledged: ${JSON.stringify([...answers])}`,
  );

  const keys = orders.map((o) => o.no);
  await waitFor('every order.paid delivered', async () => (await eventsInDb(raw)).undelivered === 0 && seen.size >= N, 60_000, 300);
  const ev = await eventsInDb(raw);
  for (const no of keys) assert.equal(ev.byKey.get(`order.paid ${no}`), 1, `${no}: applied once`);
  assert.equal(await count(`select count(*) as c from payment_order where trade_state = 'SUCCESS'`), N);
  const applied = await count(`select count(*) as c from notification_log where outcome = 'applied'`);
  assert.equal(applied, N);
  // Once per attempt: the receiver saw each event exactly as many times as the database counts attempts.
  const attempts = await raw.all<{ event_id: string; c: number }>(
    'select event_id, count(*) as c from event_delivery_attempt group by event_id',
  );
  const perEvent = new Map(hooks.deliveries.reduce((m, d) => m.set(d.id, (m.get(d.id) ?? 0) + 1), new Map<string, number>()));
  for (const r of attempts) assert.equal(perEvent.get(r.event_id), Number(r.c), `event ${r.event_id}: one delivery per attempt`);
  const retried = attempts.filter((r) => Number(r.c) > 1).length;
  assert.equal(retried, failFirst.size);
  const byProcess = await raw.all<{ outcome: string; c: number }>('select outcome, count(*) as c from notification_log group by outcome');
  // A copy that lost the race is a duplicate, not a conflict (found here: MariaDB's snapshot read saw the order still NOTPAY).
  assert.deepEqual(
    byProcess.filter((r) => !['applied', 'duplicate', 'replayed'].includes(r.outcome)),
    [],
    'every copy applied, duplicate or replayed',
  );
  console.log(
    `# cluster: ${N} orders x ${COPIES} concurrent copies over 2 processes: answers ${JSON.stringify(Object.fromEntries(answers))}; ` +
      `notification_log ${JSON.stringify(Object.fromEntries(byProcess.map((r) => [r.outcome, Number(r.c)])))}; ` +
      `${ev.ids.size} events, ${hooks.deliveries.length} deliveries for ${attempts.reduce((s, r) => s + Number(r.c), 0)} attempts ` +
      `(${retried} retried once); lost: nothing, doubled: nothing`,
  );
  hooks.failWhen = undefined;
});

test('Background jobs on two processes do not double-run: reconciler, expiry, dispatcher, bills daily run', { skip }, async () => {
  const M = 8;
  const repeatsBefore = hooks.summary().repeats;
  const paidQuietly = Array.from({ length: M }, (_, i) => ({ t: p.tenants[i % 3], no: `Q${SEED.toString(36)}x${i}` }));
  const expiring = Array.from({ length: M }, (_, i) => ({ t: p.tenants[i % 3], no: `X${SEED.toString(36)}x${i}` }));
  for (const [i, o] of [...paidQuietly, ...expiring].entries()) {
    const via = i % 2 ? b : a;
    await callUntil(
      `create ${o.no}`,
      () => call('POST', `${via.base}/v1/orders`, o.t.secretKey, orderBody(o.t, o.no)),
      (x) => x.status === 201,
    );
  }
  // Paid at WeChat Pay, but the notification is held back (a day of simulator time): only the 补单 query can find it.
  await sim.control('POST', '/faults', { kind: 'delay_notifications', delay_ms: 86_400_000, count: M });
  for (const o of paidQuietly) await sim.control('POST', '/pay', { sp_mchid: p.spMchid, sub_mchid: o.t.subMchid, out_trade_no: o.no });
  // Ten minutes old (due for the reconciler), and the expiring ones past their time_expire (due for auto-close).
  const tenMinutesAgo = Date.now() - 600_000;
  const list = (xs: Array<{ no: string }>) => xs.map((o) => `'${o.no}'`).join(',');
  await raw.run(`update payment_order set created_at = ? where out_trade_no in (${list([...paidQuietly, ...expiring])})`, [tenMinutesAgo]);
  await raw.run(`update payment_order set time_expire = ? where out_trade_no in (${list(expiring)})`, [Date.now() - 60_000]);

  await waitFor(
    'the reconciler and auto-close to finish',
    async () =>
      (await count(`select count(*) as c from payment_order where trade_state = 'SUCCESS' and out_trade_no in (${list(paidQuietly)})`)) ===
        M &&
      (await count(`select count(*) as c from payment_order where trade_state = 'CLOSED' and out_trade_no in (${list(expiring)})`)) === M,
    60_000,
    300,
  );
  // The bills job runs every 30 s on each process (at a random offset): give both a turn.
  await sleep(3000);
  await waitFor('events delivered', async () => (await eventsInDb(raw)).undelivered === 0, 60_000, 300);
  const ev = await eventsInDb(raw);
  for (const o of paidQuietly) assert.equal(ev.byKey.get(`order.paid ${o.no}`), 1, `${o.no} paid once`);
  for (const o of expiring) assert.equal(ev.byKey.get(`order.closed ${o.no}`), 1, `${o.no} closed once`);
  const repeats = hooks.summary().repeats - repeatsBefore;
  const upstream = (
    await sim.control<{ data: Array<{ method: string; path: string }> }>(
      'GET',
      '/calls?path_prefix=/v3/pay/partner/transactions/out-trade-no',
    )
  ).data;
  const closeCalls = upstream.filter((c) => c.path.endsWith('/close')).length;
  const queries = upstream.filter((c) => c.method === 'GET').length;
  const runs = await raw.all<{ sp_mchid: string; bill_date: string; c: number }>(
    'select sp_mchid, bill_date, count(*) as c from reconciliation group by sp_mchid, bill_date',
  );
  assert.ok(
    runs.every((r) => Number(r.c) === 1),
    `one daily run per provider and day: ${JSON.stringify(runs)}`,
  );
  console.log(
    `# cluster jobs: reconciler found ${M} quietly paid orders (one order.paid each), auto-close closed ${M} (one order.closed each, ` +
      `${closeCalls} close calls and ${queries} queries upstream for ${2 * M} orders), bills daily runs per provider and day: ${JSON.stringify(runs.map((r) => Number(r.c)))}; ` +
      `webhook deliveries repeated: ${repeats}`,
  );
  assert.equal(repeats, 0);
  assert.equal(closeCalls, M, 'each expired order closed upstream by one process');
  assert.equal(queries, 2 * M, 'each due order queried by one process');
});

test('The complaints sync on two processes fetches and routes each complaint whose notification was lost once', { skip }, async () => {
  const K = 9;
  const raised: Array<{ complaint_id: string; sub: string; tenant: string }> = [];
  for (let i = 0; i < K; i++) {
    const t = p.tenants[i % 3];
    // notify: false — WeChat Pay's notification is lost; only the periodic sync can find these.
    const c = await sim.control<{ complaint_id: string }>('POST', '/complaints', {
      sp_mchid: p.spMchid,
      sub_mchid: t.subMchid,
      notify: false,
    });
    raised.push({ complaint_id: c.complaint_id, sub: t.subMchid, tenant: t.id });
  }
  const ids = raised.map((c) => `'${c.complaint_id}'`).join(',');
  await waitFor(
    'the sync to find every complaint',
    async () => (await count(`select count(*) as c from complaint where complaint_id in (${ids})`)) === K,
    60_000,
    300,
  );
  // A few more sync intervals on both processes: nothing is fetched again.
  await sleep(3000);
  const routed = await raw.all<{ complaint_id: string; tenant_id: string }>(
    `select complaint_id, tenant_id from complaint where complaint_id in (${ids})`,
  );
  for (const c of raised)
    assert.equal(routed.find((r) => r.complaint_id === c.complaint_id)?.tenant_id, c.tenant, `${c.complaint_id} routed to its tenant`);
  const created = await raw.all<{ payload: string }>(`select payload from event where type = 'complaint.created'`);
  const createdFor = (id: string) =>
    created.filter((e) => (JSON.parse(e.payload) as { data: { complaint_id: string } }).data.complaint_id === id).length;
  const calls = (await sim.control<{ data: Array<{ path: string }> }>('GET', '/calls?path_prefix=/v3/merchant-service/complaints-v2')).data;
  const lists = calls.filter((c) => c.path === '/v3/merchant-service/complaints-v2').length;
  for (const c of raised) {
    assert.equal(createdFor(c.complaint_id), 1, `${c.complaint_id}: one complaint.created`);
    assert.equal(
      calls.filter((x) => x.path === `/v3/merchant-service/complaints-v2/${c.complaint_id}`).length,
      1,
      `${c.complaint_id} fetched once`,
    );
  }
  console.log(
    `# cluster complaints: ${K} lost notifications found by the sync, each fetched and routed once; ${lists} list calls from both processes`,
  );
});
