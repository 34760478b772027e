import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { webhookSignatureHeader } from '../../../src/modules/events/webhook-signature';

type Verify = (rawBody: Buffer | string, header: string | undefined, secret: string, nowSeconds?: number) => boolean;

/** The first js code block of the README's "Verifying partnerpay webhooks" section, run as tenants would run it. */
function readmeVerifier(): Verify {
  const readme = readFileSync(join(__dirname, '..', '..', '..', '..', 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Verifying partnerpay webhooks'));
  const code = /```js\n([\s\S]*?)```/.exec(section)?.[1];
  assert.ok(code, 'the README has the code sample');
  const module = { exports: {} as { verifyPartnerpaySignature?: Verify } };
  new Function('require', 'module', code)(require, module);
  assert.equal(typeof module.exports.verifyPartnerpaySignature, 'function');
  return module.exports.verifyPartnerpaySignature!;
}

const body = '{"id":"evt_1","type":"order.paid","created_at":"2026-11-26T10:00:00+08:00","data":{"note":"中文"}}';
const now = 1_764_122_400;

test("When a body is signed by partnerpay's signer, then the README's sample verifies it, from a Buffer or a string", () => {
  const verify = readmeVerifier();
  const header = webhookSignatureHeader(['whsec_a'], now, body);
  assert.equal(verify(Buffer.from(body), header, 'whsec_a', now), true);
  assert.equal(verify(body, header, 'whsec_a', now + 299), true);
});

test("When the body, secret, time or header is wrong, then the README's sample refuses", () => {
  const verify = readmeVerifier();
  const header = webhookSignatureHeader(['whsec_a'], now, body);
  assert.equal(verify(body.replace('order.paid', 'order.closed'), header, 'whsec_a', now), false);
  assert.equal(verify(body, header, 'whsec_b', now), false);
  assert.equal(verify(body, header, 'whsec_a', now + 301), false);
  assert.equal(verify(body, header, 'whsec_a', now - 301), false);
  assert.equal(verify(body, undefined, 'whsec_a', now), false);
  assert.equal(verify(body, 't=abc,v1=00', 'whsec_a', now), false);
  assert.equal(verify(body, header.replace(/v1=../, 'v1=zz'), 'whsec_a', now), false);
  assert.equal(verify(body, `t=${now}`, 'whsec_a', now), false);
});

test("When a secret is being rotated, then the header has two v1 and the README's sample accepts either secret", () => {
  const verify = readmeVerifier();
  const header = webhookSignatureHeader(['whsec_new', 'whsec_old'], now, body);
  assert.equal(header.split(',').filter((p) => p.startsWith('v1=')).length, 2);
  assert.equal(verify(body, header, 'whsec_new', now), true);
  assert.equal(verify(body, header, 'whsec_old', now), true);
  assert.equal(verify(body, header, 'whsec_other', now), false);
});
