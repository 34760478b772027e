import type { Clock } from '../clock';
import type { DataKeyRepository } from './data-key.repository';
import { unwrapDataKey, wrapDataKey } from './secret-box';
import type { MasterKeyring } from './master-keys';

export interface RotationReport {
  rewrapped: number;
  alreadyCurrent: number;
}

/**
 * Re-wraps every data key under the keyring's current master key. Secrets themselves are not
 * touched (they are encrypted under data keys, which do not change), so this is a handful of small
 * UPDATEs; each is guarded by the old wrapping so concurrent rotations never clobber each other, and
 * running processes keep reading because their keyring holds both the old and the new master key.
 */
export async function rotateMasterKey(keys: DataKeyRepository, keyring: MasterKeyring, clock: Clock): Promise<RotationReport> {
  const rows = await keys.all();
  let rewrapped = 0;
  let alreadyCurrent = 0;
  for (const row of rows) {
    if (row.masterKeyId === keyring.current.id) {
      alreadyCurrent++;
      continue;
    }
    const key = unwrapDataKey(keyring, row);
    if (await keys.rewrap(row, keyring.current.id, wrapDataKey(keyring, row.id, key), clock.now())) rewrapped++;
    else alreadyCurrent++;
  }
  return { rewrapped, alreadyCurrent };
}
