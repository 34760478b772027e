/**
 * kill -9 of a partnerpay process at random points of order creation, notification handling, refund
 * and event dispatch, restarting it each time. Afterwards: no acknowledged notification is lost, no
 * order or refund changed twice (exactly the expected events per order), every event was delivered.
 * partnerpay (dist/src/app/main.js) and the simulator (packages/wxpay-simulator/dist/src/main.js) are separate processes.
 */
import 'reflect-metadata';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
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
  StatusCounts,
  WebhookReceiver,
  type Provider,
  type ScratchDb,
  type SimulatorProcess,
} from './support/world';

const SEED = Number(process.env.RESIL_SEED ?? 20261213);
const KILLS = Number(process.env.RESIL_KILLS ?? 52);
const CONCURRENCY = Number(process.env.RESIL_FLOWS ?? 8);
type Phase = 'create' | 'notify' | 'refund' | 'dispatch';
const PHASES: Phase[] = ['create', 'notify', 'refund', 'dispatch'];

let sim: SimulatorProcess;
let db: ScratchDb;
let pp: PartnerpayProcess;
const hooks = new WebhookReceiver();
const redis = redisScope('crash');
/** The simulator's clock ticker runs while true; after() stops it, so a failed run never hangs. */
let ticking = false;

before(async () => {
  console.log(`# crash seed ${SEED} (RESIL_SEED=${SEED} reproduces the kill points), ${KILLS} kills`);
  sim = await startSimulatorProcess();
  db = await scratchDatabase('pp_resil_crash');
  await hooks.start();
  pp = new PartnerpayProcess({
    dbUrl: db.url,
    redisUrl: redis.url,
    redisPrefix: redis.prefix,
    wxpayBase: sim.base,
    port: await freePort(),
    jobsIntervalMs: 250,
  });
  await pp.start(60_000);
  console.log(`# crash: database ${db.dialect}, redis ${redis.url ?? 'in-process'}`);
});

after(async () => {
  ticking = false;
  await pp?.kill9();
  await sim?.close();
  await hooks.close();
  await db?.drop();
  await redis.clean();
});

test('kill -9 at random points of order creation, notification, refund and dispatch: nothing lost, nothing twice, every event delivered', async () => {
  const rnd = seededRandom(SEED);
  const provider: Provider = await provision(pp.base, sim, 3, hooks.url, rnd);
  hooks.delayMs = 25; // a delivery takes a moment, so that some kills land in the middle of one
  const inFlight: Record<Phase, number> = { create: 0, notify: 0, refund: 0, dispatch: 0 };
  const statuses = new StatusCounts();
  const flowsDone: string[] = [];
  let stopFlows = false;
  const tracked = async <T>(phase: Exclude<Phase, 'dispatch'>, fn: () => Promise<T>): Promise<T> => {
    inFlight[phase]++;
    try {
      return await fn();
    } finally {
      inFlight[phase]--;
    }
  };

  // WeChat Pay's retries of notifications that partnerpay did not acknowledge (15 s, 15 s, 30 s, 3 min, 10 min...):
  // its clock runs a minute a second, so even a notification refused five times in a row is retried within a minute.
  // Once the kills are over, ten minutes a second: the retries of notifications refused many times come soon.
  ticking = true;
  const run = { killsDoneAt: undefined as number | undefined };
  const ticker = (async () => {
    while (ticking) {
      await sleep(500);
      await sim.control('POST', '/clock/advance', { ms: run.killsDoneAt ? 300_000 : 30_000 }).catch(() => undefined);
    }
  })();
  // A flow waits as long as the kills go on (bounded: they are), then at most two minutes more.
  const settle = async (what: string, probe: () => Promise<boolean>) => {
    const cap = Date.now() + 15 * 60_000;
    for (;;) {
      if (await probe().catch(() => false)) return;
      if (Date.now() > Math.min(cap, (run.killsDoneAt ?? Infinity) + 120_000)) throw new Error(`timed out waiting for ${what}`);
      await sleep(200);
    }
  };

  const flow = async (i: number) => {
    const t = provider.tenants[i % provider.tenants.length];
    const no = `K${SEED.toString(36)}x${i}`;
    const rno = `R${SEED.toString(36)}x${i}`;
    const auth = t.secretKey;
    await tracked('create', () =>
      callUntil(
        `create ${no}`,
        () => call('POST', `${pp.base}/v1/orders`, auth, orderBody(t, no)),
        (a) => a.status === 201 || a.status === 200,
        { statuses, budgetMs: 300_000 },
      ),
    );
    // The buyer pays: WeChat Pay notifies partnerpay (the first attempt is answered before /control/pay returns).
    await tracked('notify', () => sim.control('POST', '/pay', { sp_mchid: provider.spMchid, sub_mchid: t.subMchid, out_trade_no: no }));
    await settle(`${no} paid in partnerpay`, async () => {
      const a = await call('GET', `${pp.base}/v1/orders/${no}`, auth);
      return a.status === 200 && (a.body.order as { trade_state: string }).trade_state !== 'NOTPAY';
    });
    await tracked('refund', () =>
      callUntil(
        `refund ${rno}`,
        () => call('POST', `${pp.base}/v1/refunds`, auth, { out_trade_no: no, out_refund_no: rno, amount: { refund: 30 } }),
        (a) => a.status === 201 || a.status === 200,
        { statuses, budgetMs: 300_000 },
      ),
    );
    await tracked('notify', () =>
      sim.control('POST', '/refunds/finish', { sp_mchid: provider.spMchid, sub_mchid: t.subMchid, out_refund_no: rno, status: 'SUCCESS' }),
    );
    await settle(`${rno} succeeded in partnerpay`, async () => {
      const a = await call('GET', `${pp.base}/v1/refunds/${rno}`, auth);
      return a.status === 200 && (a.body.refund as { status: string }).status === 'SUCCESS';
    });
    flowsDone.push(no);
  };

  let next = 0;
  const workers = Array.from({ length: CONCURRENCY }, async () => {
    while (!stopFlows) await flow(next++);
  });
  const failures: unknown[] = [];
  const running = Promise.all(workers.map((w) => w.catch((err) => failures.push(err))));

  // The killer: pick a phase, wait (bounded) until something of it is in flight, a random few ms more, kill -9, restart.
  const killedIn: Record<Phase | 'between', number> = { create: 0, notify: 0, refund: 0, dispatch: 0, between: 0 };
  const restartMs: number[] = [];
  for (let k = 0; k < KILLS && failures.length === 0; k++) {
    const want = PHASES[Math.floor(rnd() * PHASES.length)];
    const busy = () => (want === 'dispatch' ? hooks.inFlight : inFlight[want]) > 0;
    const until = Date.now() + 4000;
    while (!busy() && Date.now() < until) await sleep(2);
    await sleep(Math.floor(rnd() * 15));
    const snapshot = { ...inFlight, dispatch: hooks.inFlight };
    await pp.kill9();
    const hit = PHASES.filter((p) => snapshot[p] > 0);
    for (const p of hit) killedIn[p]++;
    if (!hit.length) killedIn.between++;
    await sleep(Math.floor(rnd() * 300));
    const t0 = Date.now();
    await pp.start(60_000);
    restartMs.push(Date.now() - t0);
    // Up for a while before the next kill, as a real process is: retries and leased events get their turn.
    await sleep(200 + Math.floor(rnd() * 800));
  }
  stopFlows = true;
  run.killsDoneAt = Date.now();
  await running;
  if (failures.length) {
    ticking = false;
    await explain(db, sim);
  }
  assert.deepEqual(failures, []);

  // Every event delivered: the ones a killed process had leased come back after the lease (60 s).
  const raw = await db.raw();
  try {
    await waitFor('every event delivered', async () => (await eventsInDb(raw)).undelivered === 0, 150_000, 500);
    ticking = false;
    await ticker;
    const events = await eventsInDb(raw);
    const n = flowsDone.length;
    // Exactly once per order and per refund: one order.paid, one refund.succeeded, nothing else.
    const wrong = [...events.byKey].filter(([k, c]) => c !== 1 || !/^(order\.paid K|refund\.succeeded R)/.test(k));
    assert.deepEqual(wrong, [], 'every order and refund changed exactly once');
    assert.equal(events.byKey.size, 2 * n);
    for (const no of flowsDone) {
      assert.equal(events.byKey.get(`order.paid ${no}`), 1, no);
      assert.equal(events.byKey.get(`refund.succeeded ${no.replace(/^K/, 'R')}`), 1, no);
    }
    const orders = await raw.all<{ c: number }>(
      `select count(*) as c from payment_order where refunded_total = 30 and tenant_id in (?, ?, ?)`,
      [...provider.tenants.map((t) => t.id)],
    );
    assert.equal(Number(orders[0].c), n, 'every order paid and refunded 30 fen once');
    const refunds = await raw.all<{ status: string; c: number }>('select status, count(*) as c from refund group by status');
    assert.deepEqual(
      refunds.map((r) => [r.status, Number(r.c)]),
      [['SUCCESS', n]],
    );
    // No acknowledged notification lost: every delivery WeChat Pay saw answered 200/204 is applied (all states final, above),
    // and each event id reached the tenant's webhook.
    const received = new Set(hooks.deliveries.map((d) => d.id));
    assert.deepEqual(
      [...events.ids].filter((id) => !received.has(id)),
      [],
      'every event reached the webhook',
    );
    const deliveries = (await sim.control<{ data: Array<{ ok: boolean; status: number }> }>('GET', '/deliveries')).data;
    const acked = deliveries.filter((d) => d.ok).length;
    const logRows = await raw.all<{ outcome: string; c: number }>('select outcome, count(*) as c from notification_log group by outcome');
    const h = hooks.summary();
    restartMs.sort((a, b) => a - b);
    console.log(
      `# crash: ${KILLS} kills (in flight at the kill: create ${killedIn.create}, notification ${killedIn.notify}, refund ${killedIn.refund}, ` +
        `dispatch ${killedIn.dispatch}, none ${killedIn.between}); restart p50 ${restartMs[restartMs.length >> 1]} ms`,
    );
    console.log(
      `# crash: ${n} orders paid + refunded; ${events.ids.size} events, all delivered (${h.repeats} repeat deliveries after kills, at-least-once); ` +
        `WeChat Pay notifications: ${deliveries.length} attempts, ${acked} acknowledged, ${deliveries.length - acked} refused or cut; ` +
        `notification_log ${JSON.stringify(Object.fromEntries(logRows.map((r) => [r.outcome, Number(r.c)])))}; client answers ${statuses}`,
    );
    console.log('# crash: lost: nothing (0 acknowledged notifications unapplied, 0 double changes, 0 undelivered events)');
  } finally {
    ticking = false;
    await raw.close();
  }
});

/** On a failure: what the database and WeChat Pay know of the refunds and orders that did not finish. */
async function explain(scratch: ScratchDb, wx: SimulatorProcess): Promise<void> {
  const raw = await scratch.raw();
  try {
    const refunds = await raw.all<Record<string, unknown>>(`select * from refund where status <> 'SUCCESS'`);
    const orders = await raw.all<Record<string, unknown>>(
      `select out_trade_no, trade_state, refunded_total from payment_order where trade_state = 'NOTPAY'`,
    );
    const log = await raw.all<Record<string, unknown>>(
      `select kind, event_type, outcome, detail from notification_log where outcome not in ('applied', 'duplicate')`,
    );
    const deliveries = (await wx.control<{ data: Array<Record<string, unknown>> }>('GET', '/deliveries')).data.filter((d) => !d.ok);
    console.log(`# crash (failure): unfinished refunds ${JSON.stringify(refunds)}`);
    console.log(`# crash (failure): unpaid orders ${JSON.stringify(orders)}`);
    console.log(`# crash (failure): notification_log ${JSON.stringify(log)}`);
    console.log(`# crash (failure): last refused deliveries ${JSON.stringify(deliveries.slice(-10))}`);
  } finally {
    await raw.close();
  }
}
