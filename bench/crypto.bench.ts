/**
 * `npm run bench:crypto`: operations per second of our WeChat Pay crypto against the published
 * wechatpay-axios-plugin, in the same process, on the same inputs, with the same parsed KeyObjects
 * (what each library does in its steady state). Short slices alternate ours/theirs so drift hits
 * both, and the clock is process CPU time, so other load on the machine does not skew the ratio.
 */
import { generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';
import {
  decryptResource,
  encryptResource,
  nonce,
  paySignMessage,
  responseMessage,
  signSha256Rsa,
  verifyWechatpaySignature,
  signRequest,
  type ServiceProviderCredentials,
} from '@partnerpay/wxpay';

// The plugin's public API, as much of it as this benchmark uses (its .d.ts drags in axios typings).
interface TheirSdk {
  Rsa: {
    sign(message: string, key: KeyObject): string;
    verify(message: string, signature: string, key: KeyObject): boolean;
    from(thing: string, type?: 'public' | 'private'): KeyObject;
  };
  Formatter: {
    nonce(size?: number): string;
    timestamp(): number;
    request(method: string, uri: string, timestamp: number | string, nonce: string, body?: string): string;
    response(timestamp: number | string, nonce: string, body?: string): string;
    authorization(mchid: string, nonce: string, signature: string, timestamp: number | string, serial: string): string;
    joinedByLineFeed(...pieces: string[]): string;
  };
  Aes: { AesGcm: { decrypt(ciphertext: string, key: string | Buffer, iv: string, aad?: string): string } };
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const theirs = require('wechatpay-axios-plugin') as TheirSdk;

const merchant = generateKeyPairSync('rsa', { modulusLength: 2048 });
const platform = generateKeyPairSync('rsa', { modulusLength: 2048 });
// Each library parses its keys once, from PEM, the way it would at start-up.
const theirMerchantKey = theirs.Rsa.from(merchant.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string, 'private');
const theirPlatformKey = theirs.Rsa.from(platform.publicKey.export({ type: 'spki', format: 'pem' }) as string, 'public');

const sp: ServiceProviderCredentials = {
  spMchid: '1230000109',
  spAppid: 'wx8888888888888888',
  merchantSerialNo: '5157F09EFDC096DE15EBE81A47057A7232F1B8E1',
  merchantPrivateKey: merchant.privateKey,
  apiV3Key: Buffer.from('a7cde1ZJB1kG2e7VfTs3jQzaWizur8Gb'),
  verification: { mode: 'certificate' },
};
const orderBody = JSON.stringify({
  sp_appid: sp.spAppid,
  sp_mchid: sp.spMchid,
  sub_appid: 'wx1111111111111111',
  sub_mchid: '1900000109',
  description: 'Image形象店-深圳腾大-QQ公仔',
  out_trade_no: '1217752501201407033233368018',
  notify_url: 'https://partnerpay.example.com/notify/wxpay/1230000109',
  amount: { total: 100, currency: 'CNY' },
  payer: { sub_openid: 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o' },
});
const path = '/v3/pay/partner/transactions/jsapi';

// A signed answer to verify.
const respBody = JSON.stringify({ prepay_id: 'wx201410272009395522657a690389285100' });
const ts = String(Math.floor(Date.now() / 1000));
const respNonce = nonce();
const serial = 'PUB_KEY_ID_0000000000000024101100397200000006';
const respSig = signSha256Rsa(responseMessage(ts, respNonce, respBody), platform.privateKey);
const headers = { timestamp: ts, nonce: respNonce, serial, signature: respSig };
const keyFor = (s: string) => (s === serial ? platform.publicKey : undefined);

// A 1 KB notification resource.
const notification = encryptResource(
  JSON.stringify({ out_trade_no: 'x', pad: randomBytes(480).toString('hex') }).slice(0, 1024),
  sp.apiV3Key,
  'transaction',
);
const apiV3KeyString = sp.apiV3Key.toString('utf8');

interface Case {
  name: string;
  ours: () => unknown;
  theirs: () => unknown;
}

const cases: Case[] = [
  {
    name: 'request signing (Authorization)',
    ours: () => signRequest(sp, 'POST', path, orderBody, Math.floor(Date.now() / 1000)),
    theirs: () => {
      const n = theirs.Formatter.nonce();
      const t = theirs.Formatter.timestamp();
      const signature = theirs.Rsa.sign(theirs.Formatter.request('POST', path, t, n, orderBody), theirMerchantKey);
      return theirs.Formatter.authorization(sp.spMchid, n, signature, t, sp.merchantSerialNo);
    },
  },
  {
    name: 'response verification',
    ours: () => {
      if (!verifyWechatpaySignature(headers, respBody, Math.floor(Date.now() / 1000), keyFor).ok) throw new Error('ours failed to verify');
    },
    theirs: () => {
      // The plugin's verifier: the same clock-skew check, then Rsa.verify over Formatter.response.
      if (Math.abs(theirs.Formatter.timestamp() - Number(ts)) > 300) throw new Error('stale');
      if (!theirs.Rsa.verify(theirs.Formatter.response(ts, respNonce, respBody), respSig, theirPlatformKey))
        throw new Error('theirs failed to verify');
    },
  },
  {
    name: 'paySign (wx.requestPayment)',
    ours: () =>
      signSha256Rsa(
        paySignMessage('wx1111111111111111', ts, respNonce, 'prepay_id=wx201410272009395522657a690389285100'),
        merchant.privateKey,
      ),
    theirs: () =>
      theirs.Rsa.sign(
        theirs.Formatter.joinedByLineFeed('wx1111111111111111', ts, respNonce, 'prepay_id=wx201410272009395522657a690389285100'),
        theirMerchantKey,
      ),
  },
  {
    name: 'AES-GCM decrypt, 1 KB notification',
    ours: () => decryptResource(notification, sp.apiV3Key),
    theirs: () => theirs.Aes.AesGcm.decrypt(notification.ciphertext, apiV3KeyString, notification.nonce, notification.associated_data),
  },
];

/** CPU microseconds (user + system) spent running `fn` `n` times. CPU time, not wall time: other processes on a shared machine do not count. */
function cpuMicros(fn: () => unknown, n: number): number {
  const before = process.cpuUsage();
  for (let i = 0; i < n; i++) fn();
  const d = process.cpuUsage(before);
  return d.user + d.system;
}

/** Ops per CPU-second of ours and theirs, over `slices` adjacent pairs (order alternating) of about `sliceMs` each. */
function compare(c: Case, slices: number, sliceMs: number): { ours: number; theirs: number } {
  // Size a slice from a quick calibration so both sides run for about sliceMs.
  const per = (fn: () => unknown) => Math.max(1, Math.round((sliceMs * 1000) / Math.max(1, cpuMicros(fn, 50) / 50)));
  const nOurs = per(c.ours);
  const nTheirs = per(c.theirs);
  let oursUs = 0;
  let theirsUs = 0;
  for (let s = 0; s < slices; s++) {
    if (s % 2 === 0) {
      oursUs += cpuMicros(c.ours, nOurs);
      theirsUs += cpuMicros(c.theirs, nTheirs);
    } else {
      theirsUs += cpuMicros(c.theirs, nTheirs);
      oursUs += cpuMicros(c.ours, nOurs);
    }
  }
  return { ours: (nOurs * slices * 1e6) / oursUs, theirs: (nTheirs * slices * 1e6) / theirsUs };
}

function main(): void {
  const slices = Number(process.env.BENCH_SLICES ?? 40);
  const sliceMs = Number(process.env.BENCH_SLICE_MS ?? 50);
  // Both implementations must agree before they are timed.
  if (
    decryptResource(notification, sp.apiV3Key) !==
    theirs.Aes.AesGcm.decrypt(notification.ciphertext, apiV3KeyString, notification.nonce, notification.associated_data)
  )
    throw new Error('decrypt mismatch');
  console.log(`# crypto bench: node ${process.version}, ${slices} alternating slices of ~${sliceMs} ms CPU per side; ops per CPU-second`);
  console.log(`${'operation'.padEnd(38)}${'ours ops/s'.padStart(14)}${'theirs ops/s'.padStart(14)}${'ours/theirs'.padStart(13)}`);
  let slower = false;
  for (const c of cases) {
    for (let i = 0; i < 200; i++) {
      c.ours();
      c.theirs();
    }
    const { ours: o, theirs: t } = compare(c, slices, sliceMs);
    const ratio = o / t;
    // Both sides are thin layers over the same OpenSSL calls, so parity is expected; on a loaded
    // 2-CPU machine paired CPU-time slices still wobble by up to ±5 % (see the A/A row).
    if (ratio < 0.95) slower = true;
    console.log(`${c.name.padEnd(38)}${o.toFixed(0).padStart(14)}${t.toFixed(0).padStart(14)}${ratio.toFixed(2).padStart(13)}`);
  }
  // A/A control: the same function on both sides shows this run's noise floor.
  const control = cases[1];
  const aa = compare({ name: 'control', ours: control.ours, theirs: control.ours }, slices, sliceMs);
  console.log(
    `${'(A/A control: ours vs ours, verify)'.padEnd(38)}${aa.ours.toFixed(0).padStart(14)}${aa.theirs.toFixed(0).padStart(14)}${(aa.ours / aa.theirs).toFixed(2).padStart(13)}`,
  );
  console.log(slower ? '# RESULT: ours is slower on at least one operation' : '# RESULT: ours is no slower than wechatpay-axios-plugin');
  process.exitCode = slower ? 1 : 0;
}

main();
