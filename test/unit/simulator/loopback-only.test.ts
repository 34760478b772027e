import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Request, Response } from 'express';
import { isLoopback, loopbackOnly } from '@partnerpay/wxpay-simulator';

test('When the simulator control API is called from another machine, then 403; loopback passes', () => {
  for (const a of ['127.0.0.1', '127.1.2.3', '::1', '::ffff:127.0.0.1']) assert.equal(isLoopback(a), true, a);
  for (const a of ['10.0.0.5', '192.168.1.2', '::ffff:10.0.0.1', '2001:db8::1', undefined]) assert.equal(isLoopback(a), false, String(a));
  let status = 0;
  let passed = false;
  const res = { status: (s: number) => ((status = s), res), json: () => res } as unknown as Response;
  loopbackOnly({ socket: { remoteAddress: '10.1.2.3' } } as unknown as Request, res, () => (passed = true));
  assert.equal(status, 403);
  assert.equal(passed, false);
  loopbackOnly({ socket: { remoteAddress: '127.0.0.1' } } as unknown as Request, res, () => (passed = true));
  assert.equal(passed, true);
});
