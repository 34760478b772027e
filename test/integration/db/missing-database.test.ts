import 'reflect-metadata';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { testDatabaseUrl } from '../../support/app';
import { openDatabase, dialectOf } from '../../../src/app/schema';
import { withServerConnection } from '../../../src/app/cli/server-database';

const url = testDatabaseUrl();

test(
  'When production starts against a MySQL database that does not exist, then it refuses, names the database, and creates nothing',
  { skip: dialectOf(url) !== 'mysql' && 'runs on MariaDB (CI)' },
  async () => {
    const name = `pp_missing_${randomBytes(4).toString('hex')}`;
    const u = new URL(url.replace(/^mariadb:/, 'mysql:'));
    u.pathname = `/${name}`;
    const exists = () =>
      withServerConnection(
        url,
        async (orm) =>
          (
            (await orm.em
              .getConnection()
              .execute('select schema_name from information_schema.schemata where schema_name = ?', [name])) as unknown[]
          ).length > 0,
      );
    try {
      await assert.rejects(openDatabase(u.toString(), { migrate: true, createDatabase: false }), (err: Error) => {
        assert.match(err.message, new RegExp(`database "${name}" does not exist on ${u.hostname}:`));
        assert.match(err.message, /CREATE DATABASE/);
        assert.match(err.message, /DB_NAME \/ DATABASE_URL/);
        return true;
      });
      assert.equal(await exists(), false, 'no database was created');
    } finally {
      await withServerConnection(url, (orm) => orm.em.getConnection().execute(`drop database if exists \`${name}\``));
    }
  },
);
