import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { MikroORM, ReflectMetadataProvider, type Options, type EntitySchema, type MigrationObject } from '@mikro-orm/core';
import { PartnerpayMySqlDriver } from './mysql-driver';
import { LibSqlDriver } from '@mikro-orm/libsql';
import { Migrator } from '@mikro-orm/migrations';
import type { SqlEntityManager, AbstractSqlDriver } from '@mikro-orm/knex';

export type Orm = MikroORM<AbstractSqlDriver>;
export type Em = SqlEntityManager;
export type Dialect = 'mysql' | 'sqlite';

/** `mysql://` / `mariadb://` → mysql; `sqlite:<path>` → sqlite. */
export function dialectOf(url: string): Dialect {
  return url.startsWith('sqlite:') ? 'sqlite' : 'mysql';
}

/** Where MikroORM's own lines go (the migrator's "Processing ..."): the app passes its logger; the default is stderr, plain. */
export type OrmLog = (message: string) => void;
const stderrLog: OrmLog = (m) => process.stderr.write(`${m}\n`);
/** knex warns on every MySQL migration that DDL commits implicitly: known and harmless here (each migration is re-runnable DDL). */
const IMPLICIT_COMMIT = /implicitly committed/;

/**
 * What the ORM is told about the application: every table definition and the committed MySQL
 * migrations. The composition root (src/app/schema.ts) builds it from the platform's and each
 * module's own lists; nothing registers itself on import.
 */
export interface DatabaseSchema {
  entities: readonly EntitySchema[];
  migrations: readonly MigrationObject[];
  /** Where `migration:create` writes new migrations (relative to the project root). */
  migrationsPath: string;
}

export interface OrmOptions {
  schema: DatabaseSchema;
  /**
   * Whether a missing MySQL database may be created (demo and tests). Production refuses: a
   * mistyped DB_NAME must not start an empty partnerpay. Default true.
   */
  createDatabase?: boolean;
  poolMax?: number;
  debug?: boolean;
  log?: OrmLog;
}

/** MikroORM options for a DATABASE_URL (shared by the app, the migration CLI and tests). */
export function ormOptions(url: string, opts: OrmOptions): Options<AbstractSqlDriver> {
  const log = opts.log ?? stderrLog;
  const common = {
    entities: [...opts.schema.entities],
    // Plain text (no ANSI colours) into our log, and knex's DDL-in-transaction warning silenced.
    colors: false,
    logger: log,
    driverOptions: {
      log: {
        warn: (m: string) => IMPLICIT_COMMIT.test(String(m)) || log(`[knex] ${String(m)}`),
        error: (m: string) => log(`[knex] ${String(m)}`),
        deprecate: (m: string) => log(`[knex] ${String(m)}`),
        debug: () => undefined,
      },
    },
    metadataProvider: ReflectMetadataProvider,
    discovery: { warnWhenNoEntities: false },
    debug: opts.debug ?? false,
    allowGlobalContext: false,
    forceUtcTimezone: true,
    extensions: [Migrator],
    migrations: {
      migrationsList: [...opts.schema.migrations],
      transactional: true,
      allOrNothing: true,
      tableName: 'mikro_orm_migrations',
      snapshot: false,
      path: opts.schema.migrationsPath,
      emit: 'ts' as const,
    },
  };
  if (dialectOf(url) === 'sqlite') {
    const path = url.slice('sqlite:'.length);
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    return { ...common, driver: LibSqlDriver, dbName: path } as Options<AbstractSqlDriver>;
  }
  return {
    ...common,
    driver: PartnerpayMySqlDriver,
    clientUrl: url.replace(/^mariadb:/, 'mysql:'),
    pool: { min: 0, max: opts.poolMax ?? 10 },
    // utf8mb4 so descriptions with any character round-trip; timezone pinned so DATETIMEs are UTC.
    ensureDatabase: opts.createDatabase !== false,
    charset: 'utf8mb4',
    timezone: '+00:00',
  } as Options<AbstractSqlDriver>;
}

/**
 * Connects and brings the schema up to date: MySQL applies the committed migrations (when
 * `migrate`), SQLite syncs its schema from the entities (it is the embedded demo/test store).
 */
export async function openDatabase(url: string, opts: OrmOptions & { migrate?: boolean }): Promise<Orm> {
  const orm = (await MikroORM.init(ormOptions(url, opts))) as Orm;
  if (dialectOf(url) === 'mysql' && opts.createDatabase === false) await assertDatabaseExists(orm, url);
  if (dialectOf(url) === 'sqlite') {
    // A file database journals in WAL mode: a commit appends to the log and syncs it once, instead of
    // creating, syncing and deleting a rollback journal per write (measured in bench/README.md).
    // synchronous stays FULL, so a commit is just as durable; the setting is kept in the file.
    if (url.slice('sqlite:'.length) !== ':memory:') await orm.em.getConnection().execute('pragma journal_mode = wal');
    await orm.schema.updateSchema();
  } else if (opts.migrate !== false) await orm.getMigrator().up();
  return orm;
}

/** MySQL's "Unknown database". */
const ER_BAD_DB_ERROR = 1049;

/**
 * Throws, naming the database and the server, when `url`'s database does not exist (before the
 * migrator could create it: it always would). Other connection failures surface later as they are.
 */
async function assertDatabaseExists(orm: Orm, url: string): Promise<void> {
  const check = await orm.em.getConnection().checkConnection();
  if (check.ok || (check.error as { errno?: number } | undefined)?.errno !== ER_BAD_DB_ERROR) return;
  await orm.close(true);
  const u = new URL(url.replace(/^mariadb:/, 'mysql:'));
  const name = decodeURIComponent(u.pathname.slice(1));
  throw new Error(
    `database "${name}" does not exist on ${u.hostname}:${u.port || '3306'}; partnerpay creates a missing database only ` +
      `in the demo and tests. Create it (CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci) ` +
      'or correct DB_NAME / DATABASE_URL',
  );
}
