import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isRealDateTime } from '../../../src/modules/payments/order.input';

test('isRealDateTime accepts real instants and refuses what Date.parse would roll over', () => {
  for (const s of ['2026-12-31T23:59:59+08:00', '2028-02-29T10:00:00Z', '2026-12-01T00:00:00.123-05:30'])
    assert.equal(isRealDateTime(s), true, s);
  for (const s of [
    '2027-02-29T10:00:00+08:00',
    '2026-12-32T10:00:00+08:00',
    '2026-04-31T10:00:00+08:00',
    '2026-12-01T24:00:00+08:00',
    '2026-12-01T10:60:00+08:00',
    '2026-12-01T10:00:60+08:00',
    '2026-13-01T10:00:00+08:00',
    '2026-12-01T10:00:00+15:00',
    '2026-12-01',
  ])
    assert.equal(isRealDateTime(s), false, s);
});
