import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ReadBatch } from '../../../src/platform/db/read-batch';

type Row = { k: string; v: number };

test('Lookups of one event-loop turn share one read; each gets its own row, or undefined', async () => {
  const loads: string[][] = [];
  const b = new ReadBatch<string, Row>(
    async (keys) => (loads.push(keys), keys.filter((k) => k !== 'missing').map((k) => ({ k, v: k.length }))),
    (key, row) => row.k === key,
  );
  const answers = await Promise.all(['a', 'bb', 'missing', 'ccc'].map((k) => b.get(k)));
  assert.deepEqual(answers, [{ k: 'a', v: 1 }, { k: 'bb', v: 2 }, undefined, { k: 'ccc', v: 3 }]);
  assert.equal(loads.length, 1, 'four lookups, one read');
  assert.equal((await b.get('a'))?.v, 1);
  assert.equal(loads.length, 2, 'a later turn reads again');
});

test('When the shared read fails, each key is read alone: one failing key never fails the others', async () => {
  let reads = 0;
  const b = new ReadBatch<string, Row>(
    async (keys) => {
      reads++;
      if (keys.includes('bad')) throw new Error('boom');
      return keys.map((k) => ({ k, v: 1 }));
    },
    (key, row) => row.k === key,
  );
  const [good, bad, other] = await Promise.allSettled(['good', 'bad', 'other'].map((k) => b.get(k)));
  assert.deepEqual(good, { status: 'fulfilled', value: { k: 'good', v: 1 } });
  assert.equal(bad.status, 'rejected');
  assert.deepEqual(other, { status: 'fulfilled', value: { k: 'other', v: 1 } });
  assert.equal(reads, 4, 'one shared read, then one per key');
});
