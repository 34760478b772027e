import 'reflect-metadata';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openDatabase, dialectOf } from '../../../src/app/schema';
import { testDatabaseUrl } from '../../support/app';

const url = testDatabaseUrl();

// On SQLite the schema is derived from the entities, so there is nothing to compare.
test(
  'the committed MySQL migrations produce exactly the schema the entities describe',
  { skip: dialectOf(url) !== 'mysql' && 'runs on MariaDB (CI)' },
  async () => {
    const orm = await openDatabase(url, { migrate: false });
    try {
      const diff = await orm.schema.getUpdateSchemaSQL({ wrap: false, safe: false, dropTables: true });
      assert.equal(diff.trim(), '', `entities changed without a migration; run npm run migration:create. Pending SQL:\n${diff}`);
    } finally {
      await orm.close(true);
    }
  },
);
