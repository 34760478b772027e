/**
 * One CSV cell that a spreadsheet reads as the text it is. A value starting with `=`, `+`, `-`, `@`,
 * a tab or a carriage return is taken by Excel and LibreOffice as a formula (CSV injection, OWASP):
 * it gets a leading apostrophe. A value holding a comma, a quote or a line break is quoted (RFC 4180).
 */
export function csvCell(value: string): string {
  const text = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** A CSV line of cells (see csvCell), without its line end. */
export function csvLine(values: string[]): string {
  return values.map(csvCell).join(',');
}
