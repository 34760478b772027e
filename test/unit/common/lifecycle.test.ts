import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Lifecycle } from '../../../src/platform/lifecycle';

test('When a request arrives before the app is ready or while draining, then 503 SERVICE_UNAVAILABLE with Retry-After at once', async () => {
  const lifecycle = new Lifecycle(3);
  const server = createServer(lifecycle.listener);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/healthz`;
  try {
    const early = await fetch(url, { signal: AbortSignal.timeout(5000) });
    assert.equal(early.status, 503);
    assert.equal(early.headers.get('retry-after'), '3');
    const body = (await early.json()) as { code: string; detail: { state: string } };
    assert.equal(body.code, 'SERVICE_UNAVAILABLE');
    assert.equal(body.detail.state, 'starting');

    lifecycle.ready((_req, res) => res.end('ok'));
    const ready = await fetch(url, { signal: AbortSignal.timeout(5000) });
    assert.equal(ready.status, 200);
    assert.equal(await ready.text(), 'ok');

    lifecycle.drain();
    const late = await fetch(url, { method: 'POST', body: '{"a":1}', signal: AbortSignal.timeout(5000) });
    assert.equal(late.status, 503);
    assert.equal(((await late.json()) as { detail: { state: string } }).detail.state, 'draining');
  } finally {
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  }
});
