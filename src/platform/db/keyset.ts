import type { Table } from './table';

/** Where a keyset page starts: rows sorted by (sort key desc, id desc) strictly after this position. */
export interface KeysetPosition {
  n: number;
  id: string;
}

/**
 * Keyset paging, written once: the SQL of a page of `table` newest first over (`sortKey` desc, `id`
 * desc). `where` (undefined on the first page) goes with the list's own filters; `tail` orders and
 * limits. Reading `limit + 1` rows tells whether there is a next page (see keysetPage in
 * platform/http/paging.ts for the cursor).
 */
export function keyset<T extends { id: string }>(
  table: Table<T>,
  sortKey: keyof T & string,
  after: KeysetPosition | undefined,
  limit: number,
): { where?: { sql: string; params: unknown[] }; tail: string } {
  const k = table.col(sortKey);
  const id = table.col('id' as keyof T & string);
  return {
    where: after ? { sql: `(${k} < ? or (${k} = ? and ${id} < ?))`, params: [after.n, after.n, after.id] } : undefined,
    tail: `order by ${k} desc, ${id} desc limit ${Number(limit)}`,
  };
}
