import 'reflect-metadata';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MikroORM } from '@mikro-orm/core';
import { LibSqlDriver } from '@mikro-orm/libsql';
import { APPLYMENT, ApplymentEntity, type ApplymentRow } from '../../../src/modules/onboarding/applyment.entity';
import {
  APPLYMENT_STATES,
  APPLYMENT_TRANSITIONS,
  applymentStates,
  FINAL_STATES,
  type ApplymentState,
} from '../../../src/modules/onboarding/applyment.state';
import type { Em } from '../../../src/platform/db/orm';

const row = (id: string, state: string): ApplymentRow => ({
  id,
  spMchid: '1900000100',
  businessCode: id,
  applymentId: null,
  state,
  stateDesc: null,
  auditDetail: null,
  signUrl: null,
  subMchid: null,
  tenantId: null,
  subjectType: 'SUBJECT_TYPE_INDIVIDUAL',
  merchantName: 'shop',
  legalPersonSealed: null,
  applicationSealed: null,
  applicationMasked: { a: 1 },
  tenantTemplate: { name: 'x' },
  lastError: null,
  nextPollAt: 1,
  pollCount: 0,
  leaseUntil: null,
  leaseOwner: null,
  finalAt: null,
  purgedAt: null,
  createdAt: 1,
  updatedAt: 1,
});

test('The applyment transition table is the truth: every documented move and no other is applied by the guarded UPDATE', async () => {
  const orm = await MikroORM.init({ driver: LibSqlDriver, dbName: ':memory:', entities: [ApplymentEntity], allowGlobalContext: true });
  try {
    await orm.schema.createSchema();
    const em = orm.em.fork() as unknown as Em;
    let n = 0;
    for (const from of APPLYMENT_STATES)
      for (const to of APPLYMENT_STATES) {
        if (from === to) continue;
        const id = `a${n++}`;
        await APPLYMENT.insert(em, row(id, from));
        const out = await applymentStates.transition(em, { id, to });
        const allowed = APPLYMENT_TRANSITIONS[from].includes(to);
        assert.equal(out.result, allowed ? 'applied' : 'conflict', `${from} -> ${to}`);
        assert.equal((await APPLYMENT.findBy(em, { id }))[0].state, allowed ? to : from);
      }
    // JSON columns round-trip through the table.
    assert.deepEqual((await APPLYMENT.findBy(em, { id: 'a0' }))[0].applicationMasked, { a: 1 });
  } finally {
    await orm.close();
  }
});

test('Final states are terminal, review only moves forward, and a rejected or editable applyment goes back through SUBMITTING', () => {
  for (const f of FINAL_STATES) assert.deepEqual(APPLYMENT_TRANSITIONS[f as ApplymentState], []);
  assert.ok(applymentStates.can('APPLYMENT_STATE_REJECTED', 'SUBMITTING'));
  assert.ok(applymentStates.can('APPLYMENT_STATE_EDITTING', 'SUBMITTING'));
  assert.ok(!applymentStates.can('APPLYMENT_STATE_AUDITING', 'SUBMITTING'));
  assert.ok(!applymentStates.can('APPLYMENT_STATE_SIGNING', 'APPLYMENT_STATE_AUDITING'));
  assert.ok(applymentStates.can('APPLYMENT_STATE_AUDITING', 'APPLYMENT_STATE_FINISHED'), 'polling may skip states');
});
