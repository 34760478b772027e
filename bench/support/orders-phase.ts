import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { nonce, paySignMessage, requestMessage, responseMessage, signSha256Rsa, verifySha256Rsa } from '@partnerpay/wxpay';
import { cpuPerCall, percentile } from './cpu';
import type { LoadClient, MeasuredLoad } from './load';
import type { LoadRequest } from './load-protocol';
import type { BenchProvider, BenchTenant } from './partnerpay';

/** An order the bench created (what the notification phase needs to pay it). */
export interface BenchOrder {
  tenant: BenchTenant;
  outTradeNo: string;
  total: number;
}

const OPENID = 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o';

/** `n` POST /v1/orders requests spread over the provider's tenants; out_trade_no = prefix + index. */
export function orderRequests(p: BenchProvider, prefix: string, n: number, from = 0): { requests: LoadRequest[]; orders: BenchOrder[] } {
  const requests: LoadRequest[] = [];
  const orders: BenchOrder[] = [];
  for (let i = from; i < from + n; i++) {
    const tenant = p.tenants[i % p.tenants.length];
    const o: BenchOrder = { tenant, outTradeNo: `${prefix}${i.toString(36).padStart(6, '0')}`, total: 100 + (i % 97) };
    orders.push(o);
    requests.push({
      method: 'POST',
      path: '/v1/orders',
      headers: { authorization: `Bearer ${tenant.secretKey}`, 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({
        appid: tenant.appid,
        out_trade_no: o.outTradeNo,
        description: 'Image形象店-深圳腾大-QQ公仔',
        amount: { total: o.total, currency: 'CNY' },
        payer: { openid: OPENID },
      }),
    });
  }
  return { requests, orders };
}

/**
 * CPU microseconds of the crypto one order cannot avoid, with parsed KeyObjects: the Authorization
 * signature of the JSAPI call, the verification of WeChat Pay's signed answer, and paySign.
 */
export function orderCrypto(
  merchantKey: KeyObject,
  platformPrivatePem: string,
): { signRequest: () => void; paySign: () => void; verify: () => void; all: () => void } {
  const platformPrivate = createPrivateKey(platformPrivatePem);
  const platformPublic = createPublicKey(platformPrivate);
  const body = JSON.stringify({
    sp_appid: 'wx8888888888888888',
    sp_mchid: '1230000109',
    sub_appid: 'wx1111111111111111',
    sub_mchid: '1900000109',
    description: 'Image形象店-深圳腾大-QQ公仔',
    out_trade_no: 'B00000000001',
    time_expire: '2026-11-27T10:00:00+08:00',
    notify_url: 'http://127.0.0.1:3000/notify/ten_xxxxxxxxxxxxxxxxxxxxxx/transactions',
    amount: { total: 100, currency: 'CNY' },
    payer: { sub_openid: OPENID },
  });
  const ts = String(Math.floor(Date.now() / 1000));
  const answer = JSON.stringify({ prepay_id: 'wx201410272009395522657a690389285100' });
  const n = nonce();
  const sig = signSha256Rsa(responseMessage(ts, n, answer), platformPrivate);
  const signRequest = () => signSha256Rsa(requestMessage('POST', '/v3/pay/partner/transactions/jsapi', ts, nonce(), body), merchantKey);
  const paySign = () =>
    signSha256Rsa(paySignMessage('wx1111111111111111', ts, nonce(), 'prepay_id=wx201410272009395522657a690389285100'), merchantKey);
  const verify = () => {
    if (!verifySha256Rsa(responseMessage(ts, n, answer), sig, platformPublic)) throw new Error('verify failed');
  };
  return {
    signRequest: () => void signRequest(),
    paySign: () => void paySign(),
    verify,
    all: () => {
      signRequest();
      verify();
      paySign();
    },
  };
}

/** The same crypto timed on this process while it is quiet (no load running): median of 100 ms CPU slices per function. */
export function orderCryptoMicros(merchantKey: KeyObject, platformPrivatePem: string): { sign: number; verify: number; perOrder: number } {
  const c = orderCrypto(merchantKey, platformPrivatePem);
  const sign = (cpuPerCall(c.signRequest) + cpuPerCall(c.paySign)) / 2;
  const v = cpuPerCall(c.verify);
  return { sign, verify: v, perOrder: 2 * sign + v };
}

/** The figures of one measured order run. */
export interface OrderFigures {
  n: number;
  concurrency: number;
  wallS: number;
  perSecond: number;
  p50: number;
  p99: number;
  platformUsPerOrder: number;
  simulatorUsPerOrder?: number;
  clientUsPerOrder?: number;
  statuses: Record<string, number>;
}

/** Runs the order requests through the load client (closed loop) and turns the measurement into per-order figures. */
export async function measureOrders(
  client: LoadClient,
  origin: string,
  requests: LoadRequest[],
  concurrency: number,
  watch: Record<string, number>,
  profileName?: string,
): Promise<{ figures: OrderFigures; raw: MeasuredLoad }> {
  const raw = await client.run(origin, requests, concurrency, { watch, profileName });
  const n = requests.length;
  const sim = raw.others.simulator;
  const cli = raw.others.client;
  return {
    raw,
    figures: {
      n,
      concurrency,
      wallS: raw.wallMs / 1000,
      perSecond: n / (raw.wallMs / 1000),
      p50: percentile(raw.latencies, 50),
      p99: percentile(raw.latencies, 99),
      platformUsPerOrder: raw.cpuUs / n,
      simulatorUsPerOrder: sim === undefined ? undefined : sim / n,
      clientUsPerOrder: cli === undefined ? undefined : cli / n,
      statuses: raw.statuses,
    },
  };
}
