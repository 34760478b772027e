import 'reflect-metadata';
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { openDatabase, type Orm } from '../../../src/app/schema';
import { ManualClock } from '../../../src/platform/clock';
import { MemoryKeyValueStore } from '../../../src/platform/kv/memory';
import type { KeyValueStore } from '../../../src/platform/kv/kv';
import {
  rsaOaepDecrypt,
  WxpayTransport,
  WxpayHttpClient,
  WxpayPlatformKeys,
  fetchPlatformCertificates,
  WxpayDecryptionError,
  WxpayMalformedError,
  WxpaySignatureError,
  encryptSensitive,
  queryRefund,
  type ServiceProviderCredentials,
} from '@partnerpay/wxpay';
import { Database } from '../../../src/platform/db/database';
import { CertificateStore } from '../../../src/modules/wxpay-gateway/certificate-store';
import { WxpayPlatformCertificateEntity } from '../../../src/modules/wxpay-gateway/platform-certificate.entity';
import { testDatabaseUrl, uniqueMchid } from '../../support/app';
import {
  certificateEntry,
  platformCertificate,
  randomSerial,
  rsaPair,
  startFakeWxpay,
  testCredentials,
  type Answer,
  type FakeWxpay,
  type Hit,
  type RsaPair,
  type Signer,
} from '../../support/wxpay-fake';

const DAY = 86_400_000;
const merchant = rsaPair();

/** One WeChat Pay platform certificate: key pair, serial, PEM. */
interface Platform extends Signer {
  pair: RsaPair;
  pem: string;
  notBefore: Date;
  notAfter: Date;
}
function platform(validFrom = new Date(Date.now() - DAY), validTo = new Date(Date.now() + 365 * DAY)): Platform {
  const pair = rsaPair();
  const serial = randomSerial();
  return {
    pair,
    serial,
    privateKey: pair.privateKey,
    pem: platformCertificate(pair, serial, validFrom, validTo),
    notBefore: validFrom,
    notAfter: validTo,
  };
}
const certA = platform();
// Expires a day after certA: X.509 times have one-second precision, so equal validity would make "newest" a tie.
const certB = platform(undefined, new Date(Date.now() + 366 * DAY));

/** Serves `served` on /v3/certificates (signed by the newest) and a refund, signed by `apiSigner`, elsewhere. */
function serve(hit: Hit): Answer {
  if (hit.url === '/v3/certificates') {
    return {
      status: 200,
      body: { data: served.map((c) => certificateEntry(c.pem, c.serial, sp.apiV3Key, c.notBefore, c.notAfter)) },
      signer: served[served.length - 1],
    };
  }
  return { status: 200, body: { refund_id: 'r1', status: 'SUCCESS' }, signer: apiSigner };
}

let orm: Orm;
let fake: FakeWxpay;
/** The certificates the fake serves now, and which one signs its answers. */
let served: Platform[] = [certA];
let apiSigner: Platform = certA;
const transports: WxpayTransport[] = [];

function spFor(): ServiceProviderCredentials {
  return testCredentials(uniqueMchid(), merchant, { mode: 'certificate' }, randomBytes(16).toString('hex'));
}
let sp = spFor();

before(async () => {
  orm = await openDatabase(testDatabaseUrl(), { migrate: false });
  fake = await startFakeWxpay(undefined, serve);
});
after(async () => {
  await Promise.all(transports.map((t) => t.close()));
  await fake.close();
  await orm.close(true);
});

function build(opts: { clock?: ManualClock; kv?: KeyValueStore } = {}) {
  const clock = opts.clock ?? new ManualClock();
  const transport = new WxpayTransport(
    {
      baseUrl: fake.url,
      connectTimeoutMs: 1000,
      requestTimeoutMs: 2000,
      maxAttempts: 2,
      retryBudgetMs: 3000,
      userAgent: 'partnerpay-test',
      backoffBaseMs: 5,
    },
    clock,
  );
  transports.push(transport);
  const keys = new WxpayPlatformKeys({
    transport,
    store: new CertificateStore(new Database(orm)),
    kv: opts.kv ?? new MemoryKeyValueStore(),
    clock,
  });
  return { clock, keys, client: new WxpayHttpClient(transport, keys) };
}

/** A fresh service provider and fresh fake counters for each story. */
function fresh(certs: Platform[] = [certA], signer: Platform = certA) {
  sp = spFor();
  served = certs;
  apiSigner = signer;
  fake.hits.length = 0;
  fake.handle = serve;
}

test('When an answer is signed by a certificate we do not know, then certificates are downloaded, decrypted, checked, and it verifies', async () => {
  fresh();
  const { client } = build();
  const refund = await queryRefund(client, sp, '1900000109', 'rf_1');
  assert.equal(refund.refund_id, 'r1');
  assert.equal(fake.count('/v3/certificates'), 1);
  const rows = await orm.em.fork().find(WxpayPlatformCertificateEntity, { spMchid: sp.spMchid });
  assert.deepEqual(
    rows.map((r) => r.serialNo),
    [certA.serial],
  );
  assert.equal(rows[0].pem, certA.pem);
  // Known now: the next call needs no download.
  await queryRefund(client, sp, '1900000109', 'rf_1');
  assert.equal(fake.count('/v3/certificates'), 1);
});

test('When 50 answers arrive signed with 50 unknown serials, then WeChat Pay is asked at most once a minute', async () => {
  fresh();
  const { keys, clock } = build();
  const headers = (serial: string) => ({
    'wechatpay-timestamp': String(Math.floor(Date.now() / 1000)),
    'wechatpay-nonce': 'n',
    'wechatpay-serial': serial,
    'wechatpay-signature': 'c2ln',
  });
  const results = await Promise.all(Array.from({ length: 50 }, () => keys.verify(sp, headers(randomSerial()), '{}')));
  assert.ok(results.every((r) => !r.ok && r.reason === 'unknown_serial'));
  assert.equal(fake.count('/v3/certificates'), 1);
  // Still inside the minute: more unknown serials cost nothing.
  clock.advance(59_000);
  for (let i = 0; i < 10; i++) await keys.keyFor(sp, randomSerial());
  assert.equal(fake.count('/v3/certificates'), 1);
  // A minute later one more download is allowed.
  clock.advance(2_000);
  await Promise.all(Array.from({ length: 20 }, () => keys.keyFor(sp, randomSerial())));
  assert.equal(fake.count('/v3/certificates'), 2);
});

test('When many calls need the same new certificate at once, then they share one download and all verify', async () => {
  fresh();
  const { client } = build();
  const results = await Promise.all(Array.from({ length: 30 }, () => queryRefund(client, sp, '1900000109', 'rf_1')));
  assert.equal(results.length, 30);
  assert.equal(fake.count('/v3/certificates'), 1);
});

test('When the process restarts, then persisted certificates verify without asking WeChat Pay', async () => {
  fresh();
  await queryRefund(build().client, sp, '1900000109', 'rf_1');
  assert.equal(fake.count('/v3/certificates'), 1);
  const restarted = build();
  await queryRefund(restarted.client, sp, '1900000109', 'rf_1');
  assert.equal(fake.count('/v3/certificates'), 1, 'no second download');
});

test('When another process just refreshed (shared store), then this one reloads from the database instead of downloading', async () => {
  fresh();
  const kv = new MemoryKeyValueStore();
  const a = build({ kv });
  const b = build({ kv });
  // Process a has looked at its (empty) stored certificates already: a stale message costs no download.
  const stale = { 'wechatpay-timestamp': '1000', 'wechatpay-nonce': 'n', 'wechatpay-serial': certA.serial, 'wechatpay-signature': 'c2ln' };
  assert.equal(((await a.keys.verify(sp, stale, '{}')) as { reason: string }).reason, 'stale_timestamp');
  // Process b downloads and persists, taking the shared one-a-minute slot.
  assert.ok(await b.keys.keyFor(sp, certA.serial));
  assert.equal(fake.count('/v3/certificates'), 1);
  // Process a meets the same unknown serial: the slot is taken, so it reloads from the database.
  assert.ok(await a.keys.keyFor(sp, certA.serial));
  assert.equal(fake.count('/v3/certificates'), 1);
});

test('When WeChat Pay rotates certificates, then the old one stays valid until it expires and the newest encrypts', async () => {
  fresh([certA], certA);
  const { client, keys, clock } = build();
  await queryRefund(client, sp, '1900000109', 'rf_1');
  // The new certificate joins the list; answers switch to it.
  served = [certA, certB];
  apiSigner = certB;
  clock.advance(61_000);
  await queryRefund(client, sp, '1900000109', 'rf_1');
  assert.equal(fake.count('/v3/certificates'), 2);
  assert.ok(await keys.keyFor(sp, certA.serial), 'the old certificate still verifies');
  apiSigner = certA;
  await queryRefund(client, sp, '1900000109', 'rf_1');

  const newest = [certA, certB].sort((x, y) => y.notAfter.getTime() - x.notAfter.getTime())[0];
  const enc = await encryptSensitive(keys, sp, { name: '张三', id_card_number: '110101199003074477' });
  assert.equal(enc.headers['Wechatpay-Serial'], newest.serial);
  assert.equal(rsaOaepDecrypt(enc.fields.name, newest.pair.privateKey), '张三');
  assert.equal(rsaOaepDecrypt(enc.fields.id_card_number, newest.pair.privateKey), '110101199003074477');
});

test('When a certificate has expired, then its signatures are refused without a download', async () => {
  const clock = new ManualClock();
  fresh();
  const { keys } = build({ clock });
  assert.ok(await keys.keyFor(sp, certA.serial));
  clock.advance(certA.notAfter.getTime() - clock.now() + 1000);
  assert.equal(await keys.keyFor(sp, certA.serial), undefined);
  assert.equal(fake.count('/v3/certificates'), 1);
});

test('When the APIv3 key is wrong, then the download fails cleanly with WxpayDecryptionError and nothing is trusted', async () => {
  fresh();
  const { keys } = build();
  const wrong = { ...sp, apiV3Key: Buffer.from('b'.repeat(32)) };
  const transport = transports[transports.length - 1];
  await assert.rejects(
    fetchPlatformCertificates(transport, wrong, Date.now(), () => undefined),
    (e: unknown) => e instanceof WxpayDecryptionError && !/b{32}/.test(e.message),
  );
  assert.equal(await keys.keyFor(wrong, certA.serial), undefined);
  assert.equal((await orm.em.fork().find(WxpayPlatformCertificateEntity, { spMchid: sp.spMchid })).length, 0);
});

test('When a certificate does not match its serial_no, or the list is signed by a stranger, then it is refused', async () => {
  fresh();
  const transport = build() && transports[transports.length - 1];
  const liar = { ...certA, serial: certB.serial };
  served = [liar];
  await assert.rejects(
    fetchPlatformCertificates(transport, sp, Date.now(), () => undefined),
    WxpayMalformedError,
  );
  // A list signed by a key that is neither known nor in the list.
  const stranger = platform();
  fake.handle = () => ({
    status: 200,
    body: { data: [certificateEntry(certA.pem, certA.serial, sp.apiV3Key, certA.notBefore, certA.notAfter)] },
    signer: stranger,
  });
  await assert.rejects(
    fetchPlatformCertificates(transport, sp, Date.now(), () => undefined),
    (e: unknown) => e instanceof WxpaySignatureError && e.reason === 'unknown_serial',
  );
});

test('When a service provider is in public-key mode, then PUB_KEY_ID serials use the public key and certificate serials still work side by side', async () => {
  const wechat = rsaPair();
  const publicKeyId = 'PUB_KEY_ID_0000000000000024101100397200000006';
  fresh();
  const mixed = testCredentials(
    uniqueMchid(),
    merchant,
    { mode: 'public_key', publicKeyId, publicKey: wechat.publicKey },
    sp.apiV3Key.toString('utf8'),
  );
  sp = mixed;
  const { keys } = build();
  assert.equal(await keys.keyFor(mixed, publicKeyId), wechat.publicKey);
  assert.equal(await keys.keyFor(mixed, 'PUB_KEY_ID_0000000000000000000000000000000001'), undefined);
  assert.equal(fake.count('/v3/certificates'), 0, 'a public key id never triggers a download');
  assert.ok(await keys.keyFor(mixed, certA.serial), 'a migrating merchant still verifies certificate-signed notifications');
  const enc = await keys.encryptionKey(mixed);
  assert.equal(enc.serial, publicKeyId);
});
