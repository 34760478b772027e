/**
 * `npm run migrate`: applies the committed migrations to DATABASE_URL (MySQL/MariaDB), or syncs the
 * SQLite schema. The app does the same at start-up when db.migrateOnStart is set.
 */
import 'reflect-metadata';
import { loadConfig } from '../../platform/config/load-config';
import { openDatabase, dialectOf } from '../schema';

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const orm = await openDatabase(config.db.url, { migrate: true, createDatabase: config.profile !== 'production' });
  const applied =
    dialectOf(config.db.url) === 'mysql'
      ? (await orm.getMigrator().getExecutedMigrations()).map((m) => m.name)
      : ['(sqlite schema synced from entities)'];
  console.log(`database up to date: ${applied.join(', ') || '(no migrations)'}`);
  await orm.close(true);
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
