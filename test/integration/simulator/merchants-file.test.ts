import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { appid, mchid, merchantKeys, orderBody, signedRequest, type TestProvider } from './harness';
import { SIMULATOR_BIN, startStandaloneSimulator } from '../../support/standalone-simulator';

// The standalone simulator learning its merchants from a file (`--merchants`), not from anyone's database.
const dir = mkdtempSync(join(tmpdir(), 'sim-merchants-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('When the bin starts with --merchants, then the providers, sub-merchants and apps of the file are known at once', async () => {
  const p: TestProvider = {
    sp_mchid: mchid(),
    sp_appid: appid(),
    serial: randomBytes(20).toString('hex').toUpperCase(),
    privateKey: merchantKeys().privateKey,
    apiv3Key: randomBytes(16).toString('hex'),
    sub_mchid: mchid(),
    sub_appid: appid(),
  };
  const file = join(dir, 'merchants.json');
  writeFileSync(
    file,
    JSON.stringify({
      service_providers: [
        {
          sp_mchid: p.sp_mchid,
          sp_appid: p.sp_appid,
          merchant_serial_no: p.serial,
          merchant_public_key: merchantKeys().publicKey.export({ type: 'spki', format: 'pem' }),
          apiv3_key: p.apiv3Key,
        },
      ],
      sub_merchants: [{ sp_mchid: p.sp_mchid, sub_mchid: p.sub_mchid, appids: [p.sub_appid] }],
      apps: [{ appid: p.sub_appid, secret: 'from-the-file' }],
    }),
  );
  const sim = await startStandaloneSimulator(['--state', '', '--merchants', file]);
  try {
    assert.match(sim.output(), /registered from .*merchants\.json: 1 providers, 1 sub-merchants, 1 apps/);
    const res = await signedRequest(
      sim.baseUrl,
      p,
      'POST',
      '/v3/pay/partner/transactions/jsapi',
      orderBody(p, 'https://example.com/notify'),
    );
    assert.equal(res.status, 200, res.text);
  } finally {
    await sim.stop();
  }
});

test('When the merchants file breaks its schema, then the bin refuses to start, naming the file and the field', () => {
  const file = join(dir, 'bad.json');
  writeFileSync(file, JSON.stringify({ sub_merchants: [{ sp_mchid: '1900000100', sub_mchid: 'x' }] }));
  const run = spawnSync(process.execPath, [SIMULATOR_BIN, '--port', '0', '--state', '', '--merchants', file], {
    encoding: 'utf8',
    timeout: 60_000,
    env: { PATH: process.env.PATH },
  });
  assert.equal(run.status, 1);
  assert.match(run.stderr, /merchants file .*bad\.json: \/sub_merchants\/0\/sub_mchid: /);
});
