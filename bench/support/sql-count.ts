import type { Orm } from '../../src/platform/db/orm';
import { observeDirectStatements } from '../../src/platform/db/sql';

/** The statement's shape: literals replaced by `?` (MikroORM inlines the parameters before knex sees them). */
function shape(sql: string): string {
  // Only the head is kept: a bulk statement of a megabyte would cost more to shape than to run.
  return sql
    .slice(0, 2000)
    .replace(/'(?:[^'\\]|\\.|'')*'/g, '?')
    .replace(/\b\d+\b/g, '?')
    .replace(/\s+/g, ' ')
    .slice(0, 110);
}

/** Counts of one counted pass. */
export interface SqlCounts {
  statements: number;
  /** COMMITs plus writes in autocommit. */
  commits: number;
  /** Per statement shape, per item, largest first. */
  shapes: Array<[string, number]>;
}

/**
 * Counts the SQL statements partnerpay sends (BEGIN/COMMIT included) by wrapping `_query` on its
 * knex client's prototype, the one funnel every MikroORM query goes through (transactions run on a
 * client made from the same prototype), plus the direct mysql2 path's observer. The wrapper costs ~20 µs per operation, so it is installed
 * only for `count`'s pass and removed afterwards: the measured windows run unwrapped.
 */
export async function countStatements(orm: Orm, items: number, pass: () => Promise<void>): Promise<SqlCounts> {
  type Client = { _query: (conn: unknown, obj: { sql: string }) => unknown };
  const client = Object.getPrototypeOf(orm.em.getConnection().getKnex().client) as Client;
  const had = Object.prototype.hasOwnProperty.call(client, '_query');
  const orig = client._query;
  const counts = new Map<string, number>();
  // A commit is a COMMIT, or a write outside a transaction (autocommit): what makes the database sync.
  const inTx = new WeakSet<object>();
  let commits = 0;
  const count = (conn: unknown, sql: string) => {
    const key = shape(sql);
    counts.set(key, (counts.get(key) ?? 0) + 1);
    const c = conn as object;
    if (/^(begin|start transaction)\b/i.test(key)) inTx.add(c);
    else if (/^(commit|rollback)\b/i.test(key)) {
      inTx.delete(c);
      if (/^commit/i.test(key)) commits++;
    } else if (/^(insert|update|delete|replace)\b/i.test(key) && !inTx.has(c)) commits++;
  };
  client._query = function (this: unknown, conn: unknown, obj: { sql: string }) {
    count(conn, String(obj?.sql ?? ''));
    return orig.call(this, conn, obj);
  };
  // The hot statements on MySQL skip knex (src/platform/db/sql.ts): they are counted where they go out.
  observeDirectStatements(count);
  try {
    await pass();
  } finally {
    observeDirectStatements(undefined);
    if (had) client._query = orig;
    else delete (client as Partial<Client>)._query;
  }
  let statements = 0;
  for (const v of counts.values()) statements += v;
  return {
    statements: statements / items,
    commits: commits / items,
    shapes: [...counts].map(([k, v]) => [k, v / items] as [string, number]).sort((a, b) => b[1] - a[1]),
  };
}
