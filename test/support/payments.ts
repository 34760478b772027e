import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { uniqueMchid, type TestApp } from './app';
import { admin, uniqueAppid } from './tenancy';
import { TOKENS } from '../../src/platform/tokens';
import { registerTenantInSimulator, type WxpaySimulator } from '@partnerpay/wxpay-simulator';

/** A service provider known to both partnerpay (admin API) and the embedded simulator. */
export interface Provider {
  spMchid: string;
  spAppid: string;
  apiv3Key: string;
  keys: { privateKey: string; publicKey: string };
}

/** A tenant with its secret key, ready to take payments. */
export interface Tenant {
  id: string;
  subMchid: string;
  appid: string;
  secretKey: string;
  webhookSecret: string;
  auth: [string, string];
}

/** The embedded simulator of a test app. */
export function simulatorOf(t: TestApp): WxpaySimulator {
  return t.app.container.resolve<WxpaySimulator>(TOKENS.Simulator);
}

/** Registers a provider in partnerpay and in the simulator (public-key mode by default). */
export async function givenWechatProvider(
  t: TestApp,
  keys: { privateKey: string; publicKey: string },
  mode: 'public_key' | 'certificate' = 'public_key',
  extra: Record<string, unknown> = {},
): Promise<Provider> {
  const sim = simulatorOf(t);
  const platform = sim.platform();
  const p: Provider = { spMchid: uniqueMchid(), spAppid: uniqueAppid(), apiv3Key: randomBytes(16).toString('hex'), keys };
  const serial = randomBytes(20).toString('hex').toUpperCase();
  const res = await request(t.http)
    .put(`/admin/v1/service-providers/${p.spMchid}`)
    .set(...admin(t))
    .send({
      name: 'Test ISV',
      sp_appid: p.spAppid,
      merchant_serial_no: serial,
      merchant_private_key: keys.privateKey,
      apiv3_key: p.apiv3Key,
      ...(mode === 'public_key' ? { wechatpay_public_key_id: platform.public_key_id, wechatpay_public_key: platform.public_key_pem } : {}),
      ...extra,
    });
  if (res.status !== 201) throw new Error(`provider PUT failed: ${res.status} ${JSON.stringify(res.body)}`);
  sim.registerServiceProvider({
    sp_mchid: p.spMchid,
    sp_appid: p.spAppid,
    merchant_serial_no: serial,
    merchant_public_key: keys.publicKey,
    apiv3_key: p.apiv3Key,
    verification: mode,
  });
  return p;
}

/** Onboards a tenant with one mini-program (its own, or the provider's centralized one) in partnerpay and the simulator. */
export async function givenWechatTenant(
  t: TestApp,
  p: Provider,
  opts: { devMode?: 'outsourced' | 'centralized'; webhookUrl?: string | null } = {},
): Promise<Tenant> {
  const devMode = opts.devMode ?? 'outsourced';
  const appid = devMode === 'centralized' ? p.spAppid : uniqueAppid();
  const body = {
    sp_mchid: p.spMchid,
    sub_mchid: uniqueMchid(),
    name: 'Tengda Toys',
    apps: [{ appid, type: 'miniprogram', dev_mode: devMode }],
    webhook_url: opts.webhookUrl ?? null,
  };
  const res = await request(t.http)
    .post('/admin/v1/tenants')
    .set(...admin(t))
    .send(body);
  if (res.status !== 201) throw new Error(`tenant POST failed: ${res.status} ${JSON.stringify(res.body)}`);
  registerTenantInSimulator(simulatorOf(t), body);
  return {
    id: res.body.id,
    subMchid: body.sub_mchid,
    appid,
    secretKey: res.body.secret_key,
    webhookSecret: res.body.webhook_secret,
    auth: ['Authorization', `Bearer ${res.body.secret_key}`],
  };
}

let seq = 0;
/** A fresh out_trade_no. */
export function outTradeNo(prefix = 'T'): string {
  return `${prefix}${Date.now().toString(36)}${(seq++).toString(36)}${randomBytes(3).toString('hex')}`.slice(0, 32);
}

/** A valid POST /v1/orders body for the tenant. */
export function orderBody(tenant: Tenant, over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    appid: tenant.appid,
    out_trade_no: outTradeNo(),
    description: 'Image形象店-深圳腾大-QQ公仔',
    amount: { total: 100, currency: 'CNY' },
    payer: { openid: 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o' },
    ...over,
  };
}
