import type { Orm } from '../../src/common/db/orm';

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

/**
 * Counts the SQL statements partnerpay sends (BEGIN/COMMIT included) by wrapping `_query` on its
 * knex client's prototype, the one funnel every MikroORM query goes through (transactions run on a
 * client made from the same prototype). `snapshot()` answers counts per statement shape.
 */
export function countStatements(orm: Orm): { total(): number; snapshot(): Map<string, number> } {
  type Client = { _query: (conn: unknown, obj: { sql: string }) => unknown };
  const client = Object.getPrototypeOf(orm.em.getConnection().getKnex().client) as Client;
  const orig = client._query;
  const counts = new Map<string, number>();
  let total = 0;
  client._query = function (this: unknown, conn: unknown, obj: { sql: string }) {
    total++;
    const key = shape(String(obj?.sql ?? ''));
    counts.set(key, (counts.get(key) ?? 0) + 1);
    return orig.call(this, conn, obj);
  };
  return { total: () => total, snapshot: () => new Map(counts) };
}

/** The difference of two snapshots, per item, largest first. */
export function perItem(before: Map<string, number>, after: Map<string, number>, items: number): Array<[string, number]> {
  return [...after]
    .map(([k, v]) => [k, (v - (before.get(k) ?? 0)) / items] as [string, number])
    .filter(([, v]) => v > 0)
    .sort((a, b) => b[1] - a[1]);
}
