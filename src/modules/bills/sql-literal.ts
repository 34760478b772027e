const SPECIAL = /['\\\0]/;

/**
 * SQL literals for bulk statements built as one string (bill staging: thousands of rows per INSERT,
 * where binding 13 parameters a row costs more than the database's own work). Only safe integers,
 * null and strings; anything else is refused.
 */
export function sqlLiteral(v: string | number | null, sqlite: boolean): string {
  if (v === null) return 'null';
  if (typeof v === 'number') {
    if (!Number.isSafeInteger(v)) throw new Error(`not a safe integer for SQL: ${v}`);
    return String(v);
  }
  // Most bill fields hold none of the three characters that need care: one test, then as is.
  if (!SPECIAL.test(v)) return `'${v}'`;
  const hex = Buffer.from(v, 'utf8').toString('hex');
  // SQLite has no backslash escapes, so doubling the quote is enough; a NUL would end the statement
  // text, so such a string goes as bytes cast back to text.
  if (sqlite) return v.includes('\0') ? `cast(X'${hex}' as text)` : `'${v.replaceAll("'", "''")}'`;
  // MariaDB/MySQL: a doubled quote means the same with or without NO_BACKSLASH_ESCAPES; a string with a
  // backslash or NUL (rare in bills) goes as a hex literal, whose meaning no sql_mode changes.
  if (/[\\\0]/.test(v)) return `X'${hex}'`;
  return `'${v.replaceAll("'", "''")}'`;
}
