import type { Orm } from '../common/db/orm';
import { loadPrivateKey, loadPublicKey } from '../crypto/keys';
import type { CredentialsProvider, ServiceProviderCredentials } from '../wxpay/credentials';
import type { SecretBox } from '../secrets/secret-box';
import { ServiceProviderSchema, type ServiceProviderRow } from './tenancy.entities';

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
    private readonly orm: Orm,
    private readonly box: SecretBox,
  ) {}

  async get(spMchid: string): Promise<ServiceProviderCredentials | undefined> {
    const now = Date.now();
    const hit = this.cache.get(spMchid);
    if (hit && now - hit.checkedAt < REVALIDATE_MS) return hit.creds;
    if (hit) {
      const row = await this.orm.em.fork().findOne(ServiceProviderSchema, { sp_mchid: spMchid }, { fields: ['updated_at'] });
      if (row && row.updated_at === hit.updatedAt) {
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
    const row: ServiceProviderRow | null = await this.orm.em.fork().findOne(ServiceProviderSchema, { sp_mchid: spMchid });
    if (!row) return undefined;
    entry.updatedAt = row.updated_at;
    const [pem, apiV3] = await Promise.all([
      this.box.open(row.merchant_private_key, spSecretPurpose(spMchid, 'merchant_private_key')),
      this.box.open(row.apiv3_key, spSecretPurpose(spMchid, 'apiv3_key')),
    ]);
    return {
      spMchid: row.sp_mchid,
      spAppid: row.sp_appid,
      merchantSerialNo: row.merchant_serial_no,
      merchantPrivateKey: loadPrivateKey(pem, 'merchant_private_key'),
      apiV3Key: Buffer.from(apiV3, 'utf8'),
      verification:
        row.wechatpay_public_key_id && row.wechatpay_public_key
          ? {
              mode: 'public_key',
              publicKeyId: row.wechatpay_public_key_id,
              publicKey: loadPublicKey(row.wechatpay_public_key, 'wechatpay_public_key'),
            }
          : { mode: 'certificate' },
    };
  }
}
