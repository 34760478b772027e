import 'reflect-metadata';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MikroORM } from '@mikro-orm/core';
import { LibSqlDriver } from '@mikro-orm/libsql';
import { defineEntity, p, Table, type RowOf } from '../../../src/platform/db/table';
import { StateMachine } from '../../../src/platform/db/state-machine';
import type { Em } from '../../../src/platform/db/orm';

const Widget = defineEntity({
  name: 'ScratchWidget',
  tableName: 'scratch_widget',
  properties: {
    id: p.string().length(40).primary(),
    tenantId: p.string().length(40),
    state: p.string().length(16).$type<'NEW' | 'DONE' | 'GONE'>(),
    amountTotal: p.integer(),
    at: p.bigint('number'),
    flag: p.boolean(),
    note: p.string().length(40).nullable(),
  },
});
type WidgetRow = RowOf<typeof Widget>;

async function scratch(): Promise<{ orm: MikroORM; em: Em; t: Table<WidgetRow> }> {
  const orm = await MikroORM.init({ driver: LibSqlDriver, dbName: ':memory:', entities: [Widget], allowGlobalContext: true });
  await orm.schema.createSchema();
  return { orm, em: orm.em.fork() as unknown as Em, t: new Table(Widget) };
}

const row = (id: string, over: Partial<WidgetRow> = {}): WidgetRow => ({
  id,
  tenantId: 'ten_1',
  state: 'NEW',
  amountTotal: 100,
  at: 1_764_000_000_000,
  flag: true,
  note: null,
  ...over,
});

test('A Table derives snake_case columns from the definition and round-trips a row with its types', async () => {
  const { orm, em, t } = await scratch();
  try {
    assert.deepEqual(
      t.columns.map((c) => c.column),
      ['id', 'tenant_id', 'state', 'amount_total', 'at', 'flag', 'note'],
    );
    await t.insert(em, row('w1'));
    assert.deepEqual(await t.selectOne(em, `${t.col('tenantId')} = ?`, ['ten_1']), row('w1'));
    assert.throws(() => t.col('nope' as never), /no property nope/);
  } finally {
    await orm.close();
  }
});

test('A guarded UPDATE changes the row only while its guard holds', async () => {
  const { orm, em, t } = await scratch();
  try {
    await t.insert(em, row('w1'));
    assert.equal(await t.update(em, { state: 'DONE' }, { id: 'w1', state: ['NEW'] }), 1);
    assert.equal(await t.update(em, { state: 'DONE' }, { id: 'w1', state: ['NEW'] }), 0);
    assert.equal((await t.findBy(em, { id: 'w1' }))[0].state, 'DONE');
  } finally {
    await orm.close();
  }
});

test('findBy, countBy and deleteBy take equalities, "one of" lists and null, and touch only matching rows', async () => {
  const { orm, em, t } = await scratch();
  try {
    await t.insert(em, row('w1'));
    await t.insert(em, row('w2', { state: 'DONE', note: 'x' }));
    await t.insert(em, row('w3', { tenantId: 'ten_2' }));
    assert.deepEqual(
      (await t.findBy(em, { id: ['w1', 'w3'] }, 'order by id')).map((r) => r.id),
      ['w1', 'w3'],
    );
    assert.deepEqual(await t.findBy(em, { id: [] }), [], 'an empty list matches nothing');
    assert.equal(await t.countBy(em, { tenantId: 'ten_1', note: null }), 1);
    assert.equal(await t.countBy(em, { state: ['NEW', 'DONE'] }), 3);
    assert.equal(await t.deleteBy(em, { tenantId: 'ten_1', state: 'DONE' }), 1);
    assert.deepEqual(
      (await t.select(em, '', [], 'order by id')).map((r) => r.id),
      ['w1', 'w3'],
    );
  } finally {
    await orm.close();
  }
});

test('A state machine answers applied, duplicate and conflict, and only the table decides what is legal', async () => {
  const { orm, em, t } = await scratch();
  try {
    const sm = new StateMachine(t, 'state', 'id', { NEW: ['DONE', 'GONE'], DONE: [], GONE: [] });
    await t.insert(em, row('w1'));
    let events = 0;
    const onApplied = async () => void events++;
    assert.equal((await sm.transition(em, { id: 'w1', to: 'DONE', onApplied })).result, 'applied');
    assert.equal((await sm.transition(em, { id: 'w1', to: 'DONE', onApplied })).result, 'duplicate');
    const c = await sm.transition(em, { id: 'w1', to: 'GONE', onApplied });
    assert.equal(c.result, 'conflict');
    assert.equal(events, 1);

    // The same move with GONE removed from NEW's list is refused: the table is the truth.
    const strict = new StateMachine(t, 'state', 'id', { NEW: ['DONE'], DONE: [], GONE: [] });
    await t.insert(em, row('w2'));
    assert.equal((await strict.transition(em, { id: 'w2', to: 'GONE' })).result, 'conflict');
    assert.equal((await t.findBy(em, { id: 'w2' }))[0].state, 'NEW');
  } finally {
    await orm.close();
  }
});
