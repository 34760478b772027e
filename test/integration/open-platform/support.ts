import assert from 'node:assert/strict';
import request from 'supertest';
import type { TestApp } from '../../support/app';
import { admin, uniqueAppid } from '../../support/tenancy';
import { simulatorOf } from '../../support/payments';
import type { ComponentAccount, WxpaySimulator } from '@partnerpay/wxpay-simulator';

/** An open platform created at (simulated) WeChat and registered in partnerpay. */
export interface OpenPlatform {
  appid: string;
  account: ComponentAccount;
}

/**
 * The ISV creates its 第三方平台 at WeChat (the simulator of `wechat`, which pushes to `t`) and
 * registers it in partnerpay with PUT; answers the account with its secrets.
 */
export async function givenOpenPlatform(t: TestApp, wechat: TestApp = t): Promise<OpenPlatform> {
  const appid = uniqueAppid();
  const account = simulatorOf(wechat).component.createComponent({
    component_appid: appid,
    events_url: `${t.baseUrl}/open-platform/${appid}/events`,
  });
  const res = await request(t.http)
    .put(`/admin/v1/open-platforms/${appid}`)
    .set(...admin(t))
    .send({
      name: 'Acme 第三方平台',
      component_appsecret: account.component_appsecret,
      token: account.token,
      encoding_aes_key: account.encoding_aes_key,
    });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return { appid, account };
}

/** WeChat pushes a ticket now; partnerpay must answer `success`. */
export async function pushTicket(sim: WxpaySimulator, appid: string): Promise<string> {
  const push = await sim.component.pushTicket(appid);
  assert.equal(push.ok, true, `ticket push answered ${push.status}: ${push.error ?? ''}`);
  return push.ticket;
}

/** POST /admin/v1/open-platforms/{appid}/authorizations for a tenant. */
export async function authorizationLink(t: TestApp, appid: string, tenantId: string) {
  const res = await request(t.http)
    .post(`/admin/v1/open-platforms/${appid}/authorizations`)
    .set(...admin(t))
    .send({ tenant_id: tenantId });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return res.body as { link_id: string; url: string; expires_at: string; authorization_url: string; mobile_authorization_url: string };
}

/** The tenant's events of one type, oldest first (its own /v1/events). */
export async function eventsOf(t: TestApp, auth: [string, string], type: string) {
  const res = await request(t.http)
    .get('/v1/events')
    .query({ type, limit: 100 })
    .set(...auth);
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return (res.body.data as Array<{ type: string; data: Record<string, unknown>; created_at: string }>).reverse();
}

/**
 * How often the simulator's component API answered `path` for `componentAppid` (with `errcode`: only
 * those answers, 0 = success). Other test files' accounts share the database, so jobs may ask for them too.
 */
export function componentCalls(sim: WxpaySimulator, path: string, componentAppid: string, errcode?: number): number {
  return sim.component.state.calls.filter(
    (c) => c.path === path && c.component_appid === componentAppid && (errcode === undefined || c.errcode === errcode),
  ).length;
}

export { uniqueAppid };
