import { UniqueConstraintViolationException } from '@mikro-orm/core';
import { BaseSqlitePlatform } from '@mikro-orm/knex';
import type { Em, Orm } from './orm';

/**
 * Raw SQL helpers for hot paths. MikroORM's unit of work costs ~10x a plain INSERT, so modules
 * that write on every request use guarded statements through the entity manager's connection,
 * inside its transaction when there is one.
 *
 * On MySQL/MariaDB a statement goes straight to the mysql2 connection of the ORM's own pool (or of
 * the em's transaction): MikroORM's and knex's query path (inlining the parameters, building a knex
 * raw, logging, result mapping) cost ~80-100 us a statement here, about as much as mysql2 itself.
 * The pool, the transactions (BEGIN/COMMIT through em.transactional) and the error types
 * (convertException) stay MikroORM's. SQLite keeps em.execute (libsql runs in-process; little to save).
 */

interface MysqlConnection {
  query(opts: { sql: string; values: unknown[] }, cb: (err: Error | null, res: unknown) => void): void;
}
interface KnexClient {
  acquireConnection(): Promise<MysqlConnection>;
  releaseConnection(c: MysqlConnection): Promise<void>;
}

/** Told of each statement that bypasses knex (the bench counts statements with it); undefined in production. */
let statementObserver: ((connection: object, sql: string) => void) | undefined;

/** Installs (or with undefined removes) the statement observer of the direct MySQL path. */
export function observeDirectStatements(fn: ((connection: object, sql: string) => void) | undefined): void {
  statementObserver = fn;
}

const direct = new WeakMap<object, boolean>();

/** True when `em`'s statements take the direct mysql2 path (MySQL/MariaDB). */
function isDirect(em: Em): boolean {
  const config = em.config as object;
  let d = direct.get(config);
  if (d === undefined) direct.set(config, (d = !isSqlite(em)));
  return d;
}

/** One statement on the em's transaction connection, or on a connection of the ORM's pool (autocommit). */
async function execDirect(em: Em, sql: string, params: unknown[]): Promise<unknown> {
  const trx = em.getTransactionContext<{ client: KnexClient }>();
  const client = (trx ?? em.getConnection().getKnex()).client as unknown as KnexClient;
  const conn = await client.acquireConnection();
  try {
    statementObserver?.(conn, sql);
    return await new Promise((resolve, reject) =>
      conn.query({ sql, values: params }, (err, res) => (err ? reject(em.getDriver().convertException(err)) : resolve(res))),
    );
  } finally {
    // A transaction's connection stays with it (its releaseConnection is a no-op anyway).
    if (!trx) await client.releaseConnection(conn);
  }
}

/** Runs a write and answers how many rows it changed (the guard of a guarded UPDATE). */
export async function run(em: Em, sql: string, params: unknown[] = []): Promise<number> {
  if (isDirect(em)) return ((await execDirect(em, sql, params)) as { affectedRows?: number }).affectedRows ?? 0;
  const res = (await em.execute(sql, params, 'run')) as { affectedRows?: number };
  return res.affectedRows ?? 0;
}

/** Runs a query and answers its rows. */
export async function rows<T>(em: Em, sql: string, params: unknown[] = []): Promise<T[]> {
  if (isDirect(em)) return (await execDirect(em, sql, params)) as T[];
  return (await em.execute(sql, params, 'all')) as T[];
}

/** Runs a query and answers its first row, or undefined. */
export async function row<T>(em: Em, sql: string, params: unknown[] = []): Promise<T | undefined> {
  return (await rows<T>(em, sql, params))[0];
}

/** A fresh entity manager for reads outside any transaction. */
export function reader(orm: Orm): Em {
  return orm.em.fork() as Em;
}

/** True when `err` is a duplicate-key violation (MySQL ER_DUP_ENTRY or SQLite UNIQUE). */
export function isUniqueViolation(err: unknown): boolean {
  if (err instanceof UniqueConstraintViolationException) return true;
  const e = err as { code?: string; errno?: number; message?: string };
  return e?.code === 'ER_DUP_ENTRY' || e?.errno === 1062 || /UNIQUE constraint failed/.test(e?.message ?? '');
}

/** `FOR UPDATE` on MySQL; SQLite serialises writers, so its transactions need no row lock. */
export function forUpdate(em: Em): string {
  return isSqlite(em) ? '' : ' for update';
}

/** True on the embedded SQLite store (libsql), whose SQL lacks row locks and SKIP LOCKED. */
export function isSqlite(em: Em): boolean {
  return em.getPlatform() instanceof BaseSqlitePlatform;
}
