import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { Clock } from '../clock';
import { newId } from '../ids';
import type { DataKeyRow } from './data-key.entity';
import type { DataKeyRepository } from './data-key.repository';
import type { MasterKeyring } from './master-keys';

const IV = 12;
const TAG = 16;

/** AES-256-GCM over `plain` with `aad`; returns iv ‖ ciphertext ‖ tag. */
export function gcmSeal(key: Buffer, plain: Buffer, aad: string): Buffer {
  const iv = randomBytes(IV);
  const c = createCipheriv('aes-256-gcm', key, iv);
  c.setAAD(Buffer.from(aad, 'utf8'));
  return Buffer.concat([iv, c.update(plain), c.final(), c.getAuthTag()]);
}

/** Opens gcmSeal's output; throws when the key, the aad or the bytes are wrong. */
export function gcmOpen(key: Buffer, sealed: Buffer, aad: string): Buffer {
  const d = createDecipheriv('aes-256-gcm', key, sealed.subarray(0, IV));
  d.setAAD(Buffer.from(aad, 'utf8'));
  d.setAuthTag(sealed.subarray(sealed.length - TAG));
  return Buffer.concat([d.update(sealed.subarray(IV, sealed.length - TAG)), d.final()]);
}

/** A stored secret could not be opened (wrong master key configured, or a tampered row). Never carries the secret. */
export class SecretBoxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SecretBoxError';
  }
}

/**
 * Envelope encryption of secrets at rest. Each secret is AES-256-GCM under a data key, with the
 * secret's purpose as associated data (so a ciphertext cannot be moved to another row); data keys
 * live in `data_key`, wrapped by the master key. Sealed form: `v1:<data key id>:<base64>`.
 *
 * It reads data keys with autocommit statements, so call it outside any transaction (SQLite has a
 * single connection that a transaction holds).
 */
export class SecretBox {
  private readonly dataKeys = new Map<string, Buffer>();
  private current?: Promise<{ id: string; key: Buffer }>;

  constructor(
    private readonly keys: DataKeyRepository,
    private readonly keyring: MasterKeyring,
    private readonly clock: Clock,
  ) {}

  /** Encrypts `plaintext` for `purpose` (e.g. "service_provider:1900000100:apiv3_key"). */
  async seal(plaintext: string, purpose: string): Promise<string> {
    const dk = await (this.current ??= this.currentDataKey().catch((e) => {
      this.current = undefined;
      throw e;
    }));
    return `v1:${dk.id}:${gcmSeal(dk.key, Buffer.from(plaintext, 'utf8'), purpose).toString('base64')}`;
  }

  /** Decrypts what seal() produced for the same `purpose`. */
  async open(sealed: string, purpose: string): Promise<string> {
    const [v, id, body] = sealed.split(':');
    if (v !== 'v1' || !id || !body) throw new SecretBoxError('unknown sealed secret format');
    const key = await this.dataKey(id);
    try {
      return gcmOpen(key, Buffer.from(body, 'base64'), purpose).toString('utf8');
    } catch {
      throw new SecretBoxError(`secret for ${purpose} does not decrypt under data key ${id}`);
    }
  }

  private async currentDataKey(): Promise<{ id: string; key: Buffer }> {
    const existing = await this.keys.newestWrappedBy(this.keyring.current.id);
    if (existing) return { id: existing.id, key: await this.dataKey(existing.id) };
    const id = newId('dk', 12);
    const key = randomBytes(32);
    const now = this.clock.now();
    await this.keys.insert({
      id,
      masterKeyId: this.keyring.current.id,
      wrapped: wrapDataKey(this.keyring, id, key),
      createdAt: now,
      rewrappedAt: null,
    });
    this.dataKeys.set(id, key);
    return { id, key };
  }

  private async dataKey(id: string): Promise<Buffer> {
    const cached = this.dataKeys.get(id);
    if (cached) return cached;
    const row = await this.keys.findById(id);
    if (!row) throw new SecretBoxError(`data key ${id} does not exist`);
    const key = unwrapDataKey(this.keyring, row);
    this.dataKeys.set(id, key);
    return key;
  }
}

/** Wraps a data key under the keyring's current master key (aad = the data key id). */
export function wrapDataKey(keyring: MasterKeyring, id: string, key: Buffer): string {
  return gcmSeal(keyring.current.key, key, `data_key:${id}`).toString('base64');
}

/** Unwraps a data key row with whichever master key wrapped it (current or previous). */
export function unwrapDataKey(keyring: MasterKeyring, row: Pick<DataKeyRow, 'id' | 'masterKeyId' | 'wrapped'>): Buffer {
  const master = keyring.byId(row.masterKeyId);
  if (!master)
    throw new SecretBoxError(
      `data key ${row.id} is wrapped by master key ${row.masterKeyId}, which is not configured ` +
        '(set it in PARTNERPAY_PREVIOUS_MASTER_KEYS)',
    );
  try {
    return gcmOpen(master.key, Buffer.from(row.wrapped, 'base64'), `data_key:${row.id}`);
  } catch {
    throw new SecretBoxError(`data key ${row.id} does not unwrap under master key ${row.masterKeyId}`);
  }
}
