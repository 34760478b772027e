import { MikroORM } from '@mikro-orm/core';
import { randomBytes } from 'node:crypto';
import { ormOptions } from '../schema';

/** Runs `fn` with a connection to the MySQL server of `url` that is not bound to its database. */
export async function withServerConnection<T>(url: string, fn: (orm: MikroORM) => Promise<T>): Promise<T> {
  const u = new URL(url.replace(/^mariadb:/, 'mysql:'));
  u.pathname = '/mysql';
  const orm = await MikroORM.init({ ...ormOptions(u.toString()), entities: [], discovery: { warnWhenNoEntities: false } } as never);
  try {
    return await fn(orm);
  } finally {
    await orm.close(true);
  }
}

/** Creates a uniquely named database next to `url`'s and returns its URL and a function that drops it. */
export async function createScratchDatabase(url: string, prefix: string): Promise<{ url: string; name: string; drop(): Promise<void> }> {
  const name = `${prefix}_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  await withServerConnection(url, (orm) =>
    orm.em.getConnection().execute(`create database \`${name}\` character set utf8mb4 collate utf8mb4_unicode_ci`),
  );
  const u = new URL(url.replace(/^mariadb:/, 'mysql:'));
  u.pathname = `/${name}`;
  return {
    url: u.toString(),
    name,
    drop: () =>
      withServerConnection(url, (orm) => orm.em.getConnection().execute(`drop database if exists \`${name}\``)).then(() => undefined),
  };
}
