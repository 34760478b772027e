import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Receiver } from './harness';
import { startStandaloneSimulator, type StandaloneSimulator } from '../../support/standalone-simulator';

// packages/wxpay-simulator/README.md's walk-through, as written: its walkthrough.js against the bin, notifying a URL of ours.
const root = resolve(__dirname, '..', '..', '..', '..');
const dir = mkdtempSync(join(tmpdir(), 'sim-walk-'));
let sim: StandaloneSimulator;
let rx: Receiver;
before(async () => {
  sim = await startStandaloneSimulator(['--state', join(dir, 'sim-state')]);
  rx = await new Receiver().start();
});
after(async () => {
  await sim.stop();
  await rx.close();
  rmSync(dir, { recursive: true, force: true });
});

test('When a newcomer runs the README walk-through, then it orders, pays, refunds, downloads the bill and their URL gets both notifications', async () => {
  const readme = readFileSync(join(root, 'packages', 'wxpay-simulator', 'README.md'), 'utf8');
  const script = /<!-- walkthrough\.js -->\n```js\n([\s\S]*?)\n```/.exec(readme)?.[1];
  assert.ok(script, 'the README has the walkthrough.js block');
  const file = join(dir, 'walkthrough.js');
  writeFileSync(file, script);
  const run = spawn(process.execPath, [file], {
    env: { PATH: process.env.PATH, NODE_PATH: join(root, 'node_modules'), SIM_URL: sim.baseUrl, NOTIFY_URL: rx.url },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  run.stdout.on('data', (d: Buffer) => (out += d.toString()));
  run.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const code = await new Promise<number | null>((r) => {
    const timer = setTimeout(() => run.kill('SIGKILL'), 30_000);
    run.once('exit', (c) => {
      clearTimeout(timer);
      r(c);
    });
  });
  assert.equal(code, 0, out);
  assert.match(out, /prepay_id wx\d{14}/);
  assert.match(out, /paid 4200\d{24}/);
  assert.match(out, /refund PROCESSING/);
  assert.match(out, /交易时间,/);
  assert.match(out, /notified TRANSACTION\.SUCCESS 200, REFUND\.SUCCESS 200/);
  const events = rx.received.map((r) => JSON.parse(r.body).event_type);
  assert.deepEqual(events, ['TRANSACTION.SUCCESS', 'REFUND.SUCCESS']);
});
