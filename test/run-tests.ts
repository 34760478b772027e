/**
 * `npm test`: with DATABASE_URL=mysql://..., creates a fresh uniquely named database, applies the
 * migrations once, runs every test file against it (files in parallel, each with its own data), and
 * drops only that database afterwards. Without it, each test app uses its own in-memory SQLite.
 */
import 'reflect-metadata';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { contractSummary } from './support/contract-summary';
import { contractIsStrict } from './support/contract';
import { openDatabase, dialectOf } from '../src/app/schema';
import { createScratchDatabase } from '../src/app/cli/server-database';

function testFiles(dir: string): string[] {
  if (statSync(dir).isFile()) return dir.endsWith('.test.js') ? [dir] : [];
  return readdirSync(dir).flatMap((f) => testFiles(join(dir, f)));
}

async function main(): Promise<number> {
  const dist = resolve(__dirname);
  const targets = process.argv.slice(2).map((a) => resolve(dist, '..', a.replace(/^test\//, 'test/')));
  // Everything: partnerpay's tests and each workspace package's own (packages/*/dist/test, built by tsc -b).
  const packages = join(dist, '..', '..', 'packages');
  const all = [
    dist,
    ...readdirSync(packages)
      .map((p) => join(packages, p, 'dist', 'test'))
      .filter((d) => existsSync(d)),
  ];
  const files = (targets.length ? targets : all).flatMap(testFiles).sort();
  const contractDir = mkdtempSync(join(tmpdir(), 'pp-contract-'));
  const env: NodeJS.ProcessEnv = { ...process.env, PARTNERPAY_CONTRACT_DIR: contractDir };
  const baseUrl = process.env.DATABASE_URL;
  let scratch: Awaited<ReturnType<typeof createScratchDatabase>> | undefined;
  if (baseUrl && dialectOf(baseUrl) === 'mysql') {
    scratch = await createScratchDatabase(baseUrl, 'pp_test');
    env.TEST_DATABASE_URL = scratch.url;
    const orm = await openDatabase(scratch.url, { migrate: true, log: () => undefined });
    await orm.close(true);
    console.log(`# database: MariaDB/MySQL ${new URL(scratch.url).host}/${scratch.name} (migrated)`);
  } else {
    console.log('# database: SQLite in memory, one per test app');
  }
  console.log(`# redis: ${process.env.REDIS_URL ? process.env.REDIS_URL : 'in-process stand-ins'}`);
  const code = await new Promise<number>((resolveCode) => {
    const child = spawn(process.execPath, ['--enable-source-maps', '--test', '--test-concurrency=4', '--test-reporter=spec', ...files], {
      env,
      stdio: 'inherit',
    });
    child.on('exit', (c) => resolveCode(c ?? 1));
  });
  await scratch?.drop();
  const summary = contractSummary(contractDir, { wholeSuite: targets.length === 0, strict: contractIsStrict() });
  console.log(summary.text);
  rmSync(contractDir, { recursive: true, force: true });
  return code === 0 && summary.failed ? 1 : code;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
