import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { createServer } from 'node:net';
import { createLogger } from '../../../src/platform/logging/logger';
import { aProvider, orderBody, signedRequest, startSim } from './harness';

test('When a notification cannot be delivered (nothing listens at notify_url), then the simulator logs it at warn with the URL and the error', async () => {
  const lines: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      for (const l of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(l));
      done();
    },
  });
  // A port nothing listens on: bound, noted, released.
  const probe = createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  const port = (probe.address() as { port: number }).port;
  await new Promise<void>((r) => probe.close(() => r()));

  const s = await startSim({ logger: createLogger('warn', sink), notifyTimeoutMs: 2000 });
  try {
    const p = aProvider(s.sim);
    const url = `http://127.0.0.1:${port}/notify/nowhere`;
    const created = await signedRequest(s.baseUrl, p, 'POST', '/v3/pay/partner/transactions/jsapi', orderBody(p, url));
    assert.equal(created.status, 200);
    await s.sim.pay({ prepay_id: created.json.prepay_id });
    const warned = lines.find((l) => l.msg === 'simulator: notification not delivered');
    assert.ok(warned, JSON.stringify(lines));
    assert.deepEqual([warned.url, warned.attempt, warned.status, warned.level], [url, 1, 0, 40]);
    assert.match(String(warned.error), /ECONNREFUSED|connect/i);
    assert.equal(typeof warned.retry_in_ms, 'number');
  } finally {
    await s.close();
  }
});
