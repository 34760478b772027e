/**
 * What the database holds: the entity list, built here from the platform's and each module's own
 * list (AppModule.entities), and the committed migrations. Nothing registers a table on import, so
 * the ORM sees the same tables whatever was imported first.
 */
import { openDatabase as openWith, ormOptions as optionsWith, type DatabaseSchema, type Orm, type OrmOptions } from '../platform/db/orm';
import { MODULES } from './modules';
import { MIGRATIONS } from './migrations';

export { dialectOf, type Em, type Orm } from '../platform/db/orm';

export const SCHEMA: DatabaseSchema = {
  entities: MODULES.flatMap((m) => m.entities ?? []),
  migrations: MIGRATIONS,
  migrationsPath: 'src/app/migrations',
};

/** Connects to DATABASE_URL with partnerpay's schema and brings it up to date (see platform/db/orm.ts). */
export function openDatabase(url: string, opts: Omit<OrmOptions, 'schema'> & { migrate?: boolean } = {}): Promise<Orm> {
  return openWith(url, { ...opts, schema: SCHEMA });
}

/** MikroORM options for DATABASE_URL with partnerpay's schema (the migration CLI). */
export function ormOptions(url: string, opts: Omit<OrmOptions, 'schema'> = {}): ReturnType<typeof optionsWith> {
  return optionsWith(url, { ...opts, schema: SCHEMA });
}
