import type { Orm } from '../common/db/orm';
import type { Clock } from '../common/clock';
import { DataKeySchema } from './data-key.entity';
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
export async function rotateMasterKey(orm: Orm, keyring: MasterKeyring, clock: Clock): Promise<RotationReport> {
  const em = orm.em.fork();
  const rows = await em.find(DataKeySchema, {}, { orderBy: { created_at: 'asc' } });
  let rewrapped = 0;
  let alreadyCurrent = 0;
  for (const row of rows) {
    if (row.master_key_id === keyring.current.id) {
      alreadyCurrent++;
      continue;
    }
    const key = unwrapDataKey(keyring, row);
    const changed = await em.nativeUpdate(
      DataKeySchema,
      { id: row.id, master_key_id: row.master_key_id, wrapped: row.wrapped },
      { master_key_id: keyring.current.id, wrapped: wrapDataKey(keyring, row.id, key), rewrapped_at: clock.now() },
    );
    if (changed === 1) rewrapped++;
    else alreadyCurrent++;
  }
  return { rewrapped, alreadyCurrent };
}
