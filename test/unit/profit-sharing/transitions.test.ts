import 'reflect-metadata';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SPLITS } from '../../../src/modules/profit-sharing/split.state';
import { RETURNS } from '../../../src/modules/profit-sharing/return.state';
import { FOLLOW_SCHEDULE } from '../../../src/modules/profit-sharing/profit-sharing.follower';
import { backoffMs } from '../../../src/platform/jobs/follow-up';

test('The split state machine: RESERVED -> PROCESSING -> FINISHED (or straight to FINISHED), FINISHED is final', () => {
  assert.deepEqual(
    (['RESERVED', 'PROCESSING', 'FINISHED'] as const).flatMap((from) =>
      (['RESERVED', 'PROCESSING', 'FINISHED'] as const).filter((to) => SPLITS.can(from, to)).map((to) => `${from}->${to}`),
    ),
    ['RESERVED->PROCESSING', 'RESERVED->FINISHED', 'PROCESSING->FINISHED'],
  );
  assert.deepEqual(SPLITS.sources('FINISHED'), ['RESERVED', 'PROCESSING']);
  assert.deepEqual(SPLITS.sources('RESERVED'), []);
});

test('The return state machine: SUCCESS and FAILED are final, neither turns into the other', () => {
  const states = ['RESERVED', 'PROCESSING', 'SUCCESS', 'FAILED'] as const;
  const moves = states.flatMap((from) => states.filter((to) => RETURNS.can(from, to)).map((to) => `${from}->${to}`));
  assert.deepEqual(moves, ['RESERVED->PROCESSING', 'RESERVED->SUCCESS', 'RESERVED->FAILED', 'PROCESSING->SUCCESS', 'PROCESSING->FAILED']);
});

test('The follower backs off from 15 s to at most 10 minutes', () => {
  assert.deepEqual(
    [0, 1, 2, 3, 5, 6, 30].map((n) => backoffMs(FOLLOW_SCHEDULE, n)),
    [15_000, 30_000, 60_000, 120_000, 480_000, 600_000, 600_000],
  );
});
