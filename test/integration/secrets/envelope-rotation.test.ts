import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startTestApp, type TestApp } from '../../support/app';
import { givenProvider, rsaPems } from '../../support/tenancy';
import { TOKENS } from '../../../src/platform/tokens';
import { systemClock } from '../../../src/platform/clock';
import { openDatabase, type Orm } from '../../../src/app/schema';
import { masterKeyring } from '../../../src/platform/secrets/master-keys';
import { SecretBox, SecretBoxError } from '../../../src/platform/secrets/secret-box';
import { rotateMasterKey } from '../../../src/platform/secrets/rotate';
import { DataKeyRepository } from '../../../src/platform/secrets/data-key.repository';
import { Database } from '../../../src/platform/db/database';
import { ServiceProviderRepository } from '../../../src/modules/tenancy/service-provider.repository';
import { CachedCredentialsProvider } from '../../../src/modules/tenancy/credentials-provider';

let t: TestApp;
let orm: Orm;
before(async () => {
  // A private database: a rotation re-wraps every data key, which must not touch other test files' data.
  t = await startTestApp({ db: { url: 'sqlite::memory:' } });
  orm = t.app.container.resolve<Orm>(TOKENS.Orm);
});
after(async () => t.close());

const keys = (o: Orm) => new DataKeyRepository(new Database(o));
const key = () => randomBytes(32).toString('base64');

test('When a secret is sealed under master key A and rotated to B, then it reads with B+A during the rotation and with B alone afterwards', async () => {
  const A = t.config.security.masterKey;
  const B = key();
  const sealed = await new SecretBox(keys(orm), masterKeyring(A), systemClock).seal('the apiv3 key', 'purpose:1');
  assert.match(sealed, /^v1:dk_/);
  assert.ok(!sealed.includes('the apiv3 key'));
  await assert.rejects(new SecretBox(keys(orm), masterKeyring(B), systemClock).open(sealed, 'purpose:1'), SecretBoxError);
  await assert.rejects(
    new SecretBox(keys(orm), masterKeyring(A), systemClock).open(sealed, 'purpose:2'),
    SecretBoxError,
    'bound to its purpose',
  );

  const during = new SecretBox(keys(orm), masterKeyring(B, [A]), systemClock);
  assert.equal(await during.open(sealed, 'purpose:1'), 'the apiv3 key');
  const report = await rotateMasterKey(keys(orm), masterKeyring(B, [A]), systemClock);
  assert.ok(report.rewrapped >= 1);
  assert.equal((await rotateMasterKey(keys(orm), masterKeyring(B, [A]), systemClock)).rewrapped, 0, 'idempotent');
  assert.equal(await during.open(sealed, 'purpose:1'), 'the apiv3 key');
  assert.equal(await new SecretBox(keys(orm), masterKeyring(B), systemClock).open(sealed, 'purpose:1'), 'the apiv3 key');
  await assert.rejects(new SecretBox(keys(orm), masterKeyring(A), systemClock).open(sealed, 'purpose:1'), /not configured/);

  // Service-provider credentials sealed by the running app read with only B after the rotation.
  const { spMchid } = await givenProvider(t, rsaPems());
  await rotateMasterKey(keys(orm), masterKeyring(B, [A]), systemClock);
  const creds = await new CachedCredentialsProvider(
    new ServiceProviderRepository(new Database(orm)),
    new SecretBox(keys(orm), masterKeyring(B), systemClock),
  ).get(spMchid);
  assert.equal(creds?.apiV3Key.length, 32);
});

test('When npm run keys:rotate runs against a database, then it re-wraps every data key and secrets read with the new key alone', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'pp-rotate-'));
  const url = `sqlite:${join(dir, 'db.sqlite')}`;
  const A = key();
  const B = key();
  try {
    let db = await openDatabase(url);
    const sealed = await new SecretBox(keys(db), masterKeyring(A), systemClock).seal('whsec_rotate_me', 'p');
    await db.close(true);
    const cli = resolve(__dirname, '../../../src/app/cli/keys-rotate.js');
    const { stdout } = await promisify(execFile)(process.execPath, [cli], {
      env: { ...process.env, PARTNERPAY_PROFILE: 'test', DATABASE_URL: url, PARTNERPAY_MASTER_KEY: B, PARTNERPAY_PREVIOUS_MASTER_KEYS: A },
    });
    assert.match(stdout, /1 data key\(s\) re-wrapped/);
    db = await openDatabase(url);
    assert.equal(await new SecretBox(keys(db), masterKeyring(B), systemClock).open(sealed, 'p'), 'whsec_rotate_me');
    await db.close(true);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
