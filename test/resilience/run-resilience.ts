/**
 * `npm run test:resilience`: the resilience suite, apart from `npm test`. With DATABASE_URL=mysql://...
 * it creates its own uniquely named database (migrated) and drops it afterwards, as run-tests does;
 * runs every `*.resilience.js` file here one after the other; each prints its figures.
 */
import 'reflect-metadata';
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { openDatabase, dialectOf } from '../../src/app/schema';
import { createScratchDatabase } from '../../src/app/cli/server-database';

async function main(): Promise<number> {
  const files = readdirSync(__dirname)
    .filter((f) => f.endsWith('.resilience.js'))
    .sort()
    .map((f) => join(__dirname, f));
  // The fuzzer's answers are held to the document too (strict, as in `npm test`): besides never a 5xx and
  // nothing written, every answer must be one the document declares. PARTNERPAY_CONTRACT=report only lists them.
  const env: NodeJS.ProcessEnv = { ...process.env };
  let scratch: Awaited<ReturnType<typeof createScratchDatabase>> | undefined;
  if (process.env.DATABASE_URL && dialectOf(process.env.DATABASE_URL) === 'mysql') {
    scratch = await createScratchDatabase(process.env.DATABASE_URL, 'pp_resil');
    env.TEST_DATABASE_URL = scratch.url;
    const orm = await openDatabase(scratch.url, { migrate: true });
    await orm.close(true);
    console.log(`# database: MariaDB/MySQL ${new URL(scratch.url).host}/${scratch.name} (migrated)`);
  } else console.log('# database: SQLite in memory');
  console.log(`# redis: ${process.env.REDIS_URL ?? 'in-process stand-ins'}`);
  const code = await new Promise<number>((resolve) => {
    const child = spawn(process.execPath, ['--enable-source-maps', '--test', '--test-concurrency=1', '--test-reporter=spec', ...files], {
      env,
      stdio: 'inherit',
    });
    child.on('exit', (c) => resolve(c ?? 1));
  });
  await scratch?.drop();
  return code;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
