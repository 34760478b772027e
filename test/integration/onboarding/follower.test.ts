import 'reflect-metadata';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import request from 'supertest';
import { startTestApp, type TestApp } from '../../support/app';
import { admin, rsaPems } from '../../support/tenancy';
import { givenWechatProvider, simulatorOf, type Provider } from '../../support/payments';
import { createLogger } from '../../../src/platform/logging/logger';
import { TOKENS } from '../../../src/platform/tokens';
import type { Database } from '../../../src/platform/db/database';
import { rows as sqlRows } from '../../../src/platform/db/sql';
import { APPLYMENT } from '../../../src/modules/onboarding/applyment.entity';
import { ApplymentFollower } from '../../../src/modules/onboarding/applyment.follower';
import { ONBOARDING_TIMES } from '@partnerpay/wxpay-simulator';
import { individualApplication, person, rng, tenantTemplate, uniqueAppid, upload, type Person } from './harness';

let t: TestApp;
let provider: Provider;
let media: string[];
const lines: string[] = [];
const seed = Number(process.env.TEST_SEED ?? Date.now() % 1_000_000);
const DAY = 86_400_000;

before(async () => {
  console.log(`# onboarding follower seed ${seed}`);
  const sink = new Writable({
    write(chunk, _e, cb) {
      lines.push(String(chunk));
      cb();
    },
  });
  // Certificate mode: sensitive fields go under the platform certificate's serial. retainDays 0: purge right after a final state.
  t = await startTestApp({ onboarding: { retainDays: 0 }, log: { level: 'trace' } }, { logger: createLogger('trace', sink) });
  provider = await givenWechatProvider(t, rsaPems(), 'certificate');
  media = [];
  for (let i = 0; i < 4; i++) media.push((await upload(t, provider.spMchid)).media_id);
});
after(() => t.close());

const db = () => t.app.container.resolve<Database>(TOKENS.Db);
const row = async (id: string) => (await APPLYMENT.findBy(db().read(), { id }))[0];
const queries = (code: string) =>
  simulatorOf(t)
    .calls()
    .filter((c) => c.path === `/v3/applyment4sub/applyment/business_code/${code}`).length;
const control = (applymentId: number, action: string, body: Record<string, unknown> = {}) =>
  request(t.http).post(`/simulator/control/applyments/${applymentId}/${action}`).send(body).expect(200);

async function submit(p: Person) {
  const appid = uniqueAppid();
  const res = await request(t.http)
    .post('/admin/v1/applyments')
    .set(...admin(t))
    .send({ sp_mchid: provider.spMchid, application: individualApplication(p, media, appid), tenant: tenantTemplate(appid) });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return res.body.applyment as { id: string; applyment_id: number; business_code: string };
}

test('When nothing changes, the follower backs off from minutes to hourly; a change resets the pace', async () => {
  const a = await submit(person(rng(seed)));
  const f = t.app.container.resolve(ApplymentFollower);
  const gaps: number[] = [];
  let at = (await row(a.id)).nextPollAt!;
  for (let i = 0; i < 7; i++) {
    const due = at;
    await f.runOnce(due, provider.spMchid);
    const next = (await row(a.id)).nextPollAt!;
    gaps.push(Math.round((next - Date.now()) / 60_000));
    at = next;
  }
  assert.deepEqual(gaps, [5, 10, 20, 30, 60, 60, 60]);
  await control(a.applyment_id, 'approve');
  await f.runOnce(at, provider.spMchid);
  const r = await row(a.id);
  assert.equal(r.state, 'APPLYMENT_STATE_TO_BE_SIGNED');
  assert.equal(r.pollCount, 0);
  assert.equal(Math.round((r.nextPollAt! - Date.now()) / 60_000), 2);
});

test('When two nodes run the follower at once, then each applyment is polled by one of them', async () => {
  const a = await submit(person(rng(seed + 1)));
  const b = await submit(person(rng(seed + 2)));
  const one = t.app.container.resolve(ApplymentFollower);
  const two = t.app.container.resolve(ApplymentFollower);
  assert.notEqual(one.owner, two.owner);
  const now = Date.now() + 3 * DAY;
  const [x, y] = await Promise.all([one.runOnce(now, provider.spMchid), two.runOnce(now, provider.spMchid)]);
  assert.ok(x + y >= 2);
  assert.equal(queries(a.business_code), 1);
  assert.equal(queries(b.business_code), 1);
  assert.equal((await row(a.id)).leaseUntil, null);
});

test('When WeChat Pay reports a state nobody documented, then it is kept as it came, alerted, and the loop goes on', async () => {
  const odd = await submit(person(rng(seed + 3)));
  const fine = await submit(person(rng(seed + 4)));
  await control(odd.applyment_id, 'state', { state: 'APPLYMENT_STATE_FREEZED', state_msg: '已冻结' });
  await control(fine.applyment_id, 'approve');
  await t.app.container.resolve(ApplymentFollower).runOnce(Date.now() + 10 * DAY, provider.spMchid);
  const r = await row(odd.id);
  assert.equal(r.state, 'APPLYMENT_STATE_FREEZED');
  assert.ok(r.nextPollAt, 'still followed');
  assert.equal((await row(fine.id)).state, 'APPLYMENT_STATE_TO_BE_SIGNED');
  assert.ok(lines.some((l) => l.includes('"level":50') && l.includes('unknown applyment state') && l.includes('APPLYMENT_STATE_FREEZED')));
  // It can still move on to a known state.
  await control(odd.applyment_id, 'state', { state: 'APPLYMENT_STATE_CANCELED' });
  await t.app.container.resolve(ApplymentFollower).runOnce(Date.now() + 20 * DAY, provider.spMchid);
  assert.equal((await row(odd.id)).state, 'APPLYMENT_STATE_CANCELED');
});

test('When an applyment finishes, then its plain application is purged and no answer, log line, audit entry or stored row ever held the personal data', async () => {
  const p = person(rng(seed + 5));
  const a = await submit(p);
  const f = t.app.container.resolve(ApplymentFollower);
  await control(a.applyment_id, 'reject', { field: 'license_copy', reason: '营业执照模糊' });
  await f.runOnce(Date.now() + 30 * DAY, provider.spMchid);
  const resubmit = await request(t.http)
    .post(`/admin/v1/applyments/${a.id}/submit`)
    .set(...admin(t))
    .send({});
  assert.equal(resubmit.status, 200, JSON.stringify(resubmit.body));
  await control(a.applyment_id, 'approve');
  await control(a.applyment_id, 'sign');
  await simulatorOf(t).advance(ONBOARDING_TIMES.signingMs + 1000);
  await f.runOnce(Date.now() + 40 * DAY, provider.spMchid);
  const done = await row(a.id);
  assert.equal(done.state, 'APPLYMENT_STATE_FINISHED');
  assert.ok(done.tenantId);
  // retainDays 0: the next pass purges.
  await f.runOnce(Date.now() + 41 * DAY, provider.spMchid);
  const purged = await row(a.id);
  assert.equal(purged.applicationSealed, null);
  assert.ok(purged.purgedAt);
  assert.equal(
    (purged.applicationMasked as { bank_account_info: { account_number: string } }).bank_account_info.account_number.slice(-4),
    p.accountNumber.slice(-4),
  );

  const answers: string[] = [];
  for (const path of [
    `/admin/v1/applyments/${a.id}`,
    `/admin/v1/applyments?sp_mchid=${provider.spMchid}`,
    '/admin/v1/audit-log?limit=100',
    `/admin/v1/tenants/${done.tenantId}`,
    '/admin/v1/events',
  ])
    answers.push(
      (
        await request(t.http)
          .get(path)
          .set(...admin(t))
      ).text,
    );
  answers.push(resubmit.text);
  const stored: string[] = [];
  for (const table of ['applyment', 'audit_log', 'event', 'idempotency_record', 'tenant'])
    stored.push(JSON.stringify(await sqlRows(db().read(), `select * from ${table}`)));
  const haystacks = { answers: answers.join('\n'), logs: lines.join(''), stored: stored.join('\n') };
  assert.ok(haystacks.logs.length > 1000, 'the log was captured');
  // The name is checked whole; masked forms keep only its first character.
  for (const [where, text] of Object.entries(haystacks))
    for (const [what, v] of Object.entries({ name: p.name, id: p.idNumber, phone: p.phone, email: p.email, account: p.accountNumber }))
      assert.ok(!text.includes(v), `${what} in ${where} (seed ${seed})`);
});
