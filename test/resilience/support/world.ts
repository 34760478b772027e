/**
 * What every resilience scenario needs around partnerpay: the simulator as its own process, a provider
 * and tenants registered in both, a webhook receiver that counts what it is sent, a tenant client that
 * retries as a careful client would (bounded), and the database read directly for the invariants.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { startSimulatorProcess, type SimulatorProcess } from '../../../bench/support/simulator-process';
import { mysqlRaw, sqliteRaw, type RawDb } from '../../../bench/support/raw-db';
import { createScratchDatabase } from '../../../src/app/cli/server-database';
import { deleteRedisPrefix } from '../../support/app';
import { ADMIN_TOKEN, sleep } from './processes';

export { startSimulatorProcess, type SimulatorProcess };

/** A scratch database for one scenario: on the shared MariaDB (DATABASE_URL=mysql://...) or a SQLite file. */
export interface ScratchDb {
  url: string;
  dialect: 'mysql' | 'sqlite';
  raw(): Promise<RawDb>;
  drop(): Promise<void>;
}

export async function scratchDatabase(prefix: string): Promise<ScratchDb> {
  const server = process.env.DATABASE_URL;
  if (server && /^(mysql|mariadb):/.test(server)) {
    const s = await createScratchDatabase(server, prefix);
    return { url: s.url, dialect: 'mysql', raw: async () => mysqlRaw(s.url, 2), drop: () => s.drop() };
  }
  const dir = mkdtempSync(join(tmpdir(), `${prefix}-`));
  const file = join(dir, 'partnerpay.sqlite');
  return {
    url: `sqlite:${file}`,
    dialect: 'sqlite',
    raw: () => sqliteRaw(file),
    drop: async () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** A unique Redis key prefix for one scenario on the shared Redis, and its clean-up (never FLUSHALL). */
export function redisScope(name: string): { url?: string; prefix: string; clean(): Promise<void> } {
  const prefix = `resil:${name}:${randomBytes(4).toString('hex')}:`;
  const url = process.env.REDIS_URL;
  return { url, prefix, clean: async () => (url ? deleteRedisPrefix(url, prefix) : undefined) };
}

/** What one event delivery carried. */
export interface Received {
  id: string;
  type: string;
  /** out_trade_no of order events, out_refund_no of refund events. */
  key: string;
}

/** A webhook receiver on a free loopback port: answers 200 after `delayMs`, counts every delivery. */
export class WebhookReceiver {
  readonly deliveries: Received[] = [];
  inFlight = 0;
  delayMs = 0;
  /** When it answers true for a delivery, the receiver answers 500 (the delivery is still counted). */
  failWhen?: (d: Received) => boolean;
  private server!: Server;
  url = '';

  async start(): Promise<void> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hook`;
  }

  private async handle(req: IncomingMessage, res: import('node:http').ServerResponse): Promise<void> {
    this.inFlight++;
    try {
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
        id: string;
        type: string;
        data: { order?: { out_trade_no: string }; refund?: { out_refund_no: string } };
      };
      if (this.delayMs) await sleep(this.delayMs);
      const d = { id: body.id, type: body.type, key: body.data.order?.out_trade_no ?? body.data.refund?.out_refund_no ?? '' };
      this.deliveries.push(d);
      if (this.failWhen?.(d)) res.writeHead(500).end('not now');
      else res.writeHead(200).end('ok');
    } catch {
      res.writeHead(400).end();
    } finally {
      this.inFlight--;
    }
  }

  /** Distinct event ids received, and how many deliveries repeated an id already received. */
  summary(): { distinct: number; repeats: number } {
    const ids = new Set(this.deliveries.map((d) => d.id));
    return { distinct: ids.size, repeats: this.deliveries.length - ids.size };
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server.close(() => r()));
  }
}

export interface Tenant {
  id: string;
  subMchid: string;
  appid: string;
  secretKey: string;
}

export interface Provider {
  spMchid: string;
  spAppid: string;
  apiv3Key: string;
  tenants: Tenant[];
}

const digits = (n: number, rnd: () => number) => Array.from({ length: n }, () => Math.floor(rnd() * 10)).join('');

/** One answer of partnerpay, or the transport error that stood for it. */
export interface Answer {
  status: number;
  body: Record<string, unknown>;
  error?: string;
}

/** One HTTP call with a bounded time; a transport failure (the process died) answers status 0. */
export async function call(
  method: 'GET' | 'POST' | 'PUT' | 'PATCH',
  url: string,
  token?: string,
  body?: unknown,
  timeoutMs = 20_000,
): Promise<Answer> {
  try {
    const res = await request(url, {
      method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
    });
    const text = await res.body.text();
    let parsed: Record<string, unknown> = {};
    try {
      parsed = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    } catch {
      parsed = { text };
    }
    return { status: res.statusCode, body: parsed };
  } catch (err) {
    return { status: 0, body: {}, error: (err as Error).message };
  }
}

/** Answer statuses seen, for the printed figures. */
export class StatusCounts {
  readonly counts = new Map<string, number>();
  add(label: string): void {
    this.counts.set(label, (this.counts.get(label) ?? 0) + 1);
  }
  toString(): string {
    return JSON.stringify(Object.fromEntries([...this.counts].sort()));
  }
}

/**
 * Calls until the answer is one of `done` (a careful client: the same body again after a dropped connection,
 * a 503 or a 409 in progress), at most `budgetMs`. Throws with the last answer otherwise.
 */
export async function callUntil(
  what: string,
  fn: () => Promise<Answer>,
  done: (a: Answer) => boolean,
  opts: { budgetMs?: number; statuses?: StatusCounts; retryable?: (a: Answer) => boolean } = {},
): Promise<Answer> {
  const until = Date.now() + (opts.budgetMs ?? 90_000);
  let last: Answer | undefined;
  for (let i = 0; ; i++) {
    last = await fn();
    opts.statuses?.add(String(last.status));
    if (done(last)) return last;
    const retryable = opts.retryable ?? ((a: Answer) => a.status === 0 || a.status === 503 || a.status === 409 || a.status === 429);
    if (!retryable(last) || Date.now() > until)
      throw new Error(`${what}: gave up after ${i + 1} tries; last answer ${last.status} ${last.error ?? JSON.stringify(last.body)}`);
    await sleep(Math.min(100 * (i + 1), 500));
  }
}

/** Registers one provider (public-key mode) and `n` tenants with a webhook each, in partnerpay and in the simulator. */
export async function provision(
  base: string,
  sim: SimulatorProcess,
  n: number,
  webhookUrl: string | null,
  rnd: () => number,
): Promise<Provider> {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const p: Provider = {
    spMchid: `1${digits(9, rnd)}`,
    spAppid: `wx${randomBytes(8).toString('hex')}`,
    apiv3Key: randomBytes(16).toString('hex'),
    tenants: [],
  };
  const serial = randomBytes(20).toString('hex').toUpperCase();
  await sim.control('POST', '/service-providers', {
    sp_mchid: p.spMchid,
    sp_appid: p.spAppid,
    merchant_serial_no: serial,
    merchant_public_key: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    apiv3_key: p.apiv3Key,
    verification: 'public_key',
  });
  const put = await call('PUT', `${base}/admin/v1/service-providers/${p.spMchid}`, ADMIN_TOKEN, {
    name: 'Resilience ISV',
    sp_appid: p.spAppid,
    merchant_serial_no: serial,
    merchant_private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    apiv3_key: p.apiv3Key,
    wechatpay_public_key_id: sim.platform.public_key_id,
    wechatpay_public_key: sim.platform.public_key_pem,
  });
  if (put.status !== 201 && put.status !== 200) throw new Error(`provider PUT: ${put.status} ${JSON.stringify(put.body)}`);
  for (let i = 0; i < n; i++) {
    const t = { subMchid: `2${digits(9, rnd)}`, appid: `wx${randomBytes(8).toString('hex')}` };
    const created = await call('POST', `${base}/admin/v1/tenants`, ADMIN_TOKEN, {
      sp_mchid: p.spMchid,
      sub_mchid: t.subMchid,
      name: `Resilience shop ${i + 1}`,
      apps: [{ appid: t.appid, type: 'miniprogram', dev_mode: 'outsourced' }],
      webhook_url: webhookUrl,
    });
    if (created.status !== 201) throw new Error(`tenant POST: ${created.status} ${JSON.stringify(created.body)}`);
    await sim.control('POST', '/sub-merchants', { sp_mchid: p.spMchid, sub_mchid: t.subMchid, appids: [t.appid] });
    p.tenants.push({ id: String(created.body.id), secretKey: String(created.body.secret_key), ...t });
  }
  return p;
}

/** Empties the simulator's call and delivery logs. */
export async function clearSimulatorLogs(sim: SimulatorProcess): Promise<void> {
  const res = await request(`${sim.base}/control/logs`, { method: 'DELETE' });
  await res.body.dump();
}

/** A POST /v1/orders body. */
export function orderBody(t: Tenant, outTradeNo: string, total = 100): Record<string, unknown> {
  return {
    appid: t.appid,
    out_trade_no: outTradeNo,
    description: 'Resilience run',
    amount: { total, currency: 'CNY' },
    payer: { openid: 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o' },
  };
}

/**
 * Events recorded in the database: order and refund events grouped as `type key` -> count, their ids; `other`
 * counts the rest (the bills daily run's reconciliation.completed, which a scenario with jobs on may add).
 * `undelivered` counts every event not delivered yet.
 */
export async function eventsInDb(db: RawDb): Promise<{ byKey: Map<string, number>; ids: Set<string>; other: number; undelivered: number }> {
  const rows = await db.all<{ id: string; type: string; payload: string; status: string }>('select id, type, payload, status from event');
  const byKey = new Map<string, number>();
  const ids = new Set<string>();
  let undelivered = 0;
  let other = 0;
  for (const r of rows) {
    if (r.status !== 'delivered') undelivered++;
    if (!/^(order|refund)\./.test(r.type)) {
      other++;
      continue;
    }
    const data = (JSON.parse(r.payload) as { data: { order?: { out_trade_no: string }; refund?: { out_refund_no: string } } }).data;
    const k = `${r.type} ${data.order?.out_trade_no ?? data.refund?.out_refund_no ?? ''}`;
    byKey.set(k, (byKey.get(k) ?? 0) + 1);
    ids.add(r.id);
  }
  return { byKey, ids, other, undelivered };
}
