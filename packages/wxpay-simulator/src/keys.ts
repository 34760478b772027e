import { createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes, randomInt, type KeyObject } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import forge from 'node-forge';
import { loadCertificate } from '@partnerpay/wxpay';

/** The simulator's platform identity: one RSA key pair served both as a WeChat Pay public key and as a platform certificate. */
export interface PlatformIdentity {
  privateKey: KeyObject;
  publicKey: KeyObject;
  publicKeyPem: string;
  /** `PUB_KEY_ID_` + 34 digits, like WeChat Pay's. */
  publicKeyId: string;
  certificatePem: string;
  /** Upper-case hex, 40 chars, as WeChat Pay writes platform certificate serials. */
  certificateSerial: string;
  notBefore: Date;
  notAfter: Date;
}

interface StoredKeys {
  private_key_pem: string;
  public_key_id: string;
  certificate_pem: string;
}

const FILE_NAME = 'simulator-keys.json';
const CERT_YEARS = 5;

function digits(n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += String(randomInt(10));
  return s;
}

/** A public key id shaped like WeChat Pay's: PUB_KEY_ID_0114 + date + 22 digits. */
function newPublicKeyId(now: Date): string {
  const ymd = now.toISOString().slice(0, 10).replace(/-/g, '');
  return `PUB_KEY_ID_0114${ymd}${digits(22)}`;
}

/** A self-signed "Tenpay.com sign" certificate over the key pair (node-forge; node:crypto cannot issue certificates). */
function issueCertificate(privateKeyPem: string, publicKeyPem: string, now: Date): string {
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(publicKeyPem);
  // 20 random bytes with the top bit clear: a positive serial of exactly 40 hex digits.
  const serial = randomBytes(20);
  serial[0] = (serial[0] & 0x7f) | 0x10;
  cert.serialNumber = serial.toString('hex');
  cert.validity.notBefore = new Date(now.getTime() - 60_000);
  cert.validity.notAfter = new Date(now.getTime() + CERT_YEARS * 365 * 86_400_000);
  const subject = [
    { name: 'countryName', value: 'CN' },
    { name: 'organizationName', value: 'Tenpay.com' },
    { shortName: 'OU', value: 'Tenpay.com CA Center' },
    { name: 'localityName', value: 'ShenZhen' },
    { name: 'commonName', value: 'Tenpay.com sign' },
  ];
  cert.setSubject(subject);
  cert.setIssuer([...subject.slice(0, 4), { name: 'commonName', value: 'Tenpay.com Root CA (simulator)' }]);
  cert.sign(forge.pki.privateKeyFromPem(privateKeyPem), forge.md.sha256.create());
  return forge.pki.certificateToPem(cert);
}

function fromStored(s: StoredKeys): PlatformIdentity {
  const privateKey = createPrivateKey(s.private_key_pem);
  const publicKey = createPublicKey(privateKey);
  const cert = loadCertificate(s.certificate_pem, 'simulator certificate');
  return {
    privateKey,
    publicKey,
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    publicKeyId: s.public_key_id,
    certificatePem: s.certificate_pem,
    certificateSerial: cert.serialNo,
    notBefore: cert.notBefore,
    notAfter: cert.notAfter,
  };
}

function generate(now: Date): StoredKeys {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const privatePkcs1 = privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
  const publicPem = createPublicKey(privateKey).export({ type: 'spki', format: 'pem' }).toString();
  return {
    private_key_pem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    public_key_id: newPublicKeyId(now),
    certificate_pem: issueCertificate(privatePkcs1, publicPem, now),
  };
}

// Without a state directory the keys live as long as the process: tests that start several
// simulators in one file pay for one RSA key generation, not one each.
let ephemeral: PlatformIdentity | undefined;

/**
 * The platform identity: kept in `<stateDir>/simulator-keys.json` when a directory is given (so a
 * restarted demo keeps its keys and partnerpay's stored public key stays valid), else generated once per process.
 */
export function loadOrCreatePlatformIdentity(stateDir?: string, now = new Date()): PlatformIdentity {
  if (!stateDir) return (ephemeral ??= fromStored(generate(now)));
  const file = join(stateDir, FILE_NAME);
  if (existsSync(file)) return fromStored(JSON.parse(readFileSync(file, 'utf8')) as StoredKeys);
  mkdirSync(stateDir, { recursive: true });
  const stored = generate(now);
  writeFileSync(file, JSON.stringify(stored, null, 2), { mode: 0o600 });
  chmodSync(file, 0o600);
  return fromStored(stored);
}
