import { loadPrivateKey, loadPublicKey, type CredentialsProvider, type ServiceProviderCredentials } from '@partnerpay/wxpay';
import type { SecretBox } from '../../platform/secrets/secret-box';
import type { ServiceProviderRepository } from './service-provider.repository';

/** Purposes (AES-GCM associated data) of a provider's sealed secrets. */
export const spSecretPurpose = (spMchid: string, field: 'merchant_private_key' | 'apiv3_key' | 'sp_app_secret') =>
  `service_provider:${spMchid}:${field}`;

// Other processes learn of a PUT by this: at most every 30 s, one indexed `select updated_at`.
const REVALIDATE_MS = 30_000;

interface Entry {
  creds: Promise<ServiceProviderCredentials | undefined>;
  updatedAt?: number;
  checkedAt: number;
}

/**
 * CredentialsProvider (TOKENS.Credentials): decrypts a provider's secrets and parses its keys once
 * into KeyObjects, then serves them from memory. A PUT in this process invalidates at once; other
 * processes notice within REVALIDATE_MS by comparing updated_at, and only then parse again.
 */
export class CachedCredentialsProvider implements CredentialsProvider {
  private readonly cache = new Map<string, Entry>();

  constructor(
    private readonly providers: ServiceProviderRepository,
    private readonly box: SecretBox,
  ) {}

  async get(spMchid: string): Promise<ServiceProviderCredentials | undefined> {
    const now = Date.now();
    const hit = this.cache.get(spMchid);
    if (hit && now - hit.checkedAt < REVALIDATE_MS) return hit.creds;
    if (hit) {
      const updatedAt = await this.providers.updatedAt(spMchid);
      if (updatedAt !== undefined && updatedAt === hit.updatedAt) {
        hit.checkedAt = now;
        return hit.creds;
      }
    }
    const entry: Entry = { creds: Promise.resolve(undefined), checkedAt: now };
    entry.creds = this.load(spMchid, entry);
    this.cache.set(spMchid, entry);
    const creds = await entry.creds.catch((e) => {
      this.cache.delete(spMchid);
      throw e;
    });
    if (!creds) this.cache.delete(spMchid); // unknown providers are not cached: a PUT may come any moment
    return creds;
  }

  /** Drops the cached credentials of `spMchid` (after a PUT). */
  invalidate(spMchid: string): void {
    this.cache.delete(spMchid);
  }

  private async load(spMchid: string, entry: Entry): Promise<ServiceProviderCredentials | undefined> {
    const row = await this.providers.find(spMchid);
    if (!row) return undefined;
    entry.updatedAt = row.updatedAt;
    const [pem, apiV3] = await Promise.all([
      this.box.open(row.merchantPrivateKey, spSecretPurpose(spMchid, 'merchant_private_key')),
      this.box.open(row.apiv3Key, spSecretPurpose(spMchid, 'apiv3_key')),
    ]);
    return {
      spMchid: row.spMchid,
      spAppid: row.spAppid,
      merchantSerialNo: row.merchantSerialNo,
      merchantPrivateKey: loadPrivateKey(pem, 'merchant_private_key'),
      apiV3Key: Buffer.from(apiV3, 'utf8'),
      verification:
        row.wechatpayPublicKeyId && row.wechatpayPublicKey
          ? {
              mode: 'public_key',
              publicKeyId: row.wechatpayPublicKeyId,
              publicKey: loadPublicKey(row.wechatpayPublicKey, 'wechatpay_public_key'),
            }
          : { mode: 'certificate' },
    };
  }
}
