import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { appendDemoKeys } from '../../../src/surfaces/demo/demo-keys-file';

test("When the demo starts against another database, then demo-tenant-keys.txt keeps the SQLite demo's keys and adds the new ones, without a password", () => {
  const dir = mkdtempSync(join(tmpdir(), 'pp-demo-keys-'));
  try {
    const file = join(dir, 'demo-tenant-keys.txt');
    appendDemoKeys(file, 'sqlite:data/partnerpay.db', '  tengda-toys  tenant_id=ten_a\n    secret_key=sk_first');
    appendDemoKeys(file, 'mysql://root:hunter2@127.0.0.1:3306/other', '  tengda-toys  tenant_id=ten_b\n    secret_key=sk_second');
    const text = readFileSync(file, 'utf8');
    assert.match(text, /sk_first/, "the first database's keys are still there");
    assert.match(text, /sk_second/);
    assert.match(text, /# \S+ sqlite:data\/partnerpay\.db\n/);
    assert.match(text, /# \S+ mysql:\/\/\*\*\*@127\.0\.0\.1:3306\/other\n/);
    assert.doesNotMatch(text, /hunter2/);
    assert.equal(statSync(file).mode & 0o777, 0o600);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
