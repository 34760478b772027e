import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isForbiddenAddress, validateWebhookUrl } from '../../../src/platform/net/webhook-url';
import { AppError } from '../../../src/platform/errors/errors';

test('isForbiddenAddress refuses loopback, private, link-local, CGNAT, metadata, ULA and IPv4-mapped; allows public', () => {
  for (const ip of [
    '127.0.0.1',
    '10.1.2.3',
    '172.16.0.1',
    '172.31.255.255',
    '192.168.1.1',
    '169.254.169.254',
    '100.64.0.1',
    '0.0.0.0',
    '::1',
    '::',
    'fc00::1',
    'fd12:3456::1',
    'fe80::1',
    '::ffff:127.0.0.1',
    '::ffff:8.8.8.8',
    '::ffff:0:7f00:1', // IPv4-translated 127.0.0.1 (SIIT)
    '::ffff:0:a00:1', // IPv4-translated 10.0.0.1
    '192.88.99.1', // 6to4 relay anycast
    '198.18.0.1', // benchmarking
    '198.19.255.254',
    '0.1.2.3',
    '100.127.255.254',
    '3fff::1',
    '2001:10::1',
    '2001:20::1',
    '64:ff9b::a00:1',
    '64:ff9b:1::a00:1', // local-use NAT64
    '2002:7f00:1::1', // 6to4 of 127.0.0.1
    '2001:0:4136:e378:8000:63bf:3fff:fdd2', // Teredo
    'ff02::1',
    'not-an-ip',
    '[::1]',
    'fe80::1%eth0',
  ])
    assert.equal(isForbiddenAddress(ip), true, ip);
  for (const ip of ['8.8.8.8', '203.0.114.7', '101.226.103.10', '2606:4700:4700::1111', '172.32.0.1', '100.128.0.1'])
    assert.equal(isForbiddenAddress(ip), false, ip);
});

async function refused(url: string, opts: Parameters<typeof validateWebhookUrl>[1], issue: RegExp): Promise<void> {
  await assert.rejects(validateWebhookUrl(url, opts), (e: unknown) => {
    assert.ok(e instanceof AppError);
    assert.equal(e.code, 'PARAM_ERROR');
    const fields = e.detail?.fields as Array<{ field: string; issue: string }>;
    assert.equal(fields[0].field, 'webhook_url');
    assert.match(fields[0].issue, issue);
    return true;
  });
}

test('validateWebhookUrl: https required, no credentials, and every resolved address must be public', async () => {
  const lookup = (map: Record<string, string[]>) => async (host: string) => {
    if (!map[host]) throw new Error('ENOTFOUND');
    return map[host];
  };
  const opts = {
    allowPrivate: false,
    lookup: lookup({
      'merchant.example.com': ['93.184.216.34'],
      'evil.example.com': ['93.184.216.34', '10.0.0.5'],
      'meta.example.com': ['169.254.169.254'],
    }),
  };
  await validateWebhookUrl('https://merchant.example.com/partnerpay/events', opts);
  await validateWebhookUrl('https://93.184.216.34/hook', opts);
  await refused('http://merchant.example.com/hook', opts, /https/);
  await refused('https://user:pw@merchant.example.com/hook', opts, /credentials/);
  await refused('https://evil.example.com/hook', opts, /private/);
  await refused('https://meta.example.com/hook', opts, /private/);
  await refused('https://127.0.0.1/hook', opts, /private/);
  await refused('https://[::1]/hook', opts, /private/);
  await refused('https://[::ffff:7f00:1]/hook', opts, /private/);
  await refused('https://[::ffff:0:127.0.0.1]/hook', opts, /private/); // IPv4-translated
  await refused('https://[::ffff:127.0.0.1]/hook', opts, /private/);
  // Hosts written in decimal, octal or hex are read by URL as the IPv4 address they name.
  for (const host of ['2130706433', '0177.0.0.1', '0x7f.1', '127.1', '017700000001', '0', '0x0a000001', '192.88.99.1'])
    await refused(`https://${host}/hook`, opts, /private/);
  const warnings: string[] = [];
  await validateWebhookUrl('https://nowhere.example.com/hook', { ...opts, warn: (m) => warnings.push(m) });
  assert.match(warnings[0], /nowhere\.example\.com does not resolve/);
  await refused('merchant.example.com/hook', opts, /absolute/);
  // PARTNERPAY_ALLOW_PRIVATE_WEBHOOKS: http and private targets pass, without resolving anything.
  await validateWebhookUrl('http://127.0.0.1:4000/hook', { allowPrivate: true, lookup: async () => assert.fail('no DNS') });
  await refused('ftp://127.0.0.1/hook', { allowPrivate: true }, /https/);
});
