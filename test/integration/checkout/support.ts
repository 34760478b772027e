import { randomBytes } from 'node:crypto';
import request from 'supertest';
import type { TestApp } from '../../support/app';
import { admin } from '../../support/tenancy';
import { orderBody, simulatorOf, type Tenant } from '../../support/payments';

/** A random AppSecret (32 letters and digits). */
export const anAppSecret = () => randomBytes(24).toString('base64').replace(/[+/=]/g, 'x').slice(0, 32);

/** Gives the tenant's app an AppSecret in partnerpay (PATCH) and in the simulator's login. */
export async function givenAppSecret(t: TestApp, tenant: Tenant, secret = anAppSecret()): Promise<string> {
  const res = await request(t.http)
    .patch(`/admin/v1/tenants/${tenant.id}/apps/${tenant.appid}`)
    .set(...admin(t))
    .send({ app_secret: secret });
  if (res.status !== 200) throw new Error(`app secret PATCH failed: ${res.status} ${JSON.stringify(res.body)}`);
  simulatorOf(t).login.registerApp({ appid: tenant.appid, secret });
  return secret;
}

/** Creates an order awaiting its buyer; answers the order view (with client_secret). */
export async function orderAwaitingBuyer(t: TestApp, tenant: Tenant, over: Record<string, unknown> = {}) {
  const body = { ...orderBody(tenant, over), payer: undefined };
  const res = await request(t.http)
    .post('/v1/orders')
    .set(...tenant.auth)
    .send(body);
  if (res.status !== 201) throw new Error(`order POST failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.order as { id: string; out_trade_no: string; client_secret: string; prepay_id: string | null };
}

/** A wx.login code of `openid` in mini-program `appid`, minted by the simulator. */
export function loginCode(t: TestApp, appid: string, openid: string, errcode?: number): string {
  return simulatorOf(t).login.issueCode({ appid, openid, errcode }).code;
}

/** POST /mp/v1/orders/{id}/pay as the mini-program would (no Authorization header). */
export function pay(t: TestApp, orderId: string, body: Record<string, unknown>) {
  return request(t.http).post(`/mp/v1/orders/${orderId}/pay`).send(body);
}

/** An openid as WeChat writes them. */
export const anOpenid = () => `o${randomBytes(14).toString('base64url')}`;
