/**
 * Helpers for the simulator's tests. Requests are signed, and responses and notifications verified
 * and decrypted, with the published wechatpay-axios-plugin (Rsa / Formatter / Aes): an independent
 * implementation, so the simulator is checked against someone else's reading of WeChat Pay.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { generateKeyPairSync, randomBytes, randomInt, type KeyObject } from 'node:crypto';
import express from 'express';
import { Aes, Formatter, Rsa, Wechatpay } from 'wechatpay-axios-plugin';
import { WxpaySimulator, type WxpaySimulatorOptions } from '@partnerpay/wxpay-simulator';

let keys: { privateKey: KeyObject; publicKey: KeyObject } | undefined;
/** One merchant RSA key pair per test file (generation is slow-ish). */
export function merchantKeys() {
  return (keys ??= generateKeyPairSync('rsa', { modulusLength: 2048 }));
}

export interface TestProvider {
  sp_mchid: string;
  sp_appid: string;
  serial: string;
  privateKey: KeyObject;
  apiv3Key: string;
  sub_mchid: string;
  sub_appid: string;
}

const digits = (n: number) => Array.from({ length: n }, () => randomInt(10)).join('');
/** A random 10-digit mchid. */
export const mchid = () => `1${digits(9)}`;
/** A random wx... AppID. */
export const appid = () => `wx${randomBytes(8).toString('hex')}`;
/** A random out_trade_no / out_refund_no. */
export const outNo = (prefix = 'T') => `${prefix}${Date.now()}${digits(6)}`;

/** Registers a fresh provider (with one sub-merchant bound to one sub_appid) in the simulator. */
export function aProvider(sim: WxpaySimulator, verification: 'public_key' | 'certificate' = 'public_key'): TestProvider {
  const { privateKey, publicKey } = merchantKeys();
  const p: TestProvider = {
    sp_mchid: mchid(),
    sp_appid: appid(),
    serial: randomBytes(20).toString('hex').toUpperCase(),
    privateKey,
    apiv3Key: randomBytes(16).toString('hex'),
    sub_mchid: mchid(),
    sub_appid: appid(),
  };
  sim.registerServiceProvider({
    sp_mchid: p.sp_mchid,
    sp_appid: p.sp_appid,
    merchant_serial_no: p.serial,
    merchant_public_key: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    apiv3_key: p.apiv3Key,
    verification,
  });
  sim.registerSubMerchant({ sp_mchid: p.sp_mchid, sub_mchid: p.sub_mchid, appids: [p.sub_appid] });
  return p;
}

/** The same provider as aProvider, registered through the control API of a simulator in another process. */
export async function aRemoteProvider(
  sim: {
    registerServiceProvider(r: Record<string, unknown>): Promise<unknown>;
    registerSubMerchant(r: Record<string, unknown>): Promise<unknown>;
  },
  verification: 'public_key' | 'certificate' = 'public_key',
): Promise<TestProvider> {
  const { privateKey, publicKey } = merchantKeys();
  const p: TestProvider = {
    sp_mchid: mchid(),
    sp_appid: appid(),
    serial: randomBytes(20).toString('hex').toUpperCase(),
    privateKey,
    apiv3Key: randomBytes(16).toString('hex'),
    sub_mchid: mchid(),
    sub_appid: appid(),
  };
  await sim.registerServiceProvider({
    sp_mchid: p.sp_mchid,
    sp_appid: p.sp_appid,
    merchant_serial_no: p.serial,
    merchant_public_key: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    apiv3_key: p.apiv3Key,
    verification,
  });
  await sim.registerSubMerchant({ sp_mchid: p.sp_mchid, sub_mchid: p.sub_mchid, appids: [p.sub_appid] });
  return p;
}

export interface RunningSim {
  sim: WxpaySimulator;
  /** Base URL including the mount path (what a client uses as WeChat Pay's root). */
  baseUrl: string;
  close(): Promise<void>;
}

/** Starts a simulator on port 0, mounted at `mount` ('' = root, like api.mch.weixin.qq.com). */
export async function startSim(opts: WxpaySimulatorOptions = {}, mount = ''): Promise<RunningSim> {
  const sim = new WxpaySimulator(opts);
  const app = express();
  app.use(mount || '/', sim.router());
  const server = createServer(app);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}${mount}`;
  return {
    sim,
    baseUrl,
    async close() {
      await sim.close();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

/** The plugin's full APIv3 client (signs requests, verifies responses with `certs`: {serial: public key or cert}). */
export function pluginClient(p: TestProvider, baseUrl: string, certs: Record<string, string | KeyObject>): Wechatpay {
  return new Wechatpay({ mchid: p.sp_mchid, serial: p.serial, privateKey: p.privateKey, certs, baseURL: `${baseUrl}/` } as never);
}

/** The plugin's v3 axios instance behind a Wechatpay client (`.get('v3/...')`, `.post('v3/...', body)`). */
export function v3(client: Wechatpay): import('axios').AxiosInstance {
  return (client as unknown as { client: { v3: import('axios').AxiosInstance } }).client.v3;
}

export interface RawResponse {
  status: number;
  headers: Headers;
  text: string;
  json: any;
}

export interface SignOptions {
  mchid?: string;
  serial?: string;
  timestamp?: number;
  /** Sign this URL instead of the one requested. */
  signedUrl?: string;
  /** Corrupt the signature. */
  badSignature?: boolean;
  headers?: Record<string, string | undefined>;
  /** Send this exact body text (default JSON.stringify(body)). */
  rawBody?: string;
  /** Sign this body text instead of the one sent. */
  signedBody?: string;
}

/** One request signed with the plugin's Formatter + Rsa (so the test controls every part of it). */
export async function signedRequest(
  baseUrl: string,
  p: TestProvider,
  method: 'GET' | 'POST',
  pathWithQuery: string,
  body?: unknown,
  o: SignOptions = {},
): Promise<RawResponse> {
  const url = new URL(baseUrl + pathWithQuery);
  const text = o.rawBody ?? (body === undefined ? '' : JSON.stringify(body));
  const ts = o.timestamp ?? Formatter.timestamp();
  const nonce = Formatter.nonce();
  let signature = Rsa.sign(
    Formatter.request(method, o.signedUrl ?? `${url.pathname}${url.search}`, ts, nonce, o.signedBody ?? text),
    p.privateKey,
  );
  if (o.badSignature) signature = Rsa.sign('something else', p.privateKey);
  const headers: Record<string, string> = {
    Accept: 'application/json',
    'User-Agent': 'simulator-tests/1.0',
    Authorization: Formatter.authorization(o.mchid ?? p.sp_mchid, nonce, signature, ts, o.serial ?? p.serial),
    ...(text ? { 'Content-Type': 'application/json' } : {}),
  };
  for (const [k, v] of Object.entries(o.headers ?? {})) {
    if (v === undefined) delete headers[k];
    else headers[k] = v;
  }
  const res = await fetch(url, { method, headers, body: text || undefined });
  const out = await res.text();
  let json: unknown;
  try {
    json = out ? JSON.parse(out) : undefined;
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text: out, json };
}

/** Verifies Wechatpay-* headers over the raw body with the plugin (no clock check). */
export function pluginVerifies(headers: Headers | IncomingHttpHeaders, body: string, publicKey: string | KeyObject): boolean {
  const get = (n: string) => (headers instanceof Headers ? headers.get(n) : (headers[n] as string | undefined)) ?? '';
  return Rsa.verify(
    Formatter.response(get('wechatpay-timestamp'), get('wechatpay-nonce'), body),
    get('wechatpay-signature'),
    Rsa.from(publicKey as string, Rsa.KEY_TYPE_PUBLIC),
  );
}

/** Decrypts an encrypt-resource with the plugin's AES-GCM. */
export function pluginDecrypt(resource: { ciphertext: string; nonce: string; associated_data?: string }, apiv3Key: string): string {
  return Aes.AesGcm.decrypt(resource.ciphertext, apiv3Key, resource.nonce, resource.associated_data ?? '');
}

/** A jsapi order body for the provider's sub-merchant (paid in the sub's mini-program). */
export function orderBody(p: TestProvider, notifyUrl: string, over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    sp_appid: p.sp_appid,
    sp_mchid: p.sp_mchid,
    sub_appid: p.sub_appid,
    sub_mchid: p.sub_mchid,
    description: 'Image形象店-深圳腾大-QQ公仔',
    out_trade_no: outNo(),
    notify_url: notifyUrl,
    amount: { total: 100, currency: 'CNY' },
    payer: { sub_openid: 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o' },
    ...over,
  };
}

export interface Received {
  headers: IncomingHttpHeaders;
  body: string;
  at: number;
}

/** A notify_url endpoint that records what arrives and answers with `answer(n)` (n = 1-based count). */
export class Receiver {
  readonly received: Received[] = [];
  answer: (n: number, r: Received) => number = () => 200;
  private server?: Server;
  url = '';

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const r = { headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), at: Date.now() };
        this.received.push(r);
        const status = this.answer(this.received.length, r);
        res.statusCode = status;
        res.end(status === 200 ? '' : JSON.stringify({ code: 'FAIL', message: '失败' }));
      });
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/notify/wxpay`;
    return this;
  }

  async close(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }
}
