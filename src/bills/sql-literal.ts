/**
 * SQL literals for bulk statements built as one string (bill staging: thousands of rows per INSERT,
 * where binding 13 parameters a row through the ORM costs more than the database's own work).
 * Only integers, null and strings; anything else is refused.
 */
export function sqlLiteral(v: string | number | null, sqlite: boolean): string {
  if (v === null) return 'null';
  if (typeof v === 'number') {
    if (!Number.isSafeInteger(v)) throw new Error(`not a safe integer for SQL: ${v}`);
    return String(v);
  }
  // SQLite has no backslash escapes: doubling the quote is the whole of it.
  if (sqlite) return `'${v.replaceAll("'", "''")}'`;
  // MariaDB/MySQL: a doubled quote means the same with or without NO_BACKSLASH_ESCAPES; a string with a
  // backslash or NUL (rare in bills) goes as a hex literal, whose meaning no sql_mode changes.
  if (/[\\\0]/.test(v)) return `X'${Buffer.from(v, 'utf8').toString('hex')}'`;
  return `'${v.replaceAll("'", "''")}'`;
}
