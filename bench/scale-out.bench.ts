/**
 * `npm run bench:scale-out`: 1, 2, ... BENCH_NODES (3) partnerpay processes (`node dist/src/app/main.js`,
 * production settings by environment: Redis, info logs to a file, jobs on, webhooks delivered) on one
 * MariaDB (a scratch database of DATABASE_URL's server) and one Redis, the WeChat Pay simulator and a
 * webhook receiver in processes of their own. Per stage: a warm-up, then orders and notifications
 * (closed loop, BENCH_CONCURRENCY per node, requests spread round-robin over the nodes), each window
 * ending when every event is delivered. Prints throughput, CPU per operation of the nodes, the
 * simulator and the database server (/proc, 10 ms ticks), and the database server's statements and
 * commits per operation (SHOW GLOBAL STATUS: the whole server, so other users of it count too).
 */
import 'reflect-metadata';
import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createScratchDatabase } from '../src/app/cli/server-database';
import { LoadClient, type MeasuredLoad } from './support/load';
import { startSimulatorProcess, type SimulatorProcess } from './support/simulator-process';
import { provision, type Partnerpay } from './support/partnerpay';
import { orderRequests, type BenchOrder } from './support/orders-phase';
import { buildNotifications } from './support/notifications-phase';
import { mysqlRaw, type RawDb } from './support/raw-db';
import { WebhookReceiver } from './support/webhook-receiver';
import { outboxDrain } from './support/outbox';
import { NODE_ADMIN_TOKEN, startNode, type NodeProcess } from './support/node-process';

const int = (name: string, dflt: number) => {
  const v = process.env[name];
  const n = v === undefined || v === '' ? dflt : Number(v);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be an integer >= 1, got ${v}`);
  return n;
};
const f0 = (x: number) => x.toFixed(0);
const f2 = (x: number) => x.toFixed(2);

const STATUS = ['Com_select', 'Com_insert', 'Com_update', 'Com_delete', 'Com_commit', 'Com_begin', 'Handler_commit', 'Questions'] as const;
type Status = Record<(typeof STATUS)[number], number>;

async function globalStatus(raw: RawDb): Promise<Status> {
  const rows = await raw.all<{ Variable_name: string; Value: string }>(
    `show global status where Variable_name in (${STATUS.map((s) => `'${s}'`).join(', ')})`,
  );
  return Object.fromEntries(rows.map((r) => [r.Variable_name, Number(r.Value)])) as Status;
}

function databasePid(): number | undefined {
  try {
    const out = execFileSync('pidof', ['mariadbd', 'mysqld'], { encoding: 'utf8' }).trim();
    return out ? Number(out.split(/\s+/)[0]) : undefined;
  } catch {
    return undefined;
  }
}

interface StageFigures {
  perSecond: number;
  nodesUs: number;
  perNodeUs: number[];
  simUs?: number;
  dbUs?: number;
  statements: number;
  commits: number;
  writes: number;
}

function figures(m: MeasuredLoad, n: number, nodes: NodeProcess[], before: Status, after: Status): StageFigures {
  const d = (k: (typeof STATUS)[number]) => (after[k] - before[k]) / n;
  const perNode = nodes.map((_, i) => (m.others[`node${i + 1}`] ?? NaN) / n);
  return {
    perSecond: n / (m.wallMs / 1000),
    nodesUs: perNode.reduce((a, b) => a + b, 0),
    perNodeUs: perNode,
    simUs: m.others.simulator === undefined ? undefined : m.others.simulator / n,
    dbUs: m.others.database === undefined ? undefined : m.others.database / n,
    statements: d('Com_select') + d('Com_insert') + d('Com_update') + d('Com_delete'),
    commits: d('Handler_commit'),
    writes: d('Com_insert') + d('Com_update') + d('Com_delete'),
  };
}

async function main(): Promise<void> {
  const maxNodes = int('BENCH_NODES', 3);
  const nOrders = int('BENCH_ORDERS', 1500);
  const nNotifications = int('BENCH_NOTIFICATIONS', 1500);
  const perNode = int('BENCH_CONCURRENCY', 16);
  const base = process.env.DATABASE_URL;
  if (!base?.startsWith('mysql')) throw new Error('DATABASE_URL=mysql://... is required (one MariaDB for every node)');
  const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  const tag = Date.now().toString(36).slice(-6);
  const logDir = mkdtempSync(join(tmpdir(), 'pp-scale-'));
  const logFd = openSync(join(logDir, 'nodes.log'), 'a');
  const scratch = await createScratchDatabase(base, 'pp_scale');
  let sim: SimulatorProcess | undefined;
  let receiver: WebhookReceiver | undefined;
  let client: LoadClient | undefined;
  let raw: RawDb | undefined;
  const nodes: NodeProcess[] = [];
  const start = () => startNode({ dbUrl: scratch.url, redisUrl, prefix: `ppscale:${tag}:`, wxpayBase: sim!.base, logFd });
  try {
    sim = await startSimulatorProcess();
    receiver = await WebhookReceiver.start();
    nodes.push(await start());
    const provider = await provision(
      { baseUrl: nodes[0].baseUrl, config: { security: { adminToken: NODE_ADMIN_TOKEN } } } as unknown as Partnerpay,
      sim,
      4,
      receiver.url,
    );
    client = await LoadClient.start();
    raw = mysqlRaw(scratch.url, 4);
    const drain = outboxDrain(raw, 300_000);
    const dbPid = databasePid();
    console.log(
      `# partnerpay scale-out ${new Date().toISOString()}: ${scratch.name} on ${new URL(base).host}, Redis ${redisUrl}; ` +
        `${nOrders} orders and ${nNotifications} notifications per stage, concurrency ${perNode} per node; load avg ${loadavg().map(f2).join(' ')}`,
    );
    const rows: string[] = [];
    for (let k = 1; k <= maxNodes; k++) {
      if (nodes.length < k) nodes.push(await start());
      const origins = nodes.map((x) => x.baseUrl);
      const conc = perNode * k;
      const watch: Record<string, number> = Object.fromEntries(nodes.map((x, i) => [`node${i + 1}`, x.pid]));
      watch.simulator = sim.pid;
      if (dbPid) watch.database = dbPid;
      // Warm-up: every node sees 400 orders and their notifications.
      const warm = orderRequests(provider, `W${k}${tag}_`, 400 * k);
      await client.run(origins, warm.requests, conc);
      await client.run(origins, buildNotifications(provider, warm.orders, 0, sim.platformPrivateKeyPem, conc), conc, { settle: drain });

      const batch = orderRequests(provider, `S${k}${tag}_`, nOrders);
      let s0 = await globalStatus(raw);
      const om = await client.run(origins, batch.requests, conc, { watch, settle: drain });
      let s1 = await globalStatus(raw);
      if ((om.statuses['201'] ?? 0) !== nOrders) throw new Error(`orders failed: ${JSON.stringify(om.statuses)} ${om.samples.join('\n')}`);
      const o = figures(om, nOrders, nodes, s0, s1);

      const unique = Math.min(nOrders, Math.ceil((nNotifications * 2) / 3));
      const list = buildNotifications(
        provider,
        batch.orders.slice(0, unique) as BenchOrder[],
        nNotifications - unique,
        sim.platformPrivateKeyPem,
        3 * conc,
      );
      s0 = await globalStatus(raw);
      const nm = await client.run(origins, list, conc, { watch, settle: drain });
      s1 = await globalStatus(raw);
      if ((nm.statuses['200'] ?? 0) !== list.length) throw new Error(`notifications failed: ${JSON.stringify(nm.statuses)}`);
      const nf = figures(nm, list.length, nodes, s0, s1);

      const line =
        `| ${k} | ${f0(o.perSecond)}/s | ${f0(o.nodesUs)} µs (${o.perNodeUs.map(f0).join(' + ')}) | ${o.simUs === undefined ? '' : f0(o.simUs)} | ` +
        `${o.dbUs === undefined ? '' : f0(o.dbUs)} µs | ${f2(o.statements)} / ${f2(o.commits)} | ` +
        `${f0(nf.perSecond)}/s | ${f0(nf.nodesUs)} µs (${nf.perNodeUs.map(f0).join(' + ')}) | ${nf.dbUs === undefined ? '' : f0(nf.dbUs)} µs | ` +
        `${f2(nf.statements)} / ${f2(nf.commits)} | ${loadavg()[0].toFixed(1)} |`;
      rows.push(line);
      console.log(`# stage ${k} node(s) done`);
    }
    console.log(
      `\n### scale-out, MariaDB, ${new Date().toISOString().slice(0, 16)}Z (${nOrders} orders, ${nNotifications} notifications incl. event delivery, per stage)`,
    );
    console.log(
      '| nodes | orders/s | node CPU per order (per node) | simulator µs/order | database server CPU per order | DB statements / commits per order | notifications/s (delivered) | node CPU per notification (per node) | database CPU per notification | DB statements / commits per notification | load avg |',
    );
    console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
    for (const r of rows) console.log(r);
  } finally {
    await client?.close().catch(() => undefined);
    await raw?.close().catch(() => undefined);
    for (const x of nodes) await x.close().catch(() => undefined);
    await receiver?.close().catch(() => undefined);
    await sim?.close().catch(() => undefined);
    await scratch.drop().catch((e) => console.error(`could not drop ${scratch.name}`, e));
    closeSync(logFd);
    rmSync(logDir, { recursive: true, force: true });
  }
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(130));

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
