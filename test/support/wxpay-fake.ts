/**
 * A minimal WeChat Pay stand-in for client tests: a real node:http listener on port 0 that records
 * every request and answers what the test scripts, signing answers like WeChat Pay does. Keys are
 * generated per test file (node:crypto), certificates are built with node-forge.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';
import forge from 'node-forge';
import { encryptResource, nonce, responseMessage, signSha256Rsa, type ServiceProviderCredentials } from '@partnerpay/wxpay';

export interface Hit {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface Answer {
  status?: number;
  body?: string | Buffer | object;
  headers?: Record<string, string>;
  /** Signed by default (when `signer` is given to the server); false = unsigned; 'bad' = wrong signature. */
  sign?: boolean | 'bad' | 'signtest';
  /** Override the signing key / serial for this answer. */
  signer?: Signer;
  /** Wait this long before answering (timeouts). */
  delayMs?: number;
  /** Signature timestamp offset in seconds (stale answers). */
  skewSeconds?: number;
}

export interface Signer {
  serial: string;
  privateKey: KeyObject;
}

export interface FakeWxpay {
  url: string;
  hits: Hit[];
  /** Hits whose path (without query) equals `path`. */
  count(path: string): number;
  handle: (hit: Hit) => Answer | Promise<Answer>;
  close(): Promise<void>;
}

/** Signature headers as WeChat Pay puts them on an answer. */
export function signHeaders(body: string, signer: Signer, skewSeconds = 0, mode: true | 'bad' | 'signtest' = true): Record<string, string> {
  const ts = String(Math.floor(Date.now() / 1000) + skewSeconds);
  const n = nonce();
  let signature = signSha256Rsa(responseMessage(ts, n, body), signer.privateKey);
  if (mode === 'bad') signature = signSha256Rsa(responseMessage(ts, n, body + 'x'), signer.privateKey);
  if (mode === 'signtest') signature = 'WECHATPAY/SIGNTEST/' + signature;
  return {
    'Wechatpay-Timestamp': ts,
    'Wechatpay-Nonce': n,
    'Wechatpay-Serial': signer.serial,
    'Wechatpay-Signature': signature,
    'Wechatpay-Signature-Type': 'WECHATPAY2-SHA256-RSA2048',
  };
}

/** Starts the fake on 127.0.0.1:0. `defaultSigner` signs every answer unless the answer says otherwise. */
export async function startFakeWxpay(
  defaultSigner: Signer | undefined,
  handle: FakeWxpay['handle'] = () => ({ status: 200, body: {} }),
): Promise<FakeWxpay> {
  const hits: Hit[] = [];
  const fake = { hits, handle } as FakeWxpay;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const hit = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      hits.push(hit);
      const a = await fake.handle(hit);
      if (a.delayMs) await new Promise((r) => setTimeout(r, a.delayMs));
      if (res.destroyed) return;
      const status = a.status ?? 200;
      const body =
        a.body === undefined ? '' : Buffer.isBuffer(a.body) ? a.body : typeof a.body === 'string' ? a.body : JSON.stringify(a.body);
      const headers: Record<string, string> = {
        'Request-ID': `req-${hits.length}`,
        ...(body.length && !Buffer.isBuffer(body) ? { 'Content-Type': 'application/json' } : {}),
        ...a.headers,
      };
      const signer = a.signer ?? defaultSigner;
      const mode = a.sign ?? true;
      if (signer && mode !== false && !Buffer.isBuffer(body)) Object.assign(headers, signHeaders(body, signer, a.skewSeconds ?? 0, mode));
      res.writeHead(status, headers).end(body);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  fake.count = (path) => hits.filter((h) => h.url.split('?')[0] === path).length;
  fake.close = async () => {
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  };
  return fake;
}

/** A port nothing listens on (for connection-refused and fail-over tests). */
export async function closedPortUrl(): Promise<string> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return `http://127.0.0.1:${port}`;
}

export interface RsaPair {
  privateKey: KeyObject;
  publicKey: KeyObject;
  privatePem: string;
  publicPem: string;
}

/** A fresh 2048-bit RSA key pair. */
export function rsaPair(): RsaPair {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return {
    privateKey,
    publicKey,
    privatePem: privateKey.export({ type: 'pkcs8', format: 'pem' }) as string,
    publicPem: publicKey.export({ type: 'spki', format: 'pem' }) as string,
  };
}

/** A 40-hex-char upper-case serial like WeChat Pay's (first byte < 0x80 so DER keeps it positive and unpadded). */
export function randomSerial(): string {
  return ('5' + randomBytes(20).toString('hex').slice(1, 40)).toUpperCase();
}

/** A self-signed platform certificate (node-forge) for `pair`, valid between the given times. */
export function platformCertificate(pair: RsaPair, serial: string, notBefore: Date, notAfter: Date): string {
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(pair.publicPem);
  cert.serialNumber = serial.toLowerCase();
  cert.validity.notBefore = notBefore;
  cert.validity.notAfter = notAfter;
  const attrs = [
    { name: 'commonName', value: 'Tenpay.com sign' },
    { name: 'organizationName', value: 'Tenpay.com' },
    { name: 'countryName', value: 'CN' },
  ];
  cert.setSubject(attrs);
  cert.setIssuer(attrs);
  cert.sign(forge.pki.privateKeyFromPem(pair.privatePem), forge.md.sha256.create());
  return forge.pki.certificateToPem(cert);
}

/** One entry of a /v3/certificates answer, encrypted with `apiV3Key` as WeChat Pay does. */
export function certificateEntry(pem: string, serial: string, apiV3Key: Buffer, notBefore: Date, notAfter: Date) {
  return {
    serial_no: serial,
    effective_time: notBefore.toISOString(),
    expire_time: notAfter.toISOString(),
    encrypt_certificate: encryptResource(pem, apiV3Key, 'certificate'),
  };
}

/** Service-provider credentials for tests. */
export function testCredentials(
  spMchid: string,
  merchant: RsaPair,
  verification: ServiceProviderCredentials['verification'],
  apiV3Key = randomBytes(16).toString('hex'),
): ServiceProviderCredentials {
  return {
    spMchid,
    spAppid: 'wx8888888888888888',
    merchantSerialNo: randomSerial(),
    merchantPrivateKey: merchant.privateKey,
    apiV3Key: Buffer.from(apiV3Key, 'utf8'),
    verification,
  };
}
