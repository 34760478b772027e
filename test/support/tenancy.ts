import { generateKeyPairSync } from 'node:crypto';
import request from 'supertest';
import { uniqueMchid, type TestApp } from './app';

/** An RSA key pair as PEM (generate once per test file: it takes a moment). */
export function rsaPems(bits = 2048): { privateKey: string; publicKey: string } {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: bits });
  return {
    privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicKey: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}

/** A unique AppID (`wx` + 16 lowercase hex). */
export function uniqueAppid(): string {
  return `wx${Array.from({ length: 16 }, () => '0123456789abcdef'[Math.floor(Math.random() * 16)]).join('')}`;
}

/** A valid PUT /admin/v1/service-providers body (public-key mode). */
export function providerBody(keys: { privateKey: string; publicKey: string }, over: Record<string, unknown> = {}) {
  return {
    name: 'Acme ISV',
    sp_appid: uniqueAppid(),
    merchant_serial_no: '5157F09EFDC096DE15EBE81A47057A7232F1B8E1',
    merchant_private_key: keys.privateKey,
    apiv3_key: 'a7cde1ZJB1kG2e7VfTs3jQzaWizur8Gb',
    wechatpay_public_key_id: 'PUB_KEY_ID_0000000000000024101100397200000006',
    wechatpay_public_key: keys.publicKey,
    ...over,
  };
}

/** Authorization header of the bootstrap admin token. */
export function admin(t: TestApp): [string, string] {
  return ['Authorization', `Bearer ${t.config.security.adminToken}`];
}

/** PUTs a provider and answers its sp_mchid and sp_appid. */
export async function givenProvider(
  t: TestApp,
  keys: { privateKey: string; publicKey: string },
  over: Record<string, unknown> = {},
): Promise<{ spMchid: string; spAppid: string }> {
  const spMchid = uniqueMchid();
  const body = providerBody(keys, over);
  const res = await request(t.http)
    .put(`/admin/v1/service-providers/${spMchid}`)
    .set(...admin(t))
    .send(body);
  if (res.status !== 201) throw new Error(`provider PUT failed: ${res.status} ${JSON.stringify(res.body)}`);
  return { spMchid, spAppid: body.sp_appid };
}

/** POSTs a tenant (one outsourced mini-program) and answers the 201 body. */
export async function givenTenant(t: TestApp, spMchid: string, over: Record<string, unknown> = {}) {
  const res = await request(t.http)
    .post('/admin/v1/tenants')
    .set(...admin(t))
    .send({
      sp_mchid: spMchid,
      sub_mchid: uniqueMchid(),
      name: 'Tengda Toys',
      apps: [{ appid: uniqueAppid(), type: 'miniprogram', dev_mode: 'outsourced' }],
      webhook_url: 'https://merchant.example.com/events',
      ...over,
    });
  if (res.status !== 201) throw new Error(`tenant POST failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as {
    id: string;
    sub_mchid: string;
    secret_key: string;
    secret_key_id: string;
    webhook_secret: string;
    apps: Array<{ appid: string }>;
    [k: string]: unknown;
  };
}
