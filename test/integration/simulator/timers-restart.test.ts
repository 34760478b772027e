import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deserialize, serialize } from 'node:v8';
import { appid, mchid, merchantKeys, orderBody, outNo, Receiver, signedRequest, type TestProvider } from './harness';
import { control, startStandaloneSimulator, type StandaloneSimulator } from '../../support/standalone-simulator';

// More scheduled work across a restart of the standalone simulator (scheduled-restart.test.ts has the
// notification retry and the applyment): a 付款码 charge awaiting the buyer's password, an open-platform
// ticket push, and the upgrade from a snapshot written before scheduled work was kept. The clock runs at
// 1/100 of the wall's pace, so nothing falls due by itself during a test: the control API moves the timeline.
const dirs: string[] = [];
let rx: Receiver;
let running: StandaloneSimulator | undefined;
// Every simulator this file started: each test leaves its last one running, and one left alive keeps the file from exiting.
const started: StandaloneSimulator[] = [];
before(async () => {
  rx = await new Receiver().start();
});
after(async () => {
  for (const sim of started) await sim.stop().catch(() => undefined);
  await rx.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const stateDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'sim-timers-'));
  dirs.push(d);
  return d;
};
const start = async (dir: string, autoFinishSeconds = 0) => {
  if (running) await running.stop().catch(() => undefined);
  running = await startStandaloneSimulator(['--state', dir, '--clock-speed', '0.01', '--refund-auto-finish', String(autoFinishSeconds)]);
  started.push(running);
  return running.baseUrl;
};
const restart = async (dir: string, autoFinishSeconds = 0) => {
  assert.equal(await running!.stop(), 0);
  return start(dir, autoFinishSeconds);
};
const kinds = async (base: string) =>
  ((await control(base, 'GET', '/scheduled')).body.data as Array<{ kind: string }>).map((t) => t.kind).sort();

/** A provider with one sub-merchant, registered through the control API. */
async function aProvider(base: string): Promise<TestProvider> {
  const { privateKey, publicKey } = merchantKeys();
  const p: TestProvider = {
    sp_mchid: mchid(),
    sp_appid: appid(),
    serial: randomBytes(20).toString('hex').toUpperCase(),
    privateKey,
    apiv3Key: randomBytes(16).toString('hex'),
    sub_mchid: mchid(),
    sub_appid: appid(),
  };
  const registered = await control(base, 'POST', '/service-providers', {
    sp_mchid: p.sp_mchid,
    sp_appid: p.sp_appid,
    merchant_serial_no: p.serial,
    merchant_public_key: publicKey.export({ type: 'spki', format: 'pem' }),
    apiv3_key: p.apiv3Key,
  });
  assert.equal(registered.status, 200, JSON.stringify(registered.body));
  assert.equal((await control(base, 'POST', '/sub-merchants', { sp_mchid: p.sp_mchid, sub_mchid: p.sub_mchid })).status, 200);
  return p;
}

const orderState = async (base: string, p: TestProvider, outTradeNo: string) => {
  const res = await signedRequest(
    base,
    p,
    'GET',
    `/v3/pay/partner/transactions/out-trade-no/${outTradeNo}?sp_mchid=${p.sp_mchid}&sub_mchid=${p.sub_mchid}`,
  );
  assert.equal(res.status, 200, res.text);
  return res.json.trade_state as string;
};

test('When the simulator restarts while a 付款码 charge awaits the buyer password, then the charge succeeds when its time comes', async () => {
  const dir = stateDir();
  let base = await start(dir);
  const p = await aProvider(base);
  const auth_code = `13${String(Date.now()).slice(-13)}${String(Math.floor(Math.random() * 1000)).padStart(3, '0')}`;
  const scripted = await control(base, 'POST', '/codepay/outcomes', {
    auth_code,
    outcome: 'USERPAYING',
    then: 'SUCCESS',
    after_ms: 10_000,
  });
  assert.equal(scripted.status, 201, JSON.stringify(scripted.body));
  const body = orderBody(p, rx.url, {
    notify_url: undefined,
    sub_appid: undefined,
    payer: { auth_code },
    scene_info: { store_info: { out_id: 'store-1' } },
  });
  const charged = await signedRequest(base, p, 'POST', '/v3/pay/partner/transactions/codepay', body);
  assert.equal(charged.status, 202, charged.text);
  assert.equal(await orderState(base, p, body.out_trade_no as string), 'USERPAYING');

  base = await restart(dir);
  assert.equal(await orderState(base, p, body.out_trade_no as string), 'USERPAYING');
  assert.deepEqual(await kinds(base), ['codepay.password', 'codepay.revoke']);
  // 10 s: the buyer enters the password; the order pays (and the 45 s revoke then leaves it alone).
  await control(base, 'POST', '/clock/advance', { ms: 10_000 });
  assert.equal(await orderState(base, p, body.out_trade_no as string), 'SUCCESS');
  await control(base, 'POST', '/clock/advance', { ms: 45_000 });
  assert.equal(await orderState(base, p, body.out_trade_no as string), 'SUCCESS');
  assert.deepEqual(await kinds(base), []);
});

test('When the simulator restarts with an open-platform ticket push pending, then the ticket is pushed when its time comes', async () => {
  const dir = stateDir();
  let base = await start(dir);
  const created = await control(base, 'POST', '/open-platform/components', { events_url: rx.url, push_interval_seconds: 600 });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const componentAppid = created.body.component_appid as string;
  const tickets = async () =>
    ((await control(base, 'GET', '/open-platform/components')).body.data as Array<{ component_appid: string; tickets: number }>).find(
      (a) => a.component_appid === componentAppid,
    )?.tickets;
  const before = rx.received.length;
  assert.equal(await tickets(), 0);

  base = await restart(dir);
  assert.deepEqual(await kinds(base), ['component.ticket']);
  // 600 s: the ticket is pushed to the events URL, and the next push is scheduled.
  await control(base, 'POST', '/clock/advance', { ms: 600_000 });
  assert.equal(await tickets(), 1);
  const pushed = rx.received.slice(before);
  assert.equal(pushed.length, 1, 'one ticket push arrived after the restart');
  assert.match(pushed[0].body, /<Encrypt>/);
  assert.deepEqual(await kinds(base), ['component.ticket']);
});

test('When a snapshot written before scheduled work was kept holds a PROCESSING refund, then after the upgrade the refund finishes by itself', async () => {
  const dir = stateDir();
  let base = await start(dir, 3600);
  const p = await aProvider(base);
  const body = orderBody(p, rx.url, { payer: undefined, sub_appid: undefined });
  assert.equal((await signedRequest(base, p, 'POST', '/v3/pay/partner/transactions/native', body)).status, 200);
  assert.equal((await control(base, 'POST', '/pay', { sub_mchid: p.sub_mchid, out_trade_no: body.out_trade_no })).status, 200);
  const out_refund_no = outNo('R');
  const refunded = await signedRequest(base, p, 'POST', '/v3/refund/domestic/refunds', {
    sub_mchid: p.sub_mchid,
    out_trade_no: body.out_trade_no,
    out_refund_no,
    amount: { refund: 100, total: 100, currency: 'CNY' },
  });
  assert.equal(refunded.status, 200, refunded.text);
  assert.equal(refunded.json.status, 'PROCESSING');
  assert.equal(await running!.stop(), 0);

  // The snapshot as the version before named tasks wrote it: the same state, without ScheduledWork's fields.
  const file = join(dir, 'simulator-state.v8');
  const saved = deserialize(readFileSync(file)) as { data: Record<string, unknown> };
  const dropped = Object.keys(saved.data).filter((k) => k.startsWith('ScheduledWork.'));
  assert.ok(dropped.includes('ScheduledWork.tasks'), `the snapshot keeps the tasks: ${Object.keys(saved.data).join(', ')}`);
  for (const k of dropped) delete saved.data[k];
  writeFileSync(file, serialize(saved));

  base = await start(dir, 3600);
  const refundStatus = async () => {
    const res = await signedRequest(base, p, 'GET', `/v3/refund/domestic/refunds/${out_refund_no}?sub_mchid=${p.sub_mchid}`);
    assert.equal(res.status, 200, res.text);
    return res.json.status as string;
  };
  assert.equal(await refundStatus(), 'PROCESSING');
  assert.deepEqual(await kinds(base), ['refund.auto_finish'], 'the upgrade rescheduled the auto-finish');
  // A second restart reads the snapshot the upgraded simulator wrote (with its tasks): nothing is scheduled twice.
  base = await restart(dir, 3600);
  assert.deepEqual(await kinds(base), ['refund.auto_finish']);
  await control(base, 'POST', '/clock/advance', { ms: 3600_000 });
  assert.equal(await refundStatus(), 'SUCCESS');
});
