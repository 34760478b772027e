import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  beijingDay,
  beijingMidnight,
  beijingTimeOfDay,
  msToNextBeijingMidnight,
  parseBeijingDateTime,
  previousBeijingDay,
  startOfBeijingDay,
} from '../../../src/platform/clock';

// 2026-12-05T16:30:00Z is 00:30 on 6 December in Beijing: the UTC and Beijing days differ.
const lateUtc = Date.parse('2026-12-05T16:30:00Z');

test('The Beijing calendar: a moment after 16:00 UTC is already the next day in Beijing', () => {
  assert.equal(beijingDay(lateUtc), '2026-12-06');
  assert.equal(beijingTimeOfDay(lateUtc), '00:30');
  assert.equal(startOfBeijingDay(lateUtc), Date.parse('2026-12-05T16:00:00Z'));
  assert.equal(beijingMidnight('2026-12-06'), Date.parse('2026-12-05T16:00:00Z'));
  assert.equal(msToNextBeijingMidnight(lateUtc), 23.5 * 3_600_000);
  assert.equal(msToNextBeijingMidnight(startOfBeijingDay(lateUtc)), 86_400_000);
  assert.equal(previousBeijingDay('2026-03-01'), '2026-02-28');
  assert.equal(previousBeijingDay('2024-03-01'), '2024-02-29');
  assert.equal(parseBeijingDateTime('2026-12-06 00:30:00'), lateUtc);
  assert.ok(Number.isNaN(parseBeijingDateTime('2026-12-06T00:30:00')));
});
