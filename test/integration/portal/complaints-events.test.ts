import 'reflect-metadata';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { startTestApp, type TestApp } from '../../support/app';
import { admin, rsaPems } from '../../support/tenancy';
import { givenWechatProvider, givenWechatTenant, type Provider, type Tenant } from '../../support/payments';
import { callsTo, raise, registerUrl } from '../complaints/harness';
import { portalUser } from './support';

let t: TestApp;
let p: Provider;
let shop: Tenant;
let other: Tenant;

before(async () => {
  t = await startTestApp();
  p = await givenWechatProvider(t, rsaPems());
  shop = await givenWechatTenant(t, p);
  other = await givenWechatTenant(t, p);
  await registerUrl(t, p);
});
after(() => t.close());

test("A portal user reads its tenant's complaints only; staff answer one (CSRF-checked), a viewer may not, another tenant's user gets 404 and WeChat Pay is not asked", async () => {
  const mine = await raise(t, p, shop.subMchid);
  const theirs = await raise(t, p, other.subMchid);
  const staff = await portalUser(t, shop.id, 'staff');
  const viewer = await portalUser(t, shop.id, 'viewer');
  const stranger = await portalUser(t, other.id, 'owner');

  const list = await request(t.http)
    .get('/portal/v1/complaints')
    .set(...viewer.session.cookie)
    .expect(200);
  const ids = (list.body.data as Array<{ complaint_id: string }>).map((c) => c.complaint_id);
  assert.ok(ids.includes(mine.complaint_id));
  assert.ok(!ids.includes(theirs.complaint_id), "another tenant's complaint is not listed");
  const one = await request(t.http)
    .get(`/portal/v1/complaints/${mine.complaint_id}`)
    .set(...viewer.session.cookie)
    .expect(200);
  assert.equal(one.body.complaint.complaint_state, 'PENDING');
  assert.ok(one.body.complaint.respond_by, 'the deadline is shown');
  assert.ok(!JSON.stringify(one.body).includes(mine.payer_phone), 'the phone is masked');

  const path = `/v3/merchant-service/complaints-v2/${mine.complaint_id}/response`;
  const answer = (s: typeof staff.session, withCsrf = true) => {
    const req = request(t.http)
      .post(`/portal/v1/complaints/${mine.complaint_id}/responses`)
      .set(...s.cookie);
    return (withCsrf ? req.set(...s.csrf) : req).send({ response_content: '您好，已为您补发' });
  };
  const byViewer = await answer(viewer.session);
  assert.equal(byViewer.status, 403);
  const noCsrf = await answer(staff.session, false);
  assert.equal(noCsrf.status, 403);
  assert.equal(noCsrf.body.detail.reason, 'csrf');
  const byStranger = await answer(stranger.session);
  assert.equal(byStranger.status, 404);
  await request(t.http)
    .get(`/portal/v1/complaints/${mine.complaint_id}`)
    .set(...stranger.session.cookie)
    .expect(404);
  assert.equal(callsTo(t, path), 0, 'no refused answer reached WeChat Pay');

  const ok = await answer(staff.session);
  assert.equal(ok.status, 200, JSON.stringify(ok.body));
  assert.equal(ok.body.complaint.complaint_state, 'PROCESSING');
  assert.equal(callsTo(t, path), 1);
  const audit = await request(t.http)
    .get('/admin/v1/audit-log')
    .set(...admin(t))
    .query({ limit: 100 });
  const entry = (audit.body.data as Array<{ action: string; target: string; actor: string }>).find(
    (e) => e.action === 'complaint.respond' && e.target === `complaint:${mine.complaint_id}`,
  );
  assert.equal(entry?.actor, `portal:${staff.user.id}`, 'audited as the portal user');
});

test("A portal user reads its tenant's events with their delivery attempts (profit-sharing results are events too); another tenant's event is 404", async () => {
  await raise(t, p, shop.subMchid);
  const viewer = await portalUser(t, shop.id, 'viewer');
  const stranger = await portalUser(t, other.id, 'viewer');
  const page = await request(t.http)
    .get('/portal/v1/events')
    .query({ type: 'complaint.created', limit: 100 })
    .set(...viewer.session.cookie)
    .expect(200);
  const events = page.body.data as Array<{ id: string; type: string }>;
  assert.ok(events.length >= 1);
  assert.ok(events.every((e) => e.type === 'complaint.created'));
  const first = events[0]!;
  const one = await request(t.http)
    .get(`/portal/v1/events/${first.id}`)
    .set(...viewer.session.cookie)
    .expect(200);
  assert.ok(Array.isArray(one.body.event.delivery_attempts));
  assert.equal(one.body.event.tenant_id, undefined, 'a tenant-scoped view');
  await request(t.http)
    .get(`/portal/v1/events/${first.id}`)
    .set(...stranger.session.cookie)
    .expect(404);
  const theirs = await request(t.http)
    .get('/portal/v1/events')
    .query({ limit: 100 })
    .set(...stranger.session.cookie)
    .expect(200);
  assert.ok(!(theirs.body.data as Array<{ id: string }>).some((e) => e.id === first.id));
  await request(t.http).get('/portal/v1/events').expect(401);
});
