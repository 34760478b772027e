/** Fixtures for the complaint tests: a buyer complains at the simulator, a tenant reads and answers through partnerpay. */
import assert from 'node:assert/strict';
import request from 'supertest';
import type { TestApp } from '../../support/app';
import { admin } from '../../support/tenancy';
import { simulatorOf, type Provider } from '../../support/payments';

/** A complaint as the control API answers it. */
export interface RaisedComplaint {
  complaint_id: string;
  complainted_mchid: string;
  payer_phone: string;
  complaint_order_info: Array<{ transaction_id: string; out_trade_no: string; amount: number }>;
}

/** A buyer complains about an order of `subMchid` (`notify: false`: WeChat Pay's notification is lost). */
export async function raise(t: TestApp, p: Provider, subMchid: string, over: Record<string, unknown> = {}): Promise<RaisedComplaint> {
  const res = await request(t.http)
    .post('/simulator/control/complaints')
    .send({ sp_mchid: p.spMchid, sub_mchid: subMchid, ...over });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return res.body as RaisedComplaint;
}

/** Registers partnerpay's default complaint URL for the provider at WeChat Pay. */
export async function registerUrl(t: TestApp, p: Provider): Promise<{ mchid: string; url: string }> {
  const res = await request(t.http)
    .post(`/admin/v1/service-providers/${p.spMchid}/complaint-notifications`)
    .set(...admin(t))
    .send({});
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return res.body.registration;
}

/** How many times WeChat Pay was called on a path that starts with `prefix`. */
export function callsTo(t: TestApp, prefix: string): number {
  return simulatorOf(t)
    .calls()
    .filter((c) => c.path.startsWith(prefix)).length;
}

/** The tenant's events of one type, oldest first. */
export async function eventsOf(t: TestApp, auth: [string, string], type: string) {
  const res = await request(t.http)
    .get('/v1/events')
    .query({ type, limit: 100 })
    .set(...auth);
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return (res.body.data as Array<{ type: string; data: Record<string, unknown> }>).reverse();
}

/** Bytes that start like a PNG: all WeChat Pay and partnerpay look at. */
export const png = (size = 200) => Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(size, 7)]);
