/**
 * `npm run bench`: what partnerpay costs per order and per notification, against the WeChat Pay
 * simulator running in a separate process. See bench/README.md for what each figure means.
 *
 * - partnerpay runs in this process (buildContainer + buildApp on a real listener), SQLite in a
 *   temporary file by default, or a scratch database on the MariaDB/MySQL server of DATABASE_URL.
 * - the load generator is a forked child, so this process's CPU time (process.cpuUsage) is the
 *   platform's alone; the machine is shared, so CPU time is the figure to compare, wall time the
 *   one to read with care.
 *
 * Env: BENCH_ORDERS (2000), BENCH_CONCURRENCY (16), BENCH_NOTIFICATIONS (3000), BENCH_TENANTS (4),
 * BENCH_LOG_LEVEL (warn), DATABASE_URL (mysql://... -> MariaDB).
 */
import 'reflect-metadata';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { dialectOf } from '../src/common/db/orm';
import { createScratchDatabase } from '../src/cli/server-database';
import { LoadClient, type MeasuredLoad } from './support/load';
import { startSimulatorProcess, type SimulatorProcess } from './support/simulator-process';
import { provision, startPartnerpay, type Partnerpay } from './support/partnerpay';
import { measureOrders, orderCrypto, orderCryptoMicros, orderRequests, type BenchOrder } from './support/orders-phase';
import { buildNotifications, notificationCryptoMicros, rawBaseline, resetOrders, type Throughput } from './support/notifications-phase';
import { mysqlRaw, sqliteRaw, type RawDb } from './support/raw-db';
import { percentile } from './support/cpu';
import { countStatements, perItem } from './support/sql-count';
import { TOKENS } from '../src/common/tokens';
import type { Orm } from '../src/common/db/orm';

const int = (name: string, dflt: number, min = 1) => {
  const v = process.env[name];
  const n = v === undefined || v === '' ? dflt : Number(v);
  if (!Number.isInteger(n) || n < min) throw new Error(`${name} must be an integer >= ${min}, got ${v}`);
  return n;
};

const f0 = (x: number) => x.toFixed(0);
const f1 = (x: number) => x.toFixed(1);
const f2 = (x: number) => x.toFixed(2);
const line = (label: string, value: string, note = '') => console.log(`${label.padEnd(27)}${value.padEnd(38)} ${note}`.trimEnd());

/** "main thread X µs, other threads Y µs, system Z µs" per item of a measured window. */
function split(m: MeasuredLoad, n: number): string {
  const main = m.mainUs === undefined ? '' : `main thread ${f0(m.mainUs / n)} µs, other threads ${f0((m.cpuUs - m.mainUs) / n)} µs; `;
  return `${main}kernel ${f0(m.sysUs / n)} µs`;
}

/** The database server's pid, to report its CPU next to ours (best effort). */
function databasePid(): number | undefined {
  try {
    const out = execFileSync('pidof', ['mariadbd', 'mysqld'], { encoding: 'utf8' }).trim();
    return out ? Number(out.split(/\s+/)[0]) : undefined;
  } catch {
    return undefined;
  }
}

async function main(): Promise<void> {
  const nOrders = int('BENCH_ORDERS', 2000);
  const concurrency = int('BENCH_CONCURRENCY', 16);
  const nNotifications = int('BENCH_NOTIFICATIONS', 3000, 3);
  const nTenants = int('BENCH_TENANTS', 4);
  const tag = Date.now().toString(36).slice(-6);

  // The database: a scratch database on the server of DATABASE_URL, else a SQLite file.
  const base = process.env.DATABASE_URL;
  const mysql = Boolean(base && dialectOf(base) === 'mysql');
  let tmp: string | undefined;
  let scratch: Awaited<ReturnType<typeof createScratchDatabase>> | undefined;
  let dbUrl: string;
  if (mysql) {
    scratch = await createScratchDatabase(base!, 'pp_bench');
    dbUrl = scratch.url;
  } else {
    const dir = mkdtempSync(join(tmpdir(), 'pp-bench-'));
    tmp = dir;
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
    dbUrl = `sqlite:${join(dir, 'bench.sqlite')}`;
  }

  let sim: SimulatorProcess | undefined;
  let pp: Partnerpay | undefined;
  let client: LoadClient | undefined;
  let raw: RawDb | undefined;
  try {
    sim = await startSimulatorProcess();
    pp = await startPartnerpay(dbUrl, sim.base, 1_000_000_000);
    const provider = await provision(pp, sim, nTenants);
    client = await LoadClient.start();
    const sql = countStatements(pp.app.container.resolve<Orm>(TOKENS.Orm));
    const trace = process.env.BENCH_SQL_TRACE === '1';
    const showSql = (rows: Array<[string, number]>) => {
      if (trace) for (const [k, v] of rows) console.log(`   ${v.toFixed(2).padStart(6)}  ${k}`);
    };
    raw = mysql ? mysqlRaw(dbUrl, pp.config.db.poolMax) : await sqliteRaw(dbUrl.slice('sqlite:'.length));
    const dbPid = mysql ? databasePid() : undefined;
    const watch: Record<string, number> = { simulator: sim.pid, client: client.pid, ...(dbPid ? { 'database server': dbPid } : {}) };

    const dbLabel = mysql
      ? `MariaDB/MySQL ${new URL(dbUrl).host}/${scratch!.name} (scratch, dropped after)`
      : `SQLite file ${dbUrl.slice(7)} (removed after)`;
    console.log(
      `# partnerpay bench ${new Date().toISOString()}: node ${process.version}, ${cpus().length} x ${cpus()[0]?.model.trim()}, load avg ${loadavg().map(f2).join(' ')}`,
    );
    console.log(
      `# database: ${dbLabel}; KV: in-process; log level ${pp.config.log.level}; ${nTenants} tenants; simulator pid ${sim.pid} at ${sim.base}`,
    );
    console.log('# CPU figures are process CPU time (user + system); the load generator runs in its own process.');

    // ---- Orders ------------------------------------------------------------------------------
    const warmN = Math.min(300, Math.max(50, Math.floor(nOrders / 5)));
    const warm = orderRequests(provider, `W${tag}`, warmN);
    const w = await client.run(pp.baseUrl, warm.requests, concurrency);
    if ((w.statuses['201'] ?? 0) !== warmN) throw new Error(`warm-up orders failed: ${JSON.stringify(w.statuses)} ${w.samples.join('\n')}`);

    const cryptoBefore = orderCryptoMicros(provider.merchantPrivateKey, sim.platformPrivateKeyPem);
    const batch = orderRequests(provider, `B${tag}`, nOrders);
    const sqlBeforeOrders = sql.snapshot();
    // The same crypto, a few orders' worth every 100 ms on this thread during the run: timed under the run's own contention.
    const probe = { fn: orderCrypto(provider.merchantPrivateKey, sim.platformPrivateKeyPem).all, callsPerTick: 2, everyMs: 100 };
    const { figures: o, raw: oRaw } = await measureOrders(client, pp.baseUrl, batch.requests, concurrency, watch, probe);
    const orderSql = perItem(sqlBeforeOrders, sql.snapshot(), nOrders);
    const cryptoAfter = orderCryptoMicros(provider.merchantPrivateKey, sim.platformPrivateKeyPem);
    const crypto = {
      sign: (cryptoBefore.sign + cryptoAfter.sign) / 2,
      verify: (cryptoBefore.verify + cryptoAfter.verify) / 2,
      perOrder: (cryptoBefore.perOrder + cryptoAfter.perOrder) / 2,
    };
    const okOrders = o.statuses['201'] ?? 0;

    console.log('\n## Orders: POST /v1/orders (insert, partner JSAPI call to the simulator, paySign)');
    line('orders', `${o.n} (${okOrders} x 201)`, `concurrency ${concurrency}, keep-alive`);
    line('throughput', `${f1(o.perSecond)} orders/s`, `wall ${f2(o.wallS)} s`);
    line('latency', `p50 ${f1(o.p50)} ms, p99 ${f1(o.p99)} ms`);
    line('platform CPU per order', `${f0(o.platformUsPerOrder)} µs`, `partnerpay process: ${split(oRaw, o.n)}`);
    const underLoad = oRaw.probe && oRaw.probe.calls > 0 ? oRaw.probe.cpuUs / oRaw.probe.calls : undefined;
    const ratio = (underLoad ?? crypto.perOrder) / o.platformUsPerOrder;
    line(
      'crypto CPU per order',
      `${f0(underLoad ?? crypto.perOrder)} µs`,
      underLoad ? `2 x RSA-2048 sign + 1 verify, timed during the run (${oRaw.probe!.calls} samples)` : '2 x RSA-2048 sign + 1 verify',
    );
    line(
      '  same, machine quiet',
      `${f0(crypto.perOrder)} µs`,
      `sign ${f0(crypto.sign)} µs, verify ${f0(crypto.verify)} µs, before and after the run`,
    );
    line(
      'ratio crypto/platform',
      f2(ratio),
      `${ratio >= 0.5 ? 'aim >= 0.5: met' : 'aim >= 0.5: NOT met'} (quiet crypto: ${f2(crypto.perOrder / o.platformUsPerOrder)})`,
    );
    const otherOrder = Object.entries(oRaw.others)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => `${k} ${f0(v! / o.n)} µs`);
    if (otherOrder.length) line('others CPU per order', otherOrder.join(', '), '(/proc, 10 ms ticks)');
    line('SQL statements per order', f2(orderSql.reduce((a, [, v]) => a + v, 0)), 'incl. BEGIN/COMMIT; BENCH_SQL_TRACE=1 lists them');
    showSql(orderSql);
    if (okOrders !== o.n) console.log(`!! ${o.n - okOrders} orders failed: ${JSON.stringify(o.statuses)}\n${oRaw.samples.join('\n')}`);

    // ---- Notifications -----------------------------------------------------------------------
    const unique = Math.ceil((nNotifications * 2) / 3);
    const dups = nNotifications - unique;
    let pool: BenchOrder[] = batch.orders;
    if (pool.length < unique) {
      const extra = orderRequests(provider, `X${tag}`, unique - pool.length);
      const x = await client.run(pp.baseUrl, extra.requests, concurrency);
      if ((x.statuses['201'] ?? 0) !== extra.requests.length) throw new Error(`extra orders failed: ${JSON.stringify(x.statuses)}`);
      pool = pool.concat(extra.orders);
    }
    const spread = 3 * concurrency;
    // Warm-up: the warm-up orders, through the baseline once and the platform once.
    const warmList = buildNotifications(provider, warm.orders, Math.floor(warm.orders.length / 2), sim.platformPrivateKeyPem, spread);
    await rawBaseline(raw, provider, sim.platformPrivateKeyPem, warmList, concurrency);
    await resetOrders(raw, provider.spMchid);
    const ww = await client.run(pp.baseUrl, warmList, concurrency);
    if ((ww.statuses['200'] ?? 0) !== warmList.length)
      throw new Error(`warm-up notifications failed: ${JSON.stringify(ww.statuses)} ${ww.samples.join('\n')}`);

    const list = buildNotifications(provider, pool.slice(0, unique), dups, sim.platformPrivateKeyPem, spread);
    const nCrypto = notificationCryptoMicros(provider, sim.platformPrivateKeyPem, list[0]);
    await resetOrders(raw, provider.spMchid);
    const baseA = await rawBaseline(raw, provider, sim.platformPrivateKeyPem, list, concurrency);
    await resetOrders(raw, provider.spMchid);
    const since = Date.now();
    const eventsBefore = (await raw.all<{ c: number }>("select count(*) as c from event where type = 'order.paid'"))[0].c;
    const sqlBeforeN = sql.snapshot();
    const plat = await client.run(pp.baseUrl, list, concurrency, watch, 'notifications');
    const notifSql = perItem(sqlBeforeN, sql.snapshot(), list.length);
    const paid = (
      await raw.all<{ c: number }>("select count(*) as c from payment_order where sp_mchid = ? and trade_state = 'SUCCESS'", [
        provider.spMchid,
      ])
    )[0].c;
    const events = (await raw.all<{ c: number }>("select count(*) as c from event where type = 'order.paid'"))[0].c - eventsBefore;
    const outcomes = await raw.all<{ outcome: string; c: number }>(
      'select outcome, count(*) as c from notification_log where received_at >= ? group by outcome order by outcome',
      [since],
    );
    await resetOrders(raw, provider.spMchid);
    const baseB = await rawBaseline(raw, provider, sim.platformPrivateKeyPem, list, concurrency);

    const n = list.length;
    const platform: Throughput = {
      n,
      wallS: plat.wallMs / 1000,
      perSecond: n / (plat.wallMs / 1000),
      cpuUs: plat.cpuUs,
      perCpuSecond: n / (plat.cpuUs / 1e6),
    };
    // Both baseline runs pooled: total notifications over total wall time and total CPU time.
    const baseline = {
      perSecond: (2 * n) / (baseA.wallS + baseB.wallS),
      perCpuSecond: (2 * n) / ((baseA.cpuUs + baseB.cpuUs) / 1e6),
      cpuUs: (baseA.cpuUs + baseB.cpuUs) / 2,
    };
    const ok200 = plat.statuses['200'] ?? 0;

    console.log(`\n## Notifications: POST /notify/{tenant}/transactions, TRANSACTION.SUCCESS (${mysql ? 'MariaDB' : 'SQLite'})`);
    line(
      'notifications',
      `${n} (${ok200} x 200)`,
      `${unique} first deliveries + ${dups} duplicates (${Math.ceil(dups / 2)} identical copies, ${Math.floor(dups / 2)} re-signed resends); concurrency ${concurrency}`,
    );
    line(
      'effect',
      `${paid} orders paid, ${events} order.paid events`,
      `expected ${unique} and ${unique}${paid === unique && events === unique ? ': ok' : ': MISMATCH'}`,
    );
    line('outcomes logged', outcomes.map((r) => `${r.outcome} ${r.c}`).join(', '));
    line('platform', `${f0(platform.perSecond)} /s wall`, `${f0(platform.perCpuSecond)} per CPU-second of partnerpay`);
    line('platform CPU per notif.', `${f0(platform.cpuUs / n)} µs`, `partnerpay process: ${split(plat, n)}`);
    line('latency', `p50 ${f1(percentile(plat.latencies, 50))} ms, p99 ${f1(percentile(plat.latencies, 99))} ms`);
    line(
      'raw baseline',
      `${f0(baseline.perSecond)} /s wall`,
      `${f0(baseline.perCpuSecond)} per CPU-second (${f0(baseline.cpuUs / n)} µs each; runs ${f0(baseA.perCpuSecond)} and ${f0(baseB.perCpuSecond)}); verify + decrypt + 1 guarded UPDATE`,
    );
    line(
      'ratio platform/baseline',
      `${f2(platform.perSecond / baseline.perSecond)} wall`,
      `${f2(platform.perCpuSecond / baseline.perCpuSecond)} CPU (aim >= 0.5)`,
    );
    line('one core', `${f0(platform.perCpuSecond)} /CPU-s`, platform.perCpuSecond >= 3000 ? 'aim >= 3000: met' : 'aim >= 3000: NOT met');
    line('crypto per notification', `${f0(nCrypto)} µs`, 'verify + AES-GCM decrypt (cached KeyObject)');
    line('SQL statements per notif.', f2(notifSql.reduce((a, [, v]) => a + v, 0)), 'incl. BEGIN/COMMIT (the baseline: 1)');
    showSql(notifSql);
    const otherN = Object.entries(plat.others)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => `${k} ${f0(v! / n)} µs`);
    if (otherN.length) line('others CPU per notif.', otherN.join(', '), '(/proc, 10 ms ticks)');
    if (ok200 !== n) console.log(`!! ${n - ok200} notifications not 200: ${JSON.stringify(plat.statuses)}\n${plat.samples.join('\n')}`);
    if (baseA.applied !== unique || baseB.applied !== unique)
      console.log(`!! baseline applied ${baseA.applied}/${baseB.applied}, expected ${unique}`);
    if (okOrders !== o.n || ok200 !== n || paid !== unique || events !== unique) process.exitCode = 1;
  } finally {
    await client?.close().catch(() => undefined);
    await raw?.close().catch(() => undefined);
    await pp?.close().catch((e) => console.error('partnerpay close failed', e));
    await sim?.close().catch(() => undefined);
    await scratch?.drop().catch((e) => console.error(`could not drop ${scratch?.name}`, e));
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  }
}

// Ctrl-C or a timeout: exit through process.exit so that the 'exit' hooks stop the simulator child.
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(130));

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
