import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { randomInt } from 'node:crypto';

// README's walk-through, as a newcomer runs it: `npm start` (the built dist/src/app/main.js, demo profile) on a
// non-default PORT, the Quick start's calls in order, a tenant created through the admin API paying at once,
// a PATCHed webhook_url and that tenant surviving a restart, and the output a person reads (no ANSI colours,
// no DDL warning, the keys in one block). Real processes, real HTTP, the embedded simulator.

const root = resolve(__dirname, '..', '..', '..', '..');
const dir = mkdtempSync(join(tmpdir(), 'pp-readme-'));
const seed = randomInt(1e9);
console.log(`# seed ${seed}, state in ${dir}`);
const ADMIN = { Authorization: 'Bearer demo-admin-token-change-me-0000' };
const JSON_TYPE = { 'Content-Type': 'application/json' };
after(() => rmSync(dir, { recursive: true, force: true }));

async function freePort(): Promise<number> {
  for (;;) {
    const s = createServer();
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
    const port = (s.address() as { port: number }).port;
    await new Promise<void>((r) => s.close(() => r()));
    if (port !== 3000) return port;
  }
}

interface Demo {
  base: string;
  child: ChildProcess;
  output: () => string;
  stop(): Promise<number | null>;
}

/** `PORT=<port> npm start`, as README says, with the demo's state in a scratch folder. Resolves once it listens. */
async function startDemo(port: number): Promise<Demo> {
  const child = spawn(process.execPath, [join(root, 'dist', 'src', 'app', 'main.js')], {
    cwd: root,
    env: { PATH: process.env.PATH, PORT: String(port), DATABASE_URL: `sqlite:${join(dir, 'pp.sqlite')}`, SIMULATOR_STATE_DIR: dir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
  const deadline = Date.now() + 60_000;
  while (!out.includes('"partnerpay listening"')) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`the demo did not start:\n${out}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    base: `http://127.0.0.1:${port}`,
    child,
    output: () => out,
    async stop() {
      child.kill('SIGTERM');
      const kill = setTimeout(() => child.kill('SIGKILL'), 30_000);
      const code = await exited;
      clearTimeout(kill);
      return code;
    },
  };
}

async function call(base: string, method: string, path: string, headers: Record<string, string> = {}, body?: unknown) {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: body === undefined ? headers : { ...JSON_TYPE, ...headers },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined, text };
}

/** Polls `f` until `ok` holds (bounded: 30 s), returning the last value. */
async function until<T>(f: () => Promise<T>, ok: (v: T) => boolean, what: string): Promise<T> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const v = await f();
    if (ok(v)) return v;
    if (Date.now() > deadline) assert.fail(`${what}: still ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 150));
  }
}

const orderBody = (appid: string, out_trade_no: string) => ({
  appid,
  out_trade_no,
  description: 'Demo toy',
  amount: { total: 100, currency: 'CNY' },
  payer: { openid: 'oDemoUser0001' },
});

/** Quick start steps 1-3: create, pay at the simulator, and see SUCCESS. */
async function payOrder(base: string, sk: string, appid: string, sub_mchid: string, out_trade_no: string) {
  const auth = { Authorization: `Bearer ${sk}` };
  const created = await call(base, 'POST', '/v1/orders', auth, orderBody(appid, out_trade_no));
  assert.equal(created.status, 201, created.text);
  assert.ok(created.body.payment, 'the answer carries wx.requestPayment parameters');
  const paid = await call(base, 'POST', '/simulator/control/pay', {}, { sub_mchid, out_trade_no });
  assert.equal(paid.status, 200, paid.text);
  const order = await until(
    () => call(base, 'GET', `/v1/orders/${out_trade_no}`, auth),
    (r) => r.body?.order?.trade_state === 'SUCCESS',
    `order ${out_trade_no}`,
  );
  return order.body.order;
}

/** Runs a shell script (bounded: 60 s), collecting its output. */
async function runShell(script: string): Promise<{ code: number | null; output: string }> {
  const child = spawn('sh', ['-e', '-c', script], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const kill = setTimeout(() => child.kill('SIGKILL'), 60_000);
  const code = await new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
  clearTimeout(kill);
  return { code, output };
}

function keysOf(output: string, file: string): { tenant_id: string; sub_mchid: string; secret_key: string } {
  const m = new RegExp(`${file}\\s+tenant_id=(\\S+)\\s+sub_mchid=(\\d+)\\s+secret_key=(sk_\\S+)`).exec(output);
  assert.ok(m, `the key block names ${file}:\n${output}`);
  return { tenant_id: m[1], sub_mchid: m[2], secret_key: m[3] };
}

test('When a newcomer follows the README on a non-default PORT, then orders pay, refund, a new tenant pays, and a restart keeps their changes', async () => {
  const port = await freePort();
  let demo = await startDemo(port);
  const { base } = demo;
  try {
    // The keys: one block, once, also in a file only the owner reads.
    const tengda = keysOf(demo.output(), 'tengda-toys');
    assert.equal(demo.output().match(/demo tenants created/g)?.length, 1);
    assert.equal(statSync(join(dir, 'demo-tenant-keys.txt')).mode & 0o777, 0o600);
    assert.match(readFileSync(join(dir, 'demo-tenant-keys.txt'), 'utf8'), new RegExp(tengda.secret_key));

    // The README's Quick start block itself, run by sh as written: only the port (PORT=<port>) and the printed key differ.
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const block = /Then, as the sub-merchant's back end and its buyer would:\n\n```sh\n([\s\S]*?)```/.exec(readme)?.[1];
    assert.ok(block, 'README has the Quick start block');
    const script = block
      .replaceAll('localhost:3000', `localhost:${port}`)
      .replace(/^export SK=sk_\.\.\..*$/m, `export SK=${tengda.secret_key}`);
    const ran = await runShell(script);
    assert.equal(ran.code, 0, ran.output);
    const quick = await until(
      () => call(base, 'GET', '/v1/orders/DEMO000001', { Authorization: `Bearer ${tengda.secret_key}` }),
      (r) => r.body?.order?.trade_state === 'REFUND',
      'README order DEMO000001 refunded',
    );
    assert.deepEqual([quick.body.order.refunded_total, quick.body.order.trade_state_desc], [50, '转入退款']);

    // Quick start 1-3 again through fetch, on this port: notify URLs follow it, so the simulator's notification arrives.
    const no = `DEMO${seed}`.slice(0, 32);
    const order = await payOrder(base, tengda.secret_key, 'wxd678efh567hg6787', '1900000109', no);
    assert.equal(order.amount.total, 100);
    const deliveries = (await call(base, 'GET', '/simulator/control/deliveries')).body.data as Array<{ url: string; status: number }>;
    assert.ok(
      deliveries.some((d) => d.url.startsWith(`${base}/notify/`) && d.status === 200),
      JSON.stringify(deliveries),
    );

    // 4. refund half, finish it at the simulator: REFUND, 转入退款.
    const auth = { Authorization: `Bearer ${tengda.secret_key}` };
    const refund = await call(base, 'POST', '/v1/refunds', auth, { out_trade_no: no, out_refund_no: `${no}-R1`, amount: { refund: 50 } });
    assert.ok([200, 201].includes(refund.status), refund.text);
    await call(
      base,
      'POST',
      '/simulator/control/refunds/finish',
      {},
      { out_refund_no: `${no}-R1`, sub_mchid: '1900000109', status: 'SUCCESS' },
    );
    const refunded = await until(
      () => call(base, 'GET', `/v1/orders/${no}`, auth),
      (r) => r.body?.order?.trade_state === 'REFUND',
      'refunded order',
    );
    assert.equal(refunded.body.order.trade_state_desc, '转入退款');

    // Operators see everything; order.paid reached the demo inbox on this port (the example webhooks follow PUBLIC_BASE_URL).
    assert.ok((await call(base, 'GET', '/admin/v1/notifications', ADMIN)).body.data.length >= 2);
    assert.ok((await call(base, 'GET', '/admin/v1/events', ADMIN)).body.data.length >= 1);
    await until(
      () => call(base, 'GET', '/demo/inbox/1900000109'),
      (r) => JSON.stringify(r.body ?? '').includes('order.paid'),
      'order.paid in the demo inbox',
    );

    // A body that is not JSON is one clear answer, not "received undefined" per field.
    const form = await fetch(`${base}/v1/orders`, { method: 'POST', headers: auth, body: 'appid=wx1' });
    assert.equal(form.status, 415);
    const formBody = (await form.json()) as { code: string; message: string };
    assert.deepEqual([formBody.code, formBody.message], ['UNSUPPORTED_MEDIA_TYPE', 'send JSON (Content-Type: application/json)']);

    // A tenant created through the admin API pays at once, without registering it at the simulator.
    const subMchid = `19${String(seed).padStart(8, '0')}`.slice(0, 10);
    const appid = `wx${String(seed).padStart(16, '0')}`.slice(0, 18);
    const created = await call(base, 'POST', '/admin/v1/tenants', ADMIN, {
      sp_mchid: '1900000100',
      sub_mchid: subMchid,
      name: 'API-created shop',
      apps: [{ appid, type: 'miniprogram', dev_mode: 'outsourced' }],
    });
    assert.equal(created.status, 201, created.text);
    await payOrder(base, created.body.secret_key, appid, subMchid, `API${seed}A`);

    // README: point a webhook at a receiver of yours with PATCH; a restart must not undo it.
    const hook = 'http://127.0.0.1:9/partnerpay/events';
    assert.equal((await call(base, 'PATCH', `/admin/v1/tenants/${tengda.tenant_id}`, ADMIN, { webhook_url: hook })).status, 200);

    assert.equal(await demo.stop(), 0);
    const first = demo.output();
    demo = await startDemo(await freePort());
    assert.doesNotMatch(demo.output(), /demo tenants created/, 'no keys printed again: nothing was created');
    assert.equal((await call(demo.base, 'GET', `/admin/v1/tenants/${tengda.tenant_id}`, ADMIN)).body.webhook_url, hook);
    // After the restart, on another port: the API-created tenant and a demo tenant still pay.
    await payOrder(demo.base, created.body.secret_key, appid, subMchid, `API${seed}B`);
    await payOrder(demo.base, tengda.secret_key, 'wxd678efh567hg6787', '1900000109', `DEMO${seed}B`.slice(0, 32));

    // README "Running it with Docker": the control API from inside the container, by the CLI (here: the same machine).
    const viaCli = `CLI${seed}`;
    const auth2 = { Authorization: `Bearer ${tengda.secret_key}` };
    assert.equal((await call(demo.base, 'POST', '/v1/orders', auth2, orderBody('wxd678efh567hg6787', viaCli))).status, 201);
    const cli = await runShell(
      `PORT=${new URL(demo.base).port} node dist/src/app/cli/simulator-control.js pay '{"sub_mchid":"1900000109","out_trade_no":"${viaCli}"}'`,
    );
    assert.equal(cli.code, 0, cli.output);
    assert.match(cli.output, /"trade_state":"SUCCESS"/);

    // Output a person reads: JSON lines without ANSI colours or the DDL warning; the simulator's requests labelled.
    const all = first + demo.output();
    assert.doesNotMatch(all, /\u001b\[/, 'no ANSI escape codes');
    assert.doesNotMatch(all, /implicitly committed/);
    assert.match(all, /"component":"simulator"[^\n]*"route":"\/simulator/);
    for (const line of all.split('\n').filter((l) => l.includes('"route":"/simulator')))
      assert.match(line, /"component":"simulator"/, line);
  } finally {
    await demo.stop();
  }
});
