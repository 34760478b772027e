/**
 * kill -9 of partnerpay while 付款码 charges wait for the buyer's password (USERPAYING), twice: once
 * early, once around the 30 s mark when the follow-up reverses abandoned charges. Afterwards every
 * charge ended as WeChat Pay says (paid, or reversed), each with exactly one event, no code was
 * charged twice, and WeChat Pay was never asked to reverse a paid charge.
 */
import 'reflect-metadata';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { freePort, PartnerpayProcess, seededRandom, sleep } from './support/processes';
import {
  call,
  callUntil,
  eventsInDb,
  provision,
  redisScope,
  scratchDatabase,
  startSimulatorProcess,
  type ScratchDb,
  type SimulatorProcess,
} from './support/world';

const SEED = Number(process.env.RESIL_SEED ?? 20261205);

let sim: SimulatorProcess;
let db: ScratchDb;
let pp: PartnerpayProcess;
const redis = redisScope('micropay');

before(async () => {
  console.log(`# micropay seed ${SEED} (RESIL_SEED=${SEED} reproduces the kill points)`);
  sim = await startSimulatorProcess();
  db = await scratchDatabase('pp_resil_micropay');
  pp = new PartnerpayProcess({
    dbUrl: db.url,
    redisUrl: redis.url,
    redisPrefix: redis.prefix,
    wxpayBase: sim.base,
    port: await freePort(),
    jobsIntervalMs: 250,
  });
  await pp.start(60_000);
});

after(async () => {
  await pp?.kill9();
  await sim?.close();
  await db?.drop();
  await redis.clean();
});

type Kind = 'password_then_paid' | 'abandoned' | 'answer_lost' | 'paid_at_once';
const EXPECTED: Record<Kind, { state: string; event: string }> = {
  password_then_paid: { state: 'SUCCESS', event: 'order.paid' },
  abandoned: { state: 'REVOKED', event: 'order.reversed' },
  answer_lost: { state: 'SUCCESS', event: 'order.paid' },
  paid_at_once: { state: 'SUCCESS', event: 'order.paid' },
};

test('kill -9 while 付款码 charges are USERPAYING: each ends paid or reversed once, no code charged twice', async () => {
  const rnd = seededRandom(SEED);
  const provider = await provision(pp.base, sim, 1, null, rnd);
  const shop = provider.tenants[0];
  const kinds: Kind[] = ['password_then_paid', 'abandoned', 'answer_lost', 'paid_at_once'];
  const charges: Array<{ no: string; code: string; kind: Kind }> = [];
  for (let i = 0; i < 12; i++) {
    const kind = kinds[i % kinds.length];
    const code = `14${String(SEED % 1_000_000).padStart(6, '0')}${String(i).padStart(10, '0')}`;
    charges.push({ no: `MP${SEED.toString(36)}x${i}`, code, kind });
    if (kind === 'password_then_paid')
      await sim.control('POST', '/codepay/outcomes', {
        auth_code: code,
        outcome: 'USERPAYING',
        then: 'SUCCESS',
        after_ms: 4_000 + Math.floor(rnd() * 8_000),
      });
    if (kind === 'abandoned') await sim.control('POST', '/codepay/outcomes', { auth_code: code, outcome: 'USERPAYING' });
    if (kind === 'answer_lost')
      await sim.control('POST', '/codepay/outcomes', { auth_code: code, outcome: 'SYSTEM_ERROR', then: 'USERPAYING' });
  }
  for (const c of charges) {
    const body = {
      trade_type: 'MICROPAY',
      out_trade_no: c.no,
      description: 'Resilience counter',
      amount: { total: 1800 },
      payer: { auth_code: c.code },
      scene_info: { store_info: { out_id: 'RES-1' } },
    };
    await callUntil(
      `charge ${c.no}`,
      () => call('POST', `${pp.base}/v1/orders`, shop.secretKey, body),
      (a) => a.status === 201 || a.status === 200,
    );
  }
  // The answer-lost charges then wait for a password that never comes: they are abandoned too.
  const expected = (k: Kind) => EXPECTED[k === 'answer_lost' ? 'abandoned' : k];

  const firstKill = 500 + Math.floor(rnd() * 3_000);
  const secondKill = 24_000 + Math.floor(rnd() * 8_000);
  const t0 = Date.now();
  await sleep(firstKill);
  await pp.kill9();
  await sleep(1_000);
  await pp.start(60_000);
  await sleep(Math.max(0, secondKill - (Date.now() - t0)));
  await pp.kill9();
  await pp.start(60_000);
  console.log(`# micropay: kills at ${firstKill} ms and ${secondKill} ms after the charges`);

  const finalState = async (no: string) =>
    String(
      ((await call('GET', `${pp.base}/v1/orders/${no}`, shop.secretKey)).body.order as { trade_state?: string } | undefined)?.trade_state,
    );
  const deadline = Date.now() + 90_000;
  for (const c of charges) {
    for (;;) {
      const s = await finalState(c.no);
      if (s === expected(c.kind).state) break;
      if (Date.now() > deadline) assert.fail(`${c.no} (${c.kind}) is ${s}, expected ${expected(c.kind).state}`);
      await sleep(250);
    }
  }

  const raw = await db.raw();
  // The raw pool must be closed, or its MariaDB connection keeps this test file (and the suite) from exiting.
  const { byKey } = await eventsInDb(raw).finally(() => raw.close());
  const calls = await sim.control<{ data: Array<{ path: string; body?: { out_trade_no?: string } }> }>('GET', '/calls');
  const reverses = new Map<string, number>();
  for (const c of charges) {
    const want = expected(c.kind).event;
    assert.equal(byKey.get(`${want} ${c.no}`), 1, `${c.no}: one ${want}`);
    for (const other of ['order.paid', 'order.reversed', 'order.payment_failed'].filter((e) => e !== want))
      assert.equal(byKey.get(`${other} ${c.no}`) ?? 0, 0, `${c.no}: no ${other}`);
    const charged = calls.data.filter((x) => x.path.endsWith('/codepay') && x.body?.out_trade_no === c.no).length;
    assert.equal(charged, 1, `${c.no}: charged once`);
    const reversed = calls.data.filter((x) => x.path.endsWith(`/${c.no}/reverse`)).length;
    reverses.set(c.kind, (reverses.get(c.kind) ?? 0) + reversed);
    if (want === 'order.paid') assert.equal(reversed, 0, `${c.no}: a paid charge is never reversed`);
  }
  console.log(`# micropay: reverse calls by kind ${JSON.stringify(Object.fromEntries(reverses))}`);
});
