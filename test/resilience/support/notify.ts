/** Notifications signed as WeChat Pay signs them (the simulator's platform key), for a test that posts them itself. */
import { createPrivateKey, randomBytes, randomUUID } from 'node:crypto';
import { rfc3339 } from '../../../src/platform/clock';
import { encryptResource } from '@partnerpay/wxpay';
import { wechatpayHeaders } from '@partnerpay/wxpay-simulator';
import type { SimulatorProcess } from '../../../bench/support/simulator-process';
import type { Provider, Tenant } from './world';

export interface SignedNotification {
  path: string;
  body: string;
  /** Fresh Wechatpay-* headers over the same body (a resend is signed anew; a copy reuses them). */
  sign(): Record<string, string>;
}

/** TRANSACTION.SUCCESS for one order: one event id, one body; `sign()` per delivery. */
export function transactionSuccess(sim: SimulatorProcess, p: Provider, t: Tenant, outTradeNo: string, total: number): SignedNotification {
  const key = createPrivateKey(sim.platformPrivateKeyPem);
  const paidAt = Date.now();
  const resource = {
    sp_appid: p.spAppid,
    sp_mchid: p.spMchid,
    sub_appid: t.appid,
    sub_mchid: t.subMchid,
    out_trade_no: outTradeNo,
    transaction_id: `4200${paidAt}${randomBytes(4).readUInt32BE(0)}`.slice(0, 28),
    trade_type: 'JSAPI',
    trade_state: 'SUCCESS',
    trade_state_desc: '支付成功',
    bank_type: 'OTHERS',
    attach: '',
    success_time: rfc3339(paidAt),
    payer: { sp_openid: `o${randomBytes(14).toString('base64url')}`, sub_openid: 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o' },
    amount: { total, payer_total: total, currency: 'CNY', payer_currency: 'CNY' },
  };
  const body = JSON.stringify({
    id: randomUUID(),
    create_time: rfc3339(paidAt),
    resource_type: 'encrypt-resource',
    event_type: 'TRANSACTION.SUCCESS',
    summary: '支付成功',
    resource: { original_type: 'transaction', ...encryptResource(JSON.stringify(resource), p.apiv3Key, 'transaction') },
  });
  return {
    path: `/notify/${t.id}/transactions`,
    body,
    sign: () => ({
      'content-type': 'application/json',
      accept: '*/*',
      'user-agent': 'Mozilla/4.0',
      ...wechatpayHeaders({ privateKey: key }, sim.platform.public_key_id, body, Math.floor(Date.now() / 1000)),
    }),
  };
}
