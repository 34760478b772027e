import { z } from 'zod';
import { AppError } from '../errors/errors';
import { stringIssue } from './input-guard';

/** `?limit=&cursor=` of every list (limit 1-100, default 20). */
export const pageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().max(200).optional(),
});

/** A list answer: `{data, next_cursor}`. */
export interface Page<T> {
  data: T[];
  next_cursor: string | null;
}

/** An opaque cursor over a (number, string) sort key: encodeCursor(5, "ten_x") → "NTp0ZW5feA". */
export function encodeCursor(n: number, id: string): string {
  return Buffer.from(`${n}:${id}`, 'utf8').toString('base64url');
}

/** Reads encodeCursor's output or throws 400 naming `cursor`. */
export function decodeCursor(cursor: string): { n: number; id: string } {
  const s = Buffer.from(cursor, 'base64url').toString('utf8');
  const i = s.indexOf(':');
  const n = Number(s.slice(0, i));
  if (i < 1 || !Number.isSafeInteger(n) || stringIssue(s) !== undefined)
    throw AppError.invalid([{ field: 'cursor', issue: 'is not a cursor this API issued' }]);
  return { n, id: s.slice(i + 1) };
}

/**
 * Paged query over rows sorted by (`sortKey` desc, `id` desc): `after` is the cursor's position (the
 * repository reads the rows after it, `limit + 1` of them), `page` turns those rows into a Page.
 */
export function keysetPage<R extends { id: string }>(sortKey: keyof R & string, cursor: string | undefined) {
  const after = cursor ? decodeCursor(cursor) : undefined;
  return {
    after: after ? { sortKey: after.n, id: after.id } : undefined,
    page<T>(rows: R[], limit: number, map: (r: R) => T): Page<T> {
      const more = rows.length > limit;
      const data = rows.slice(0, limit);
      const last = data[data.length - 1];
      return { data: data.map(map), next_cursor: more && last ? encodeCursor(Number(last[sortKey]), String(last.id)) : null };
    },
  };
}

/** Where a keyset page starts: rows sorted by (sortKey desc, id desc) strictly after this position. */
export interface KeysetAfter {
  sortKey: number;
  id: string;
}
