import { createPrivateKey, createPublicKey, randomBytes, randomUUID, type KeyObject } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { rfc3339 } from '../../src/platform/clock';
import { decryptResource, encryptResource, pickWechatpayHeaders, verifyWechatpaySignature } from '@partnerpay/wxpay';
import { wechatpayHeaders } from '@partnerpay/wxpay-simulator';
import { cpuPerCall } from './cpu';
import type { LoadRequest } from './load-protocol';
import type { BenchOrder } from './orders-phase';
import type { BenchProvider } from './partnerpay';
import type { RawDb } from './raw-db';

/** A notification as WeChat Pay POSTs it, plus which order it pays. */
export interface BenchNotification extends LoadRequest {
  order: BenchOrder;
  /** 'first' delivery, an identical 'copy' (same bytes, as concurrent copies are), or a 'resend' (same body, signed anew, as retries are). */
  kind: 'first' | 'copy' | 'resend';
}

/** WeChat Pay's signature headers over `body` with its platform key (the simulator's own signer). */
function signed(body: string, serial: string, platformKey: KeyObject): Record<string, string> {
  return {
    'content-type': 'application/json',
    accept: '*/*',
    'user-agent': 'Mozilla/4.0',
    // Lower-case, as node:http hands them over: the raw baseline reads them without a server in between.
    ...Object.fromEntries(
      Object.entries(wechatpayHeaders({ privateKey: platformKey }, serial, body, Math.floor(Date.now() / 1000))).map(([k, v]) => [
        k.toLowerCase(),
        v,
      ]),
    ),
  };
}

/**
 * TRANSACTION.SUCCESS for each of `orders`, encrypted with the provider's APIv3 key and signed with
 * the platform key, then `duplicates` more: half identical copies, half re-signed resends, each
 * placed a little after its original (some arrive while it is still in flight, some after).
 */
export function buildNotifications(
  p: BenchProvider,
  orders: BenchOrder[],
  duplicates: number,
  platformPrivatePem: string,
  spread: number,
): BenchNotification[] {
  const key = createPrivateKey(platformPrivatePem);
  const items: Array<{ at: number; n: BenchNotification }> = [];
  const firsts = orders.map((o, i) => {
    const paidAt = Date.now();
    const resource = {
      sp_appid: p.spAppid,
      sp_mchid: p.spMchid,
      sub_appid: o.tenant.appid,
      sub_mchid: o.tenant.subMchid,
      out_trade_no: o.outTradeNo,
      transaction_id: `4200${Date.now()}${String(i).padStart(8, '0')}`.slice(0, 28),
      trade_type: 'JSAPI',
      trade_state: 'SUCCESS',
      trade_state_desc: '支付成功',
      bank_type: 'OTHERS',
      attach: '',
      success_time: rfc3339(paidAt),
      payer: { sp_openid: `o${randomBytes(14).toString('base64url')}`, sub_openid: 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o' },
      amount: { total: o.total, payer_total: o.total, currency: 'CNY', payer_currency: 'CNY' },
    };
    const body = JSON.stringify({
      id: randomUUID(),
      create_time: rfc3339(paidAt),
      resource_type: 'encrypt-resource',
      event_type: 'TRANSACTION.SUCCESS',
      summary: '支付成功',
      resource: { original_type: 'transaction', ...encryptResource(JSON.stringify(resource), p.apiv3Key, 'transaction') },
    });
    const n: BenchNotification = {
      method: 'POST',
      path: `/notify/${o.tenant.id}/transactions`,
      headers: signed(body, p.publicKeyId, key),
      body,
      order: o,
      kind: 'first',
    };
    items.push({ at: i, n });
    return n;
  });
  for (let d = 0; d < duplicates; d++) {
    const i = Math.floor(Math.random() * firsts.length);
    const f = firsts[i];
    const n: BenchNotification =
      d % 2 === 0 ? { ...f, kind: 'copy' } : { ...f, headers: signed(f.body!, p.publicKeyId, key), kind: 'resend' };
    items.push({ at: i + 0.5 + Math.random() * spread, n });
  }
  return items.sort((a, b) => a.at - b.at).map((x) => x.n);
}

const PAID_SQL =
  "update payment_order set trade_state = 'SUCCESS', trade_state_desc = ?, transaction_id = ?, success_time = ?, payer_total = ?, bank_type = ?, updated_at = ?, last_synced_at = ? where sp_mchid = ? and out_trade_no = ? and trade_state = 'NOTPAY'";

/** What the baseline and the platform cost per notification. */
export interface Throughput {
  n: number;
  wallS: number;
  perSecond: number;
  cpuUs: number;
  perCpuSecond: number;
}

/**
 * The raw baseline: for each notification, verify the signature (KeyObject parsed once), parse,
 * decrypt, parse, and one guarded UPDATE (autocommit) through the bare driver, `concurrency` in
 * flight. No HTTP, replay cache, tenant lookup, cross-check, outbox event or notification log.
 */
export async function rawBaseline(
  db: RawDb,
  p: BenchProvider,
  platformPrivatePem: string,
  list: BenchNotification[],
  concurrency: number,
): Promise<Throughput & { applied: number }> {
  const publicKey = createPublicKey(createPrivateKey(platformPrivatePem));
  const apiV3Key = Buffer.from(p.apiv3Key, 'utf8');
  const keyFor = (serial: string) => (serial === p.publicKeyId ? publicKey : undefined);
  let next = 0;
  let applied = 0;
  const one = async (n: BenchNotification) => {
    const v = verifyWechatpaySignature(pickWechatpayHeaders(n.headers), n.body!, Math.floor(Date.now() / 1000), keyFor);
    if (!v.ok) throw new Error(`baseline: signature refused (${v.reason})`);
    const envelope = JSON.parse(n.body!) as { resource: { ciphertext: string; nonce: string; associated_data: string } };
    const t = JSON.parse(decryptResource(envelope.resource, apiV3Key)) as Record<string, any>;
    const now = Date.now();
    const changed = await db.run(PAID_SQL, [
      t.trade_state_desc,
      t.transaction_id,
      Date.parse(t.success_time),
      t.amount.payer_total,
      t.bank_type,
      now,
      now,
      t.sp_mchid,
      t.out_trade_no,
    ]);
    applied += changed;
  };
  const worker = async () => {
    for (let i = next++; i < list.length; i = next++) await one(list[i]);
  };
  const before = process.cpuUsage();
  const t0 = performance.now();
  await Promise.all(Array.from({ length: concurrency }, worker));
  const wallS = (performance.now() - t0) / 1000;
  const d = process.cpuUsage(before);
  const cpuUs = d.user + d.system;
  return { n: list.length, wallS, perSecond: list.length / wallS, cpuUs, perCpuSecond: list.length / (cpuUs / 1e6), applied };
}

/** Puts the bench's orders back to NOTPAY (between baseline and platform runs over the same rows). */
export async function resetOrders(db: RawDb, spMchid: string): Promise<void> {
  await db.run(
    "update payment_order set trade_state = 'NOTPAY', trade_state_desc = null, transaction_id = null, success_time = null, payer_total = null, bank_type = null where sp_mchid = ?",
    [spMchid],
  );
}

/** CPU microseconds of the crypto a notification cannot avoid: one signature verification and one AES-GCM decryption. */
export function notificationCryptoMicros(p: BenchProvider, platformPrivatePem: string, sample: BenchNotification): number {
  const publicKey = createPublicKey(createPrivateKey(platformPrivatePem));
  const apiV3Key = Buffer.from(p.apiv3Key, 'utf8');
  const h = pickWechatpayHeaders(sample.headers);
  const resource = (JSON.parse(sample.body!) as { resource: { ciphertext: string; nonce: string; associated_data: string } }).resource;
  return (
    cpuPerCall(() => verifyWechatpaySignature(h, sample.body!, Math.floor(Date.now() / 1000), () => publicKey)) +
    cpuPerCall(() => decryptResource(resource, apiV3Key))
  );
}
