import 'reflect-metadata';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { startTestApp, type TestApp } from '../../support/app';
import { admin, rsaPems } from '../../support/tenancy';
import { givenWechatProvider, givenWechatTenant, orderBody, simulatorOf, type Provider, type Tenant } from '../../support/payments';
import { uniqueMchid } from '../../support/app';
import { ManualClock } from '../../../src/platform/clock';
import { TOKENS } from '../../../src/platform/tokens';
import type { Database } from '../../../src/platform/db/database';
import { COMPLAINT } from '../../../src/modules/complaints/complaint.entity';
import { ComplaintFollower } from '../../../src/modules/complaints';
import { callsTo, eventsOf, png, raise, registerUrl } from './harness';

let t: TestApp;
let p: Provider;
let a: Tenant;
let b: Tenant;
const clock = new ManualClock(Date.now());
const HOUR = 3_600_000;

before(async () => {
  t = await startTestApp({}, { clock });
  p = await givenWechatProvider(t, rsaPems());
  a = await givenWechatTenant(t, p);
  b = await givenWechatTenant(t, p);
  await registerUrl(t, p);
});
after(() => t.close());

const follower = () => t.app.container.resolve(ComplaintFollower);
const db = () => t.app.container.resolve<Database>(TOKENS.Db);
const get = (tenant: Tenant, id: string) =>
  request(t.http)
    .get(`/v1/complaints/${id}`)
    .set(...tenant.auth);
const post = (tenant: Tenant, path: string, body: unknown = {}) =>
  request(t.http)
    .post(`/v1/complaints/${path}`)
    .set(...tenant.auth)
    .send(body as object);

test('The complaint URL is created, read, replaced and deleted at WeChat Pay', async () => {
  const other = await givenWechatProvider(t, rsaPems());
  const url = `/admin/v1/service-providers/${other.spMchid}/complaint-notifications`;
  await request(t.http)
    .get(url)
    .set(...admin(t))
    .expect(404);
  const created = await request(t.http)
    .post(url)
    .set(...admin(t))
    .send({});
  assert.equal(created.status, 201, JSON.stringify(created.body));
  assert.deepEqual(created.body.registration, { mchid: other.spMchid, url: `${t.baseUrl}/notify/sp/${other.spMchid}/complaints` });
  const replaced = await request(t.http)
    .put(url)
    .set(...admin(t))
    .send({ url: 'https://pay.example.com/notify/complaints' });
  assert.equal(replaced.status, 200, JSON.stringify(replaced.body));
  assert.equal(
    (
      await request(t.http)
        .get(url)
        .set(...admin(t))
        .expect(200)
    ).body.registration.url,
    'https://pay.example.com/notify/complaints',
  );
  await request(t.http)
    .delete(url)
    .set(...admin(t))
    .expect(204);
  await request(t.http)
    .get(url)
    .set(...admin(t))
    .expect(404);
  const audit = await request(t.http)
    .get('/admin/v1/audit-log')
    .set(...admin(t))
    .query({ limit: 100 });
  const actions = (audit.body.data as Array<{ action: string; target: string }>)
    .filter((e) => e.target === `service_provider:${other.spMchid}` && e.action.startsWith('complaint_url.'))
    .map((e) => e.action);
  assert.deepEqual(actions.sort(), ['complaint_url.create', 'complaint_url.delete', 'complaint_url.replace']);
});

test('A notified complaint reaches its tenant once, matched to the paid order, the phone masked, with respond_by 24 h later', async () => {
  const order = orderBody(a);
  await request(t.http)
    .post('/v1/orders')
    .set(...a.auth)
    .send(order)
    .expect(201);
  await request(t.http).post('/simulator/control/pay').send({ sub_mchid: a.subMchid, out_trade_no: order.out_trade_no }).expect(200);
  const c = await raise(t, p, a.subMchid, { out_trade_no: order.out_trade_no, extra: { brand_new_field: { kept: true } } });

  const res = await get(a, c.complaint_id).expect(200);
  const complaint = res.body.complaint;
  assert.equal(complaint.complaint_state, 'PENDING');
  assert.equal(complaint.complainted_mchid, a.subMchid);
  assert.equal(complaint.order.out_trade_no, order.out_trade_no);
  assert.equal(complaint.order.trade_state, 'SUCCESS');
  assert.deepEqual(complaint.brand_new_field, { kept: true }, 'fields WeChat Pay adds later are kept and shown');
  assert.equal(complaint.payer_phone, `${c.payer_phone.slice(0, 3)}****${c.payer_phone.slice(-4)}`);
  assert.equal(
    Date.parse(complaint.respond_by) - clock.now() <= 24 * HOUR && Date.parse(complaint.respond_by) - clock.now() > 23 * HOUR,
    true,
  );
  assert.equal(complaint.overdue, false);
  assert.equal(complaint.negotiation_history[0].operate_type, 'USER_CREATE_COMPLAINT');
  assert.ok(!JSON.stringify(res.body).includes(c.payer_phone), 'the plain phone is in no answer');
  const [stored] = await COMPLAINT.findBy(db().read(), { complaintId: c.complaint_id });
  assert.ok(!JSON.stringify(stored).includes(c.payer_phone), 'the plain phone is nowhere in the row');

  // WeChat Pay sends the same notification again: nothing changes twice.
  await request(t.http)
    .post(`/simulator/control/complaints/${c.complaint_id}/notify`)
    .send({ action_type: 'CREATE_COMPLAINT' })
    .expect(200);
  const created = (await eventsOf(t, a.auth, 'complaint.created')).filter((e) => e.data.complaint_id === c.complaint_id);
  assert.equal(created.length, 1);
  const log = await request(t.http)
    .get('/admin/v1/notifications')
    .set(...admin(t))
    .query({ tenant_id: a.id, limit: 100 });
  const outcomes = (log.body.data as Array<{ kind: string; outcome: string; detail: { complaint_id?: string } }>)
    .filter((n) => n.kind === 'complaints' && n.detail?.complaint_id === c.complaint_id)
    .map((n) => n.outcome);
  assert.deepEqual(outcomes.sort(), ['applied', 'duplicate']);
});

test("Complaints are routed by complainted_mchid: another tenant neither sees nor answers them; an unknown sub-merchant's is kept for operators", async () => {
  const ca = await raise(t, p, a.subMchid);
  const cb = await raise(t, p, b.subMchid);
  const listA = await request(t.http)
    .get('/v1/complaints')
    .set(...a.auth)
    .expect(200);
  const ids = (listA.body.data as Array<{ complaint_id: string }>).map((x) => x.complaint_id);
  assert.ok(ids.includes(ca.complaint_id));
  assert.ok(!ids.includes(cb.complaint_id));
  await get(a, cb.complaint_id).expect(404);
  const before = callsTo(t, `/v3/merchant-service/complaints-v2/${cb.complaint_id}/response`);
  const refused = await post(a, `${cb.complaint_id}/responses`, { response_content: '您好' });
  assert.equal(refused.status, 404);
  assert.equal(refused.body.code, 'NOT_FOUND');
  assert.equal(callsTo(t, `/v3/merchant-service/complaints-v2/${cb.complaint_id}/response`), before, 'no call to WeChat Pay');
  await get(b, cb.complaint_id).expect(200);

  const stranger = uniqueMchid();
  simulatorOf(t).registerSubMerchant({ sp_mchid: p.spMchid, sub_mchid: stranger });
  const cu = await raise(t, p, stranger);
  const kept = await request(t.http)
    .get('/admin/v1/complaints')
    .set(...admin(t))
    .query({ tenant_id: 'none' })
    .expect(200);
  const found = (kept.body.data as Array<{ complaint_id: string; complainted_mchid: string; tenant_id: unknown }>).find(
    (x) => x.complaint_id === cu.complaint_id,
  );
  assert.ok(found, 'kept for operators');
  assert.equal(found.tenant_id, null);
  assert.equal(found.complainted_mchid, stranger);

  // An operator opens any complaint: its tenant (or none), provider, history, the masked phone.
  const detail = await request(t.http)
    .get(`/admin/v1/complaints/${cb.complaint_id}`)
    .set(...admin(t))
    .expect(200);
  assert.equal(detail.body.complaint.complaint_id, cb.complaint_id);
  assert.equal(detail.body.complaint.tenant_id, b.id);
  assert.equal(detail.body.complaint.sp_mchid, p.spMchid);
  assert.ok(Array.isArray(detail.body.complaint.negotiation_history));
  assert.ok(!JSON.stringify(detail.body).includes(cb.payer_phone), 'the plain phone is in no answer');
  const orphan = await request(t.http)
    .get(`/admin/v1/complaints/${cu.complaint_id}`)
    .set(...admin(t))
    .expect(200);
  assert.equal(orphan.body.complaint.tenant_id, null);
  const missing = await request(t.http)
    .get('/admin/v1/complaints/200000020250101000000000001')
    .set(...admin(t));
  assert.equal(missing.status, 404);
  assert.equal(missing.body.code, 'NOT_FOUND');
  const tenantKey = await request(t.http)
    .get(`/admin/v1/complaints/${cb.complaint_id}`)
    .set(...a.auth);
  assert.equal(tenantKey.status, 401, 'a tenant key is no operator token');
});

test('A complaint whose notification was lost arrives with the sync; a second sync fetches nothing again', async () => {
  const c = await raise(t, p, b.subMchid, { notify: false });
  await get(b, c.complaint_id).expect(404);
  const results = await follower().runOnce(true);
  const mine = results.find((r) => r.sp_mchid === p.spMchid);
  assert.ok(mine && mine.created >= 1, JSON.stringify(results));
  const res = await get(b, c.complaint_id).expect(200);
  assert.equal(res.body.complaint.complaint_state, 'PENDING');
  const details = callsTo(t, `/v3/merchant-service/complaints-v2/${c.complaint_id}`);
  const again = (await follower().runOnce(true)).find((r) => r.sp_mchid === p.spMchid);
  assert.equal(again?.fetched, 0);
  assert.equal(callsTo(t, `/v3/merchant-service/complaints-v2/${c.complaint_id}`), details);
  // Within the interval, nothing is claimed at all.
  assert.deepEqual(await follower().runOnce(false), []);
});

test('A reply (with an image) reaches the buyer and moves the complaint to PROCESSING; bad replies and images never reach WeChat Pay', async () => {
  const c = await raise(t, p, a.subMchid);
  const path = `/v3/merchant-service/complaints-v2/${c.complaint_id}/response`;
  for (const bad of [{ response_content: '' }, { response_content: '   ' }, { response_content: 'x'.repeat(201) }, {}]) {
    const res = await post(a, `${c.complaint_id}/responses`, bad);
    assert.equal(res.status, 400, `${JSON.stringify(bad)} → ${JSON.stringify(res.body)}`);
    assert.equal(res.body.code, 'PARAM_ERROR');
  }
  const notImage = await request(t.http)
    .post('/v1/complaints/media')
    .set(...a.auth)
    .attach('file', Buffer.from('hello, not an image'), 'x.png');
  assert.equal(notImage.status, 400);
  const tooLarge = await request(t.http)
    .post('/v1/complaints/media')
    .set(...a.auth)
    .attach('file', png(2 * 1024 * 1024), 'big.png');
  assert.equal(tooLarge.status, 400);
  assert.equal(callsTo(t, '/v3/merchant-service/images/upload'), 0);
  assert.equal(callsTo(t, path), 0);

  const media = await request(t.http)
    .post('/v1/complaints/media')
    .set(...a.auth)
    .attach('file', png(), 'proof.png');
  assert.equal(media.status, 201, JSON.stringify(media.body));
  const res = await post(a, `${c.complaint_id}/responses`, {
    response_content: '您好，已为您补发',
    response_images: [media.body.media_id],
  }).set('Idempotency-Key', `reply-${c.complaint_id}`);
  assert.equal(res.status, 200, JSON.stringify(res.body));
  assert.equal(res.body.complaint.complaint_state, 'PROCESSING');
  assert.ok(res.body.complaint.responded_at);
  const reply = (res.body.complaint.negotiation_history as Array<{ operate_type: string; operate_details: string }>).find(
    (h) => h.operate_type === 'MERCHANT_RESPONSE',
  );
  assert.equal(reply?.operate_details, '您好，已为您补发');
  // The same request again (same Idempotency-Key) replays the answer: one reply at WeChat Pay.
  await post(a, `${c.complaint_id}/responses`, { response_content: '您好，已为您补发', response_images: [media.body.media_id] })
    .set('Idempotency-Key', `reply-${c.complaint_id}`)
    .expect(200);
  assert.equal(callsTo(t, path), 1);
  const updated = (await eventsOf(t, a.auth, 'complaint.updated')).filter((e) => e.data.complaint_id === c.complaint_id);
  assert.ok(updated.length >= 1);
  const audit = await request(t.http)
    .get('/admin/v1/audit-log')
    .set(...admin(t))
    .query({ limit: 100 });
  assert.ok(
    (audit.body.data as Array<{ action: string; target: string }>).some(
      (e) => e.action === 'complaint.respond' && e.target === `complaint:${c.complaint_id}`,
    ),
  );
});

test('A refund decision: REJECT needs a reason (no call without it) and processes the complaint; APPROVE leaves the refund to the shop', async () => {
  const c1 = await raise(t, p, a.subMchid, { apply_refund_amount: 100 });
  const path = `/v3/merchant-service/complaints-v2/${c1.complaint_id}/update-refund-progress`;
  const missing = await post(a, `${c1.complaint_id}/refund-decision`, { action: 'REJECT' });
  assert.equal(missing.status, 400);
  assert.equal(callsTo(t, path), 0);
  const rejected = await post(a, `${c1.complaint_id}/refund-decision`, { action: 'REJECT', reject_reason: '商品已签收' }).expect(200);
  assert.equal(rejected.body.complaint.complaint_state, 'PROCESSED');

  const c2 = await raise(t, p, a.subMchid, { apply_refund_amount: 100 });
  const approved = await post(a, `${c2.complaint_id}/refund-decision`, { action: 'APPROVE', launch_refund_day: 0 }).expect(200);
  assert.equal(approved.body.complaint.complaint_state, 'PROCESSING');
  assert.ok(
    (approved.body.complaint.negotiation_history as Array<{ operate_type: string }>).some(
      (h) => h.operate_type === 'MERCHANT_APPROVE_REFUND',
    ),
  );
});

test('Completion: the complaint becomes PROCESSED; completing it again is 409 without a call to WeChat Pay', async () => {
  const c = await raise(t, p, b.subMchid);
  await post(b, `${c.complaint_id}/responses`, { response_content: '已处理' }).expect(200);
  const done = await post(b, `${c.complaint_id}/complete`).expect(200);
  assert.equal(done.body.complaint.complaint_state, 'PROCESSED');
  const path = `/v3/merchant-service/complaints-v2/${c.complaint_id}/complete`;
  assert.equal(callsTo(t, path), 1);
  const again = await post(b, `${c.complaint_id}/complete`);
  assert.equal(again.status, 409);
  assert.equal(again.body.code, 'CONFLICT');
  assert.equal(callsTo(t, path), 1);
});

test('An unanswered complaint is overdue after respond_by: shown, filtered, complaint.overdue recorded once', async () => {
  const c = await raise(t, p, b.subMchid);
  const answered = await raise(t, p, b.subMchid);
  await post(b, `${answered.complaint_id}/responses`, { response_content: '马上处理' }).expect(200);
  clock.advance(24 * HOUR + 60_000);
  const res = await get(b, c.complaint_id).expect(200);
  assert.equal(res.body.complaint.overdue, true);
  assert.equal((await get(b, answered.complaint_id).expect(200)).body.complaint.overdue, false);
  const overdue = await request(t.http)
    .get('/admin/v1/complaints')
    .set(...admin(t))
    .query({ tenant_id: b.id, overdue: 'true', limit: 100 })
    .expect(200);
  const ids = (overdue.body.data as Array<{ complaint_id: string }>).map((x) => x.complaint_id);
  assert.ok(ids.includes(c.complaint_id));
  assert.ok(!ids.includes(answered.complaint_id));
  await follower().runOnce();
  await follower().runOnce();
  const events = (await eventsOf(t, b.auth, 'complaint.overdue')).filter((e) => e.data.complaint_id === c.complaint_id);
  assert.equal(events.length, 1);
  assert.equal(events[0].data.overdue, true);
  const metrics = await request(t.http)
    .get('/metrics')
    .set(...admin(t))
    .expect(200);
  const line = (name: string) => metrics.text.split('\n').find((l) => l.startsWith(`${name}{`) && l.includes(`tenant_id="${b.id}"`));
  assert.ok(Number(line('partnerpay_complaints_overdue')?.split(' ').pop()) >= 1, metrics.text.slice(0, 200));
  assert.ok(Number(line('partnerpay_complaints_open')?.split(' ').pop()) >= 2);
});

test('A buyer who continues a processed complaint reopens it: complaint.updated, a new respond_by, unanswered again', async () => {
  const c = await raise(t, p, a.subMchid);
  await post(a, `${c.complaint_id}/responses`, { response_content: '已处理' }).expect(200);
  await post(a, `${c.complaint_id}/complete`).expect(200);
  const before = (await get(a, c.complaint_id).expect(200)).body.complaint;
  assert.equal(before.complaint_state, 'PROCESSED');
  clock.advance(HOUR);
  await request(t.http).post(`/simulator/control/complaints/${c.complaint_id}/continue`).send({ content: '还是没收到' }).expect(200);
  const after = (await get(a, c.complaint_id).expect(200)).body.complaint;
  assert.equal(after.complaint_state, 'PENDING');
  assert.equal(after.user_complaint_times, 2);
  assert.equal(after.responded_at, null);
  assert.equal(Date.parse(after.respond_by) - Date.parse(before.respond_by) >= HOUR - 1000, true);
  const updates = (await eventsOf(t, a.auth, 'complaint.updated')).filter((e) => e.data.complaint_id === c.complaint_id);
  assert.equal(updates.at(-1)?.data.complaint_state, 'PENDING');
});
