import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';
import { request } from 'undici';
import pino from 'pino';
import { createLogger } from '../../src/platform/logging/logger';
import { loadConfig } from '../../src/platform/config/load-config';
import type { Config } from '../../src/platform/config/schema';
import { buildContainer, type AppContainer } from '../../src/app/container';
import { buildApp } from '../../src/app/app';
import type { SimulatorProcess } from './simulator-process';

/**
 * `production`: as `npm start` runs a node in production: Redis on, request logs at info to a file
 * (pino's default asynchronous destination, as main.ts's stdout redirected to a file), background jobs on at
 * their production interval (so event delivery to tenants' webhooks runs). `minimal`: the previous
 * bench's setting, per-request work only: in-process KV, log level warn, no background jobs.
 */
export type BenchProfile = 'production' | 'minimal';

export interface ProfileOptions {
  profile: BenchProfile;
  /** production: Redis to use (its keys under a prefix of their own). */
  redisUrl?: string;
  /** production: file the logs go to. */
  logFile?: string;
  /** Key prefix in Redis (unique per run). */
  tag: string;
}

export interface Partnerpay {
  baseUrl: string;
  app: AppContainer;
  config: Config;
  close(): Promise<void>;
}

/**
 * partnerpay in this process, as `npm start` builds it: buildContainer + buildApp on a real listener,
 * WeChat Pay = the simulator process, no embedded simulator; the rest per `opts.profile`
 * (BENCH_LOG_LEVEL overrides the log level of either).
 */
export async function startPartnerpay(
  dbUrl: string,
  wxpayBase: string,
  createPerMinute: number,
  opts: ProfileOptions,
): Promise<Partnerpay> {
  const production = opts.profile === 'production';
  const server: Server = createServer({ keepAliveTimeout: 30_000 });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const config = loadConfig(
    {},
    {
      profile: 'test',
      server: { publicBaseUrl: baseUrl },
      db: { url: dbUrl, migrateOnStart: true },
      wxpay: { baseUrl: wxpayBase },
      simulator: { embedded: false },
      jobs: production ? { enabled: true, intervalMs: 5000 } : { enabled: false },
      redis: production ? { url: opts.redisUrl, keyPrefix: `ppbench:${opts.tag}:` } : {},
      orders: { createPerMinutePerTenant: createPerMinute },
      log: { level: (process.env.BENCH_LOG_LEVEL as Config['log']['level'] | undefined) ?? (production ? 'info' : 'warn') },
    },
  );
  const logger =
    production && opts.logFile ? createLogger(config.log.level, pino.destination({ dest: opts.logFile, sync: false })) : undefined;
  const app = await buildContainer(config, { logger });
  server.on('request', buildApp(app));
  await app.start();
  return {
    baseUrl,
    app,
    config,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
      await app.close();
    },
  };
}

export interface BenchTenant {
  id: string;
  subMchid: string;
  appid: string;
  secretKey: string;
}

export interface BenchProvider {
  spMchid: string;
  spAppid: string;
  apiv3Key: string;
  publicKeyId: string;
  /** The merchant API key partnerpay signs with (parsed here from the same PEM), for the crypto reference. */
  merchantPrivateKey: KeyObject;
  tenants: BenchTenant[];
}

const digits = (n: number) => Array.from({ length: n }, () => Math.floor(Math.random() * 10)).join('');
const appid = () => `wx${randomBytes(8).toString('hex')}`;

async function call(method: 'POST' | 'PUT', url: string, token: string, body: unknown): Promise<Record<string, unknown>> {
  const res = await request(url, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await res.body.text();
  if (res.statusCode !== 201 && res.statusCode !== 200) throw new Error(`${method} ${url}: ${res.statusCode} ${text}`);
  return JSON.parse(text) as Record<string, unknown>;
}

/**
 * One service provider in public-key mode (WeChat Pay's key = the simulator's) and `n` tenants with
 * one outsourced mini-program each (their webhook_url = `webhookUrl`), registered in partnerpay (admin API) and in the simulator (control API).
 */
export async function provision(
  pp: Partnerpay,
  sim: SimulatorProcess,
  n: number,
  webhookUrl: string | null = null,
): Promise<BenchProvider> {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const spMchid = `1${digits(9)}`;
  const p: BenchProvider = {
    spMchid,
    spAppid: appid(),
    apiv3Key: randomBytes(16).toString('hex'),
    publicKeyId: sim.platform.public_key_id,
    merchantPrivateKey: privateKey,
    tenants: [],
  };
  const serial = randomBytes(20).toString('hex').toUpperCase();
  const token = pp.config.security.adminToken;
  await sim.control('POST', '/service-providers', {
    sp_mchid: spMchid,
    sp_appid: p.spAppid,
    merchant_serial_no: serial,
    merchant_public_key: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    apiv3_key: p.apiv3Key,
    verification: 'public_key',
  });
  await call('PUT', `${pp.baseUrl}/admin/v1/service-providers/${spMchid}`, token, {
    name: 'Bench ISV',
    sp_appid: p.spAppid,
    merchant_serial_no: serial,
    merchant_private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    apiv3_key: p.apiv3Key,
    wechatpay_public_key_id: sim.platform.public_key_id,
    wechatpay_public_key: sim.platform.public_key_pem,
  });
  for (let i = 0; i < n; i++) {
    const t = { subMchid: `2${digits(9)}`, appid: appid() };
    const created = await call('POST', `${pp.baseUrl}/admin/v1/tenants`, token, {
      sp_mchid: spMchid,
      sub_mchid: t.subMchid,
      name: `Bench shop ${i + 1}`,
      apps: [{ appid: t.appid, type: 'miniprogram', dev_mode: 'outsourced' }],
      webhook_url: webhookUrl,
    });
    await sim.control('POST', '/sub-merchants', { sp_mchid: spMchid, sub_mchid: t.subMchid, appids: [t.appid] });
    p.tenants.push({ id: String(created.id), secretKey: String(created.secret_key), ...t });
  }
  return p;
}
