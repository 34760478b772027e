import type { KeyObject } from 'node:crypto';

/**
 * How partnerpay verifies WeChat Pay's signatures for one service provider: with the WeChat Pay
 * public key the operator gave us (public-key mode), or with platform certificates downloaded
 * from /v3/certificates (certificate mode). Merchants migrating between the two may have both.
 */
export type PlatformVerification = { mode: 'public_key'; publicKeyId: string; publicKey: KeyObject } | { mode: 'certificate' };

/**
 * One service provider's (服务商) credentials, already decrypted and parsed into KeyObjects.
 * Built once per provider and cached by the host (partnerpay: its tenancy module); never logged, never serialised.
 */
export interface ServiceProviderCredentials {
  spMchid: string;
  spAppid: string;
  /** Serial number of the merchant API certificate; goes into the Authorization header. */
  merchantSerialNo: string;
  merchantPrivateKey: KeyObject;
  /** The 32-byte APIv3 key that decrypts notifications and certificates. */
  apiV3Key: Buffer;
  verification: PlatformVerification;
}

/** Looks up a service provider's credentials (partnerpay: its tenancy module, cached). */
export interface CredentialsProvider {
  /** The credentials of `spMchid`, or undefined when no such provider is configured. */
  get(spMchid: string): Promise<ServiceProviderCredentials | undefined>;
}
