import { UniqueConstraintViolationException } from '@mikro-orm/core';
import { BaseSqlitePlatform } from '@mikro-orm/knex';
import type { Em, Orm } from './orm';

/**
 * Raw SQL helpers for hot paths. MikroORM's unit of work costs ~10x a plain INSERT, so features
 * that write on every request use guarded statements through the entity manager's connection,
 * inside its transaction when there is one (em.execute picks up the transaction context).
 */

/** Runs a write and answers how many rows it changed (the guard of a guarded UPDATE). */
export async function run(em: Em, sql: string, params: unknown[] = []): Promise<number> {
  const res = (await em.execute(sql, params, 'run')) as { affectedRows?: number };
  return res.affectedRows ?? 0;
}

/** Runs a query and answers its rows. */
export async function rows<T>(em: Em, sql: string, params: unknown[] = []): Promise<T[]> {
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
