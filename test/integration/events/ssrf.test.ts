import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startEventsHarness, type EventsHarness } from './harness';

// Production-like: private webhooks not allowed (PARTNERPAY_ALLOW_PRIVATE_WEBHOOKS off).
let h: EventsHarness;
before(async () => {
  h = await startEventsHarness({ allowPrivateWebhooks: false });
});
after(async () => h.close());

for (const [what, url, error] of [
  ['plain http', (p: number) => `http://127.0.0.1:${p}/hooks`, /must be https/],
  ['a loopback IP literal', (p: number) => `https://127.0.0.1:${p}/hooks`, /loopback, private/],
  ['an IPv4-mapped IPv6 loopback', (p: number) => `https://[::ffff:127.0.0.1]:${p}/hooks`, /loopback, private/],
  ['the metadata address', () => 'https://169.254.169.254/latest/meta-data', /loopback, private/],
  ['a name that resolves to loopback', (p: number) => `https://localhost:${p}/hooks`, /loopback, private/],
] as const) {
  test(`When private webhooks are not allowed and the webhook_url is ${what}, then nothing is sent and the attempt is refused`, async () => {
    const { tenant } = h.tenants.add(url(h.receiver.port));
    const id = await h.record(tenant.id);
    const before = h.receiver.received.length;
    await h.dispatcher.runOnce();
    assert.equal(h.receiver.received.length, before, 'the receiver saw no request');
    const row = await h.row(id);
    assert.equal(row.status, 'pending');
    assert.equal(row.last_status, null);
    assert.match(String(row.last_error), error);
  });
}
