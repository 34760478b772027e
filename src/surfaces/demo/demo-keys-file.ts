import { appendFileSync, chmodSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * Appends one start's new demo tenant keys to `file` (mode 600) under a line naming the database
 * they belong to and when: starting against another database adds its keys, never overwrites the
 * SQLite demo's (the keys are stored hashed, so a lost one cannot be shown again).
 */
export function appendDemoKeys(file: string, databaseUrl: string, block: string, now = new Date()): void {
  mkdirSync(dirname(file), { recursive: true });
  const database = databaseUrl.replace(/\/\/[^@]*@/, '//***@'); // never a password in the file
  appendFileSync(file, `# ${now.toISOString()} ${database}\n${block}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
}
