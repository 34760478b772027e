import 'reflect-metadata';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { startTestApp, type TestApp } from '../../support/app';
import { rsaPems } from '../../support/tenancy';
import { givenWechatProvider, givenWechatTenant, orderBody } from '../../support/payments';
import { ManualClock } from '../../../src/platform/clock';
import { OrderRepository } from '../../../src/modules/payments/order.repository';
import { backoffMs, exponentialSchedule } from '../../../src/platform/jobs/follow-up';

// The follow-up shape's claim against the real database, through one of its users (the order reconciler's claim).
let t: TestApp;
let clock: ManualClock;

before(async () => {
  clock = new ManualClock();
  t = await startTestApp({}, { clock });
});
after(() => t.close());

test('Two nodes claiming due orders at the same moment each get a different share, together all of them, and nobody gets them again until the quiet time has passed', async () => {
  const provider = await givenWechatProvider(t, rsaPems());
  const tenant = await givenWechatTenant(t, provider);
  const ids = new Set<string>();
  for (let i = 0; i < 6; i++) {
    const res = await request(t.http)
      .post('/v1/orders')
      .set(...tenant.auth)
      .send(orderBody(tenant));
    assert.equal(res.status, 201, JSON.stringify(res.body));
    ids.add(res.body.order.id);
  }
  const repo = t.app.container.resolve(OrderRepository);
  const quiet = 180_000;
  const mine = (rows: Array<{ id: string }>) => rows.map((r) => r.id).filter((id) => ids.has(id));
  assert.deepEqual(mine(await repo.claimUnpaidDue(clock.now(), quiet, 100)), [], 'fresh orders are not due yet');

  clock.advance(quiet);
  const [a, b] = await Promise.all([repo.claimUnpaidDue(clock.now(), quiet, 100), repo.claimUnpaidDue(clock.now(), quiet, 100)]);
  const got = [...mine(a), ...mine(b)];
  assert.equal(new Set(got).size, got.length, 'no order claimed by both nodes');
  assert.deepEqual(new Set(got), ids, 'every due order claimed by one of them');
  assert.deepEqual(mine(await repo.claimUnpaidDue(clock.now(), quiet, 100)), [], 'claimed orders are leased');

  clock.advance(quiet - 1);
  assert.deepEqual(mine(await repo.claimUnpaidDue(clock.now(), quiet, 100)), [], 'still leased a millisecond before the quiet time ends');
  clock.advance(1);
  assert.deepEqual(new Set(mine(await repo.claimUnpaidDue(clock.now(), quiet, 100))), ids, 'due again once it ends');
});

test('One backoff function: a schedule step per attempt, the last step repeating', () => {
  assert.deepEqual(exponentialSchedule(15_000, 60_000), [15_000, 30_000, 60_000]);
  assert.deepEqual(
    [0, 1, 2, 3, 9].map((n) => backoffMs([2, 5, 10], n)),
    [2, 5, 10, 10, 10],
  );
});
