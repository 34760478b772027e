/**
 * `npm run keys:rotate`: re-wraps every data key under PARTNERPAY_MASTER_KEY. Run it with the new key
 * as PARTNERPAY_MASTER_KEY and the old one in PARTNERPAY_PREVIOUS_MASTER_KEYS, after the running
 * processes were restarted with that same pair; once it reports done, the old key can be dropped.
 */
import 'reflect-metadata';
import { loadConfig } from '../../platform/config/load-config';
import { openDatabase } from '../schema';
import { systemClock } from '../../platform/clock';
import { masterKeyring } from '../../platform/secrets/master-keys';
import { rotateMasterKey } from '../../platform/secrets/rotate';
import { Database } from '../../platform/db/database';
import { DataKeyRepository } from '../../platform/secrets/data-key.repository';

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const keyring = masterKeyring(config.security.masterKey, config.security.previousMasterKeys);
  const orm = await openDatabase(config.db.url, { migrate: config.db.migrateOnStart, createDatabase: config.profile !== 'production' });
  try {
    const r = await rotateMasterKey(new DataKeyRepository(new Database(orm)), keyring, systemClock);
    console.log(
      `keys:rotate: ${r.rewrapped} data key(s) re-wrapped under master key ${keyring.current.id}, ${r.alreadyCurrent} already current.`,
    );
    console.log('Every secret now opens with the current master key alone; PARTNERPAY_PREVIOUS_MASTER_KEYS can be emptied.');
  } finally {
    await orm.close(true);
  }
}

main().catch((err) => {
  console.error('keys:rotate failed:', err instanceof Error ? err.message : err);
  process.exit(1);
});
