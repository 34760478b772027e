import 'reflect-metadata';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MikroORM } from '@mikro-orm/core';
import { LibSqlDriver } from '@mikro-orm/libsql';
import { deferAppends, defineEntity, flushAppends, p, Table } from '../../../src/platform/db/table';
import { GroupCommit } from '../../../src/platform/db/group-commit';
import type { Em } from '../../../src/platform/db/orm';

const Counter = defineEntity({
  name: 'ScratchCounter',
  tableName: 'scratch_counter',
  properties: { id: p.string().length(40).primary(), n: p.integer() },
});

test('Concurrent units of work share one transaction; a failing one rolls back alone and never leaks into the others', async () => {
  const orm = await MikroORM.init({ driver: LibSqlDriver, dbName: ':memory:', entities: [Counter], allowGlobalContext: true });
  try {
    await orm.schema.createSchema();
    const t = new Table(Counter);
    const em0 = orm.em.fork() as unknown as Em;
    for (let i = 0; i < 10; i++) await t.insert(em0, { id: `c${i}`, n: 0 });
    let transactions = 0;
    const g = new GroupCommit((fn) => (transactions++, orm.em.fork().transactional((em) => fn(em as unknown as Em))));
    const bump = (id: string) => (em: Em) => t.update(em, { n: 1 }, { id, n: 0 });

    const answers = await Promise.all(Array.from({ length: 10 }, (_, i) => g.run(bump(`c${i}`))));
    assert.deepEqual(answers, Array(10).fill(1), 'each member gets its own answer');
    assert.equal(transactions, 1, 'ten members, one transaction');

    transactions = 0;
    await t.update(em0, { n: 0 }, {});
    const boom = g.run(async (em) => {
      await t.update(em, { n: 7 }, { id: 'c3' });
      throw new Error('boom');
    });
    const others = Array.from({ length: 5 }, (_, i) => g.run(bump(`c${i + 5}`)));
    await assert.rejects(boom, /boom/);
    assert.deepEqual(await Promise.all(others), Array(5).fill(1), 'the others succeed, each exactly once');
    assert.equal(transactions, 1 + 6, 'the failed group, then each member alone');
    const rows = await t.select(em0, '', [], 'order by id');
    assert.deepEqual(
      rows.map((r) => r.n),
      [0, 0, 0, 0, 0, 1, 1, 1, 1, 1],
      'the failing member left nothing; every other member applied once',
    );
  } finally {
    await orm.close();
  }
});

test("A group's appends go out as one INSERT per table before its commit; a failed group leaves none of them", async () => {
  const orm = await MikroORM.init({ driver: LibSqlDriver, dbName: ':memory:', entities: [Counter], allowGlobalContext: true });
  try {
    await orm.schema.createSchema();
    const t = new Table(Counter);
    const em0 = orm.em.fork() as unknown as Em;
    const inserts: string[] = [];
    const tx = <T>(fn: (em: Em) => Promise<T>) =>
      orm.em.fork().transactional(async (em) => {
        deferAppends(em as unknown as Em);
        const out = await fn(em as unknown as Em);
        await flushAppends(em as unknown as Em);
        return out;
      });
    const knex = (orm.em.getConnection() as unknown as { getKnex(): { on(e: string, cb: (q: { sql: string }) => void): void } }).getKnex();
    knex.on('query', (q) => {
      if (/^insert/i.test(q.sql)) inserts.push(q.sql);
    });
    const g = new GroupCommit(tx);
    await Promise.all(Array.from({ length: 5 }, (_, i) => g.run((em) => t.append(em, { id: `a${i}`, n: i }))));
    assert.equal(inserts.length, 1, 'five appends, one INSERT');
    assert.deepEqual(
      (await t.select(em0, '', [], 'order by id')).map((r) => r.n),
      [0, 1, 2, 3, 4],
    );

    // Outside a deferring transaction, append writes at once.
    await t.append(em0, { id: 'b0', n: 9 });
    assert.equal(inserts.length, 2);

    const boom = g.run(async (em) => {
      await t.append(em, { id: 'x0', n: 0 });
      throw new Error('boom');
    });
    const fine = g.run((em) => t.append(em, { id: 'y0', n: 0 }));
    await assert.rejects(boom, /boom/);
    await fine;
    const ids = (await t.select(em0, '', [], 'order by id')).map((r) => r.id);
    assert.ok(!ids.includes('x0'), 'the failed member appended nothing');
    assert.ok(ids.includes('y0'), 'the other member, re-run alone, appended its row once');
  } finally {
    await orm.close();
  }
});
