import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { constants, createPublicKey, publicEncrypt, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { appid, mchid, merchantKeys, orderBody, Receiver, signedRequest, type TestProvider } from './harness';
import { control, startStandaloneSimulator, type StandaloneSimulator } from '../../support/standalone-simulator';

// Scheduled work is state: a notification retry and an applyment's timed move that were pending when the
// standalone simulator stopped go on after it starts again over the same state directory. The clock runs
// at the wall's pace (--clock-speed 1), so nothing falls due by itself during the test: the control API
// moves the timeline.
const stateDir = mkdtempSync(join(tmpdir(), 'sim-scheduled-'));
let rx: Receiver;
let running: StandaloneSimulator | undefined;
before(async () => {
  rx = await new Receiver().start();
});
after(async () => {
  await running?.stop();
  await rx.close();
  rmSync(stateDir, { recursive: true, force: true });
});

const start = () => startStandaloneSimulator(['--state', stateDir, '--clock-speed', '1', '--refund-auto-finish', '0']);

/** RSA-OAEP (SHA-1) under the platform public key, as a provider encrypts 进件 fields. */
const encrypt = (pem: string, text: string) =>
  publicEncrypt({ key: createPublicKey(pem), padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' }, Buffer.from(text)).toString(
    'base64',
  );

test('When the simulator restarts with a notification retry and an applyment signing pending, then the retry is delivered and the applyment finishes', async () => {
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
  running = await start();
  let base = running.baseUrl;
  const registered = await control(base, 'POST', '/service-providers', {
    sp_mchid: p.sp_mchid,
    sp_appid: p.sp_appid,
    merchant_serial_no: p.serial,
    merchant_public_key: publicKey.export({ type: 'spki', format: 'pem' }),
    apiv3_key: p.apiv3Key,
  });
  assert.equal(registered.status, 200, JSON.stringify(registered.body));
  assert.equal((await control(base, 'POST', '/sub-merchants', { sp_mchid: p.sp_mchid, sub_mchid: p.sub_mchid })).status, 200);
  const platform = (await control(base, 'GET', '/platform')).body as { public_key_id: string; public_key_pem: string };

  // 1. A payment whose notification the merchant refuses: the retry (15 s later) is pending at the stop.
  rx.answer = () => 500;
  const body = orderBody(p, rx.url, { payer: undefined, sub_appid: undefined });
  assert.equal((await signedRequest(base, p, 'POST', '/v3/pay/partner/transactions/native', body)).status, 200);
  const paid = await control(base, 'POST', '/pay', { sub_mchid: p.sub_mchid, out_trade_no: body.out_trade_no });
  assert.equal(paid.status, 200, JSON.stringify(paid.body));
  assert.equal(rx.received.length, 1, 'the first attempt was refused');

  // 2. An applyment the super-administrator signed: FINISHED comes 30 simulated minutes later.
  const business_code = `BC${Date.now()}`;
  const submitted = await signedRequest(
    base,
    p,
    'POST',
    '/v3/applyment4sub/applyment/',
    {
      business_code,
      contact_info: { contact_type: 'LEGAL' },
      subject_info: { subject_type: 'SUBJECT_TYPE_ENTERPRISE', business_license_info: { license_number: '914403001922038216' } },
      business_info: { merchant_shortname: '腾大玩具' },
      settlement_info: { settlement_id: '716', qualification_type: '餐饮' },
      bank_account_info: {
        bank_account_type: 'BANK_ACCOUNT_TYPE_CORPORATE',
        account_bank: '工商银行',
        account_name: encrypt(platform.public_key_pem, '深圳腾大玩具有限公司'),
        account_number: encrypt(platform.public_key_pem, '6222026200000000000'),
      },
    },
    { headers: { 'Wechatpay-Serial': platform.public_key_id } },
  );
  assert.equal(submitted.status, 200, submitted.text);
  const id = submitted.json.applyment_id as number;
  assert.equal((await control(base, 'POST', `/applyments/${id}/approve`, {})).status, 200);
  const signing = await control(base, 'POST', `/applyments/${id}/sign`, {});
  assert.equal(signing.body.applyment_state, 'APPLYMENT_STATE_SIGNING', JSON.stringify(signing.body));

  assert.equal(await running.stop(), 0);
  rx.answer = () => 204;
  running = await start();
  base = running.baseUrl;

  // The applyment is still there, still SIGNING; both tasks are pending again.
  const state = async () =>
    ((await control(base, 'GET', '/applyments')).body.data as Array<{ applyment_id: number; applyment_state: string }>).find(
      (a) => a.applyment_id === id,
    )?.applyment_state;
  assert.equal(await state(), 'APPLYMENT_STATE_SIGNING');
  const pending = (await control(base, 'GET', '/scheduled')).body.data as Array<{ kind: string }>;
  assert.deepEqual(pending.map((t) => t.kind).sort(), ['applyment.signed', 'notification.attempt']);
  // 15 s: the retry falls due and is delivered (the advance waits for it).
  await control(base, 'POST', '/clock/advance', { ms: 15_000 });
  assert.equal(rx.received.length, 2, 'the retry pending before the restart arrived after it');
  const deliveries = (await control(base, 'GET', '/deliveries')).body.data as Array<{ attempt: number; ok: boolean; url: string }>;
  assert.deepEqual(
    deliveries.filter((d) => d.url === rx.url).map((d) => [d.attempt, d.ok]),
    [[2, true]],
  );
  // 30 minutes: the applyment finishes with a sub_mchid.
  await control(base, 'POST', '/clock/advance', { ms: 30 * 60_000 });
  assert.equal(await state(), 'APPLYMENT_STATE_FINISHED');
});
