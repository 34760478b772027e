/**
 * `node dist/bench/cuts.bench.js [lock|als|saves]`: the issue-31 cuts of the second session (numbered
 * as in bench/README.md), measured each on its own, in one process, as interleaved slices of before and after (A, B, A, B, ...), CPU time from
 * process.cpuUsage() (getrusage: µs resolution, so other load on the machine does not count), the
 * median of 7 slices. Round trips are counted exactly through a wrapper, not timed.
 *
 * 4. The prepay lock an order's creation no longer takes (its INSERT holds the claim): the Redis
 *    SET NX + release EVAL of DegradableLockService over RedisLockService, against nothing.
 * 6. The log context through AsyncLocalStorage against a parameter, on a request-shaped async chain,
 *    with MikroORM's own AsyncLocalStorage (TransactionContext) enabled as it is in a running app.
 * 5. The prepay_id saves: one UPDATE per order, against the saves of one turn sharing one UPDATE
 *    (WriteBatch), through OrderRepository on a scratch database of DATABASE_URL's server.
 *
 * REDIS_URL (default redis://127.0.0.1:6379) for cut 4; keys under ppbench:cuts:<pid>: (expire by themselves).
 * DATABASE_URL (mysql://...) for cut 5: a scratch database, dropped after.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { TransactionContext } from '@mikro-orm/core';
import { connectRedis } from '../src/platform/kv/redis';
import { RedisLockService } from '../src/platform/kv/redis';
import { RedisLink } from '../src/platform/kv/redis-link';
import { DegradableLockService } from '../src/platform/kv/degradable';
import { createLogger } from '../src/platform/logging/logger';
import { currentLogContext, withLogContext, type LogContext } from '../src/platform/logging/log-context';
import { percentile } from './support/cpu';
import { createScratchDatabase } from '../src/app/cli/server-database';
import { openDatabase } from '../src/app/schema';
import { Database } from '../src/platform/db/database';
import { OrderRepository } from '../src/modules/payments/order.repository';
import { PAYMENT_ORDER, type PaymentOrderRow } from '../src/modules/payments/order.entity';

type Op = (i: number) => Promise<unknown>;

/** Median CPU µs per op of each variant: `slices` rounds, each running every variant once for `per` ops, `inflight` at a time. */
async function interleaved(
  variants: Record<string, Op>,
  per: number,
  slices = 7,
  inflight = 16,
  setup: Record<string, () => void> = {},
): Promise<Record<string, number>> {
  const names = Object.keys(variants);
  const results = new Map<string, number[]>(names.map((n) => [n, []]));
  let seq = 0;
  const slice = async (name: string) => {
    const op = variants[name];
    setup[name]?.();
    let next = 0;
    const before = process.cpuUsage();
    await Promise.all(
      Array.from({ length: inflight }, async () => {
        while (next < per) {
          next++;
          await op(seq++);
        }
      }),
    );
    const d = process.cpuUsage(before);
    return (d.user + d.system) / per;
  };
  for (const n of names) await slice(n); // warm-up
  for (let s = 0; s < slices; s++) for (const n of s % 2 ? [...names].reverse() : names) results.get(n)!.push(await slice(n));
  return Object.fromEntries(names.map((n) => [n, percentile(results.get(n)!, 50)]));
}

async function prepayLock(): Promise<void> {
  const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  const client = await connectRedis(url);
  const logger = createLogger('error');
  const link = new RedisLink(client, logger, { commandTimeoutMs: 1000, probeIntervalMs: 1000 });
  let roundTrips = 0;
  const run = link.run.bind(link);
  link.run = ((command: Parameters<typeof run>[0]) => {
    roundTrips++;
    return run(command);
  }) as typeof link.run;
  const locks = new DegradableLockService(link, new RedisLockService(link, `ppbench:cuts:${process.pid}:`));
  const noop = async () => undefined;
  const r = await interleaved(
    {
      'Redis prepay lock (before)': (i) => locks.withLock(`order:prepay:ord_${i}`, noop, { ttlMs: 5_000, waitMs: 60_000 }),
      'claim in the INSERT (after)': () => noop(),
    },
    2000,
  );
  // One at a time: no other request's command shares the socket write (node-redis pipelines what one tick sends).
  const alone = await interleaved(
    {
      'Redis prepay lock (before)': (i) => locks.withLock(`order:prepay:ord_${i}`, noop, { ttlMs: 5_000, waitMs: 60_000 }),
      'claim in the INSERT (after)': () => noop(),
    },
    1000,
    7,
    1,
  );
  roundTrips = 0;
  await locks.withLock('order:prepay:count', noop, { ttlMs: 5_000, waitMs: 60_000 });
  console.log(`## cut 4: the prepay lock (real Redis ${url}, 16 in flight, 7 interleaved slices of 2000)`);
  for (const [k, v] of Object.entries(r)) console.log(`${k.padEnd(32)} ${v.toFixed(1)} µs per order`);
  console.log('one in flight (7 interleaved slices of 1000):');
  for (const [k, v] of Object.entries(alone)) console.log(`${k.padEnd(32)} ${v.toFixed(1)} µs per order`);
  console.log(`Redis round trips of one lock taken and released: ${roundTrips}`);
  await client.quit();
}

// A request-shaped async chain: `depth` awaits of real promises (as handlers, the ORM and the clients make),
// with two log lines whose mixin reads the context (the request line and one more).
async function chain(depth: number, ctx: () => LogContext | undefined): Promise<number> {
  let n = 0;
  for (let i = 0; i < depth; i++) n += await new Promise<number>((r) => setImmediate(r, 1));
  for (let i = 0; i < 2; i++) n += ctx()?.request_id?.length ?? 0;
  return n;
}

async function logContext(): Promise<void> {
  // MikroORM's TransactionContext storage is enabled once any transaction runs (jobs, notifications): so here too.
  await TransactionContext.create({ _id: 0 } as never, async () => undefined);
  const depth = 40;
  // A storage like log-context.ts's own, so that the 'parameter' slices can switch it off (as if it did not exist).
  const ours = new AsyncLocalStorage<LogContext>();
  const r = await interleaved(
    {
      'AsyncLocalStorage (today)': (i) => ours.run({ request_id: `req_${i}` }, () => chain(depth, () => ours.getStore())),
      parameter: (i) => {
        const ctx: LogContext = { request_id: `req_${i}` };
        return chain(depth, () => ctx);
      },
      'no AsyncLocalStorage at all': (i) => {
        const ctx: LogContext = { request_id: `req_${i}` };
        return chain(depth, () => ctx);
      },
    },
    4000,
    7,
    16,
    {
      'AsyncLocalStorage (today)': () => void TransactionContext.create({ _id: 0 } as never, async () => undefined),
      parameter: () => {
        ours.disable();
        void TransactionContext.create({ _id: 0 } as never, async () => undefined);
      },
      // What the promise hook itself costs: MikroORM's storage off too (it is on in a running app).
      'no AsyncLocalStorage at all': () => {
        ours.disable();
        (TransactionContext as unknown as { storage: AsyncLocalStorage<unknown> }).storage.disable();
      },
    },
  );
  // The same with log-context.ts itself, for the record that it is the same mechanism.
  await withLogContext({ request_id: 'x' }, () => chain(1, currentLogContext));
  console.log(`## cut 6: the log context (a chain of ${depth} awaits + 2 context reads per request; MikroORM's storage enabled)`);
  for (const [k, v] of Object.entries(r)) console.log(`${k.padEnd(32)} ${v.toFixed(1)} µs per request`);
}

function orderRow(i: number, now: number): PaymentOrderRow {
  return {
    id: `ord_cuts_${i}`,
    tenantId: 'ten_cuts',
    spMchid: '1900000100',
    subMchid: '1900000109',
    outTradeNo: `CUTS${i}`,
    appid: 'wxd678efh567hg6787',
    tradeType: 'JSAPI',
    sceneInfo: null,
    followAt: null,
    appSide: 'sub',
    payerOpenid: 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o',
    clientSecret: null,
    description: 'Image形象店-深圳腾大-QQ公仔',
    amountTotal: 100,
    currency: 'CNY',
    attach: null,
    timeExpire: now + 3600_000,
    requestHash: 'a'.repeat(64),
    tradeState: 'NOTPAY',
    tradeStateDesc: null,
    prepayId: null,
    prepayAt: null,
    prepayClaimUntil: now + 5_000,
    transactionId: null,
    successTime: null,
    payerTotal: null,
    bankType: null,
    refundedTotal: 0,
    profitSharing: 0,
    fundsRefunds: 0,
    fundsSplits: 0,
    fundsUnfrozen: 0,
    combineOutTradeNo: null,
    lastSyncedAt: null,
    createdAt: now,
    updatedAt: now,
  };
}

async function prepaySaves(): Promise<void> {
  const base = process.env.DATABASE_URL;
  if (!base?.startsWith('mysql')) return console.log('## cut 5: skipped (DATABASE_URL=mysql://... needed)');
  const scratch = await createScratchDatabase(base, 'pp_cuts');
  const orm = await openDatabase(scratch.url);
  try {
    const repo = new OrderRepository(new Database(orm));
    const now = Date.now();
    const total = 60_000;
    for (let i = 0; i < total; i += 500)
      await PAYMENT_ORDER.insertMany(
        orm.em.fork(),
        Array.from({ length: 500 }, (_, j) => orderRow(i + j, now)),
      );
    let next = 0;
    const k = 3;
    const r = await interleaved(
      {
        'one UPDATE per order (before)': () => repo.savePrepay(`ord_cuts_${next++}`, `wx${next}`, Date.now()),
        // k orders answered in one turn (the counted pass under load averaged ~2.5 per UPDATE).
        [`one UPDATE per ${k} orders (after)`]: () =>
          Promise.all(Array.from({ length: k }, () => repo.savePrepayBatched(`ord_cuts_${next++}`, `wx${next}`, Date.now()))),
      },
      1500,
      7,
      16,
    );
    console.log(`## cut 5: the prepay_id save (MariaDB scratch database, 16 in flight, 7 interleaved slices of 1500 operations)`);
    for (const [name, v] of Object.entries(r)) {
      const per = name.includes('per 3') ? v / k : v;
      console.log(`${name.padEnd(32)} ${per.toFixed(1)} µs per order (partnerpay's process; the database server's own CPU not counted)`);
    }
    if (next > total) console.log(`(note: ${next - total} updates found no row)`);
  } finally {
    await orm.close(true);
    await scratch.drop();
  }
}

async function main(): Promise<void> {
  console.log(
    `# cuts bench ${new Date().toISOString()}: node ${process.version}, load avg ${(await import('node:os'))
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  const which = process.argv[2];
  if (!which || which === 'lock') await prepayLock();
  if (!which || which === 'als') await logContext();
  if (!which || which === 'saves') await prepaySaves();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
