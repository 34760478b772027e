import { createScratchDatabase } from '../../src/app/cli/server-database';
import { dialectOf, openDatabase } from '../../src/app/schema';
import { testDatabaseUrl } from './app';

/**
 * A database of this test file's own: an in-memory SQLite, or (when the run uses MariaDB) a scratch
 * database on the run's server with the schema the entities describe, dropped by `drop()`.
 * For tests whose background jobs scan whole tables (the event dispatcher): in the run's shared
 * database they would claim other files' rows.
 */
export async function isolatedDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const shared = testDatabaseUrl();
  if (dialectOf(shared) !== 'mysql') return { url: shared, drop: async () => undefined };
  const scratch = await createScratchDatabase(shared, 'pp_iso');
  const orm = await openDatabase(scratch.url, { migrate: false });
  try {
    await orm.schema.createSchema();
  } finally {
    await orm.close(true);
  }
  return { url: scratch.url, drop: () => scratch.drop() };
}
