/**
 * `npm test`: with DATABASE_URL=mysql://..., creates a fresh uniquely named database, applies the
 * migrations once, runs every test file against it (files in parallel, each with its own data), and
 * drops only that database afterwards. Without it, each test app uses its own in-memory SQLite.
 */
import 'reflect-metadata';
import { spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { MikroORM } from '@mikro-orm/core';
import { openDatabase, ormOptions, dialectOf } from '../src/common/db/orm';

function testFiles(dir: string): string[] {
  if (statSync(dir).isFile()) return dir.endsWith('.test.js') ? [dir] : [];
  return readdirSync(dir).flatMap((f) => testFiles(join(dir, f)));
}

async function withServerConnection<T>(url: string, fn: (orm: MikroORM) => Promise<T>): Promise<T> {
  const u = new URL(url.replace(/^mariadb:/, 'mysql:'));
  u.pathname = '/mysql';
  const orm = await MikroORM.init({ ...ormOptions(u.toString()), entities: [], discovery: { warnWhenNoEntities: false } } as never);
  try {
    return await fn(orm);
  } finally {
    await orm.close(true);
  }
}

async function main(): Promise<number> {
  const dist = resolve(__dirname);
  const targets = process.argv.slice(2).map((a) => resolve(dist, '..', a.replace(/^test\//, 'test/')));
  const files = (targets.length ? targets : [dist]).flatMap(testFiles).sort();
  const env: NodeJS.ProcessEnv = { ...process.env };
  const baseUrl = process.env.DATABASE_URL;
  let dropName: string | undefined;
  if (baseUrl && dialectOf(baseUrl) === 'mysql') {
    const name = `pp_test_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
    await withServerConnection(baseUrl, (orm) => orm.em.getConnection().execute(`create database \`${name}\` character set utf8mb4 collate utf8mb4_unicode_ci`));
    dropName = name;
    const u = new URL(baseUrl.replace(/^mariadb:/, 'mysql:'));
    u.pathname = `/${name}`;
    env.TEST_DATABASE_URL = u.toString();
    const orm = await openDatabase(env.TEST_DATABASE_URL, { migrate: true });
    await orm.close(true);
    console.log(`# database: MariaDB/MySQL ${u.host}/${name} (migrated)`);
  } else {
    console.log('# database: SQLite in memory, one per test app');
  }
  console.log(`# redis: ${process.env.REDIS_URL ? process.env.REDIS_URL : 'in-process stand-ins'}`);
  const code = await new Promise<number>((resolveCode) => {
    const child = spawn(process.execPath, ['--enable-source-maps', '--test', '--test-concurrency=4', '--test-reporter=spec', ...files], { env, stdio: 'inherit' });
    child.on('exit', (c) => resolveCode(c ?? 1));
  });
  if (dropName && baseUrl) await withServerConnection(baseUrl, (orm) => orm.em.getConnection().execute(`drop database if exists \`${dropName}\``));
  return code;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
