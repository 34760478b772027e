import { createHash } from 'node:crypto';

/** One master key and its id (the first 8 bytes of its SHA-256, hex): never the key itself in logs or rows. */
export interface MasterKey {
  id: string;
  key: Buffer;
}

/** The current master key (wraps new and re-wrapped data keys) plus previous ones (unwrap only). */
export interface MasterKeyring {
  current: MasterKey;
  byId(id: string): MasterKey | undefined;
}

function masterKey(base64: string): MasterKey {
  const key = Buffer.from(base64, 'base64');
  if (key.length !== 32) throw new Error('a master key must be base64 of exactly 32 bytes');
  return { id: createHash('sha256').update(key).digest('hex').slice(0, 16), key };
}

/** Builds the keyring from config.security.masterKey and previousMasterKeys. */
export function masterKeyring(current: string, previous: readonly string[] = []): MasterKeyring {
  const cur = masterKey(current);
  const all = new Map([cur, ...previous.map(masterKey)].map((k) => [k.id, k]));
  return { current: cur, byId: (id) => all.get(id) };
}
