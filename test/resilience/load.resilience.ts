/**
 * A load run with autocannon against partnerpay as its own process (the simulator as another): order
 * creation for several tenants mixed with WeChat Pay notifications, both with duplicates. Prints
 * throughput, p50/p99 and errors; asserts only that nothing answered 5xx and no effect was lost or
 * doubled. RESIL_LOAD_SECONDS (default 10) and RESIL_LOAD_CONNECTIONS (default 10) make it longer or wider.
 */
import 'reflect-metadata';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import autocannon from 'autocannon';
import { freePort, PartnerpayProcess, seededRandom, waitFor } from './support/processes';
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

const SEED = Number(process.env.RESIL_SEED ?? 20261213);
const SECONDS = Number(process.env.RESIL_LOAD_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.RESIL_LOAD_CONNECTIONS ?? 10);
const TENANTS = 4;
const NOTIFIED = 240;

let sim: SimulatorProcess;
let db: ScratchDb;
let pp: PartnerpayProcess;
let p: Provider;
const hooks = new WebhookReceiver();
const redis = redisScope('load');

before(async () => {
  console.log(`# load seed ${SEED}: ${SECONDS} s, ${CONNECTIONS} connections, ${TENANTS} tenants`);
  sim = await startSimulatorProcess();
  db = await scratchDatabase('pp_resil_load');
  await hooks.start();
  pp = new PartnerpayProcess({
    dbUrl: db.url,
    redisUrl: redis.url,
    redisPrefix: redis.prefix,
    wxpayBase: sim.base,
    port: await freePort(),
    jobsIntervalMs: 500,
  });
  await pp.start(60_000);
  p = await provision(pp.base, sim, TENANTS, hooks.url, seededRandom(SEED));
});

after(async () => {
  await pp?.kill9();
  await sim?.close();
  await hooks.close();
  await db?.drop();
  await redis.clean();
});

interface Item {
  method: 'POST';
  path: string;
  headers: Record<string, string>;
  body: string;
  /** 'order <no>' or 'notify <no>'. */
  what: string;
}

test('autocannon: orders and notifications with duplicates, several tenants: no 5xx, nothing lost, nothing doubled', async () => {
  const rnd = seededRandom(SEED);
  // Orders the notifications pay, placed before the run.
  const paid = Array.from({ length: NOTIFIED }, (_, i) => ({ t: p.tenants[i % TENANTS], no: `N${SEED.toString(36)}x${i}` }));
  await Promise.all(
    Array.from({ length: 4 }, async (_, w) => {
      for (let i = w; i < paid.length; i += 4) {
        const o = paid[i];
        await callUntil(
          `create ${o.no}`,
          () => call('POST', `${pp.base}/v1/orders`, o.t.secretKey, orderBody(o.t, o.no)),
          (x) => x.status === 201,
        );
      }
    }),
  );
  // Each notification twice or three times: identical copies and re-signed resends, spread through the run.
  const notifications: Item[] = [];
  for (const o of paid) {
    const n = transactionSuccess(sim, p, o.t, o.no, 100);
    const first = n.sign();
    const copies = 2 + Math.floor(rnd() * 2);
    for (let k = 0; k < copies; k++)
      notifications.push({ method: 'POST', path: n.path, headers: k === 1 ? first : n.sign(), body: n.body, what: `notify ${o.no}` });
  }
  for (let i = notifications.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [notifications[i], notifications[j]] = [notifications[j], notifications[i]];
  }
  const created: Item[] = [];
  let seq = 0;
  let ni = 0;
  const next = (): Item => {
    const r = rnd();
    if (r < 0.35 && ni < notifications.length) return notifications[ni++];
    // One order creation in six repeats an earlier one (a client retrying): 200, the same order.
    if (r < 0.5 && created.length) return created[Math.floor(rnd() * created.length)];
    const t = p.tenants[seq % TENANTS];
    const no = `L${SEED.toString(36)}x${seq++}`;
    const item: Item = {
      method: 'POST',
      path: '/v1/orders',
      headers: { authorization: `Bearer ${t.secretKey}`, 'content-type': 'application/json' },
      body: JSON.stringify(orderBody(t, no)),
      what: `order ${no}`,
    };
    created.push(item);
    return item;
  };
  const statuses = new Map<string, number>();
  const okOrders = new Set<string>();
  const acked = new Set<string>();
  const result = await autocannon({
    url: pp.base,
    connections: CONNECTIONS,
    duration: SECONDS,
    timeout: 20,
    requests: [
      {
        setupRequest: (req, context) => {
          const item = next();
          (context as { item?: Item }).item = item;
          return { ...req, method: item.method, path: item.path, headers: item.headers, body: item.body };
        },
        onResponse: (status, _body, context) => {
          const item = (context as { item?: Item }).item;
          const kind = item?.what.split(' ')[0] ?? '?';
          statuses.set(`${kind} ${status}`, (statuses.get(`${kind} ${status}`) ?? 0) + 1);
          if (item && kind === 'order' && (status === 200 || status === 201)) okOrders.add(item.what.slice(6));
          if (item && kind === 'notify' && (status === 200 || status === 204)) acked.add(item.what.slice(7));
        },
      },
    ],
  });
  const answered = [...statuses].sort();
  console.log(
    `# load: ${result.requests.total} requests in ${result.duration} s = ${Math.round(result.requests.average)} req/s; ` +
      `latency p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms; errors ${result.errors}, timeouts ${result.timeouts}; ` +
      `answers ${JSON.stringify(Object.fromEntries(answered))}`,
  );
  const fivexx = answered.filter(([k]) => /\s5\d\d$/.test(k));
  assert.deepEqual(fivexx, [], 'no 5xx');
  assert.equal(result.errors, 0, 'no connection errors or timeouts');

  // No effect lost or doubled: every notified order paid once (the ones notified during the run), every created order once.
  const raw = await db.raw();
  try {
    // Requests still in flight when the run ends may or may not have taken effect: bounds, not equalities, for those.
    const sent = new Set(notifications.slice(0, ni).map((n) => n.what.slice(7)));
    await waitFor('events delivered', async () => (await eventsInDb(raw)).undelivered === 0, 90_000, 500);
    const ev = await eventsInDb(raw);
    for (const no of acked) assert.equal(ev.byKey.get(`order.paid ${no}`), 1, `${no}: acknowledged, so paid, once`);
    assert.ok(
      [...ev.byKey].every(([k, c]) => c === 1 && k.startsWith('order.paid ') && sent.has(k.slice(11))),
      'one event per paid order',
    );
    const paidRows = Number((await raw.all<{ c: number }>(`select count(*) as c from payment_order where trade_state = 'SUCCESS'`))[0].c);
    assert.ok(paidRows >= acked.size && paidRows <= sent.size, `${paidRows} paid, ${acked.size} acknowledged, ${sent.size} sent`);
    const orderRows = Number((await raw.all<{ c: number }>(`select count(*) as c from payment_order where out_trade_no like 'L%'`))[0].c);
    assert.ok(orderRows >= okOrders.size && orderRows <= created.length, 'each created order stored once');
    console.log(
      `# load: ${okOrders.size} orders created (${orderRows} rows for ${created.length} numbers issued); ${ni} notifications sent for ` +
        `${sent.size} orders, ${acked.size} acknowledged: ${paidRows} paid once, ${ev.ids.size} events delivered ` +
        `(${hooks.summary().repeats} repeats); lost: nothing`,
    );
  } finally {
    await raw.close();
  }
});
