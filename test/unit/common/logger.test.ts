import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { createLogger } from '../../../src/platform/logging/logger';

test('When secrets reach the logger by key or by shape, then none of them is written', () => {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, cb) {
      lines.push(String(chunk));
      cb();
    },
  });
  const log = createLogger('info', sink);
  const pem = '-----BEGIN PRIVATE KEY-----\nMIIEvAIBADANBg\n-----END PRIVATE KEY-----';
  log.info(
    { headers: { authorization: 'Bearer op_abcdefghijklmnopqrstuvwxyz' }, apiv3_key: 'a'.repeat(32), note: `key ${pem}` },
    'with sk_ABCDEFGHIJKLMNOPQRSTUV inside',
  );
  const out = lines.join('');
  assert.ok(!out.includes('MIIEvAIBADANBg'));
  assert.ok(!out.includes('a'.repeat(32)));
  assert.ok(!out.includes('op_abcdefghijklmnopqrstuvwxyz'));
  assert.ok(!out.includes('sk_ABCDEFGHIJKLMNOPQRSTUV'));
  assert.match(out, /REDACTED/);
});
