import { createPrivateKey, createPublicKey, KeyObject, X509Certificate } from 'node:crypto';

/** A credential that could not be used; `credential` names which one (e.g. "merchant_private_key"). */
export class KeyError extends Error {
  constructor(
    readonly credential: string,
    message: string,
  ) {
    super(`${credential}: ${message}`);
    this.name = 'KeyError';
  }
}

function requireRsa2048(key: KeyObject, credential: string): KeyObject {
  if (key.asymmetricKeyType !== 'rsa') throw new KeyError(credential, `must be an RSA key, got ${key.asymmetricKeyType}`);
  const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
  if (bits < 2048) throw new KeyError(credential, `RSA key must be at least 2048 bits, got ${bits}`);
  return key;
}

/** Parses an RSA private key PEM (PKCS#8 or PKCS#1) once into a KeyObject; refuses non-RSA and < 2048-bit keys. */
export function loadPrivateKey(pem: string, credential = 'private_key'): KeyObject {
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: pem, format: 'pem' });
  } catch {
    throw new KeyError(credential, 'is not a valid PEM private key');
  }
  return requireRsa2048(key, credential);
}

/** Parses an RSA public key PEM, or the public key of a PEM certificate, once into a KeyObject. */
export function loadPublicKey(pem: string, credential = 'public_key'): KeyObject {
  let key: KeyObject;
  try {
    key = createPublicKey({ key: pem, format: 'pem' });
  } catch {
    throw new KeyError(credential, 'is not a valid PEM public key or certificate');
  }
  return requireRsa2048(key, credential);
}

/** The facts of an X.509 certificate that verification needs. */
export interface CertificateInfo {
  serialNo: string;
  notBefore: Date;
  notAfter: Date;
  publicKey: KeyObject;
  pem: string;
}

/** Parses a PEM certificate; serialNo is upper-case hex without leading zeros stripped (as WeChat Pay writes it). */
export function loadCertificate(pem: string, credential = 'certificate'): CertificateInfo {
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(pem);
  } catch {
    throw new KeyError(credential, 'is not a valid PEM certificate');
  }
  return {
    serialNo: cert.serialNumber.toUpperCase(),
    notBefore: new Date(cert.validFrom),
    notAfter: new Date(cert.validTo),
    publicKey: requireRsa2048(cert.publicKey, credential),
    pem,
  };
}
