import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateKeyPairSync, KeyObject } from 'node:crypto';
import { apply, capture, findStateFields, StateFile, transient, WxpaySimulator } from '@partnerpay/wxpay-simulator';

// A state area written the way a new simulator feature would be: a class of its own with Maps, reachable from the root.
class CodepayArea {
  readonly orders = new Map<string, { out_trade_no: string; state: string; total: number }>();
  readonly byAuthCode = new Map<string, { out_trade_no: string; state: string; total: number }>();
  readonly timers = transient(new Map<string, () => void>());
  counter = 7;
  stopped = false;
}
class Root {
  readonly keys = { publicKey: generateKeyPairSync('ed25519').publicKey };
  readonly area = new CodepayArea();
  readonly machinery = { tick: () => undefined };
}

test('When a new state area is added as a class with Maps, then it is saved and restored without code for it, shared objects stay shared, keys come back as keys', () => {
  const a = new Root();
  const order = { out_trade_no: 'P1', state: 'USERPAYING', total: 100 };
  a.area.orders.set('P1', order);
  a.area.byAuthCode.set('134567', order);
  a.area.timers.set('P1', () => undefined);
  a.area.counter = 9;
  a.area.stopped = true;
  const fields = findStateFields(a, new Set());
  assert.deepEqual(
    fields.map((f) => f.name),
    ['CodepayArea.orders', 'CodepayArea.byAuthCode', 'CodepayArea.counter'],
    'Maps and numbers of the area; not the transient timers, not the boolean flag',
  );

  const dir = mkdtempSync(join(tmpdir(), 'sim-persist-'));
  try {
    new StateFile(dir).write(capture(fields).data, Date.now());
    assert.deepEqual(readdirSync(dir), ['simulator-state.v8'], 'written through a temporary file renamed into place');
    const b = new Root();
    const liveOrders = b.area.orders;
    apply(findStateFields(b, new Set()), new StateFile(dir).read()!);
    assert.equal(b.area.orders, liveOrders, 'refilled in place');
    assert.deepEqual(b.area.orders.get('P1'), order);
    assert.equal(b.area.byAuthCode.get('134567'), b.area.orders.get('P1'), 'one object behind both indexes');
    b.area.orders.get('P1')!.state = 'SUCCESS';
    assert.equal(b.area.byAuthCode.get('134567')!.state, 'SUCCESS');
    assert.equal(b.area.counter, 9);
    assert.equal(b.area.stopped, false);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('When a captured Map holds a KeyObject, then it comes back as an equal KeyObject', () => {
  const key = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey;
  class Keys {
    readonly byMchid = new Map<string, { key: KeyObject }>([['1900000100', { key }]]);
  }
  const a = new Keys();
  const b = new Keys();
  b.byMchid.clear();
  apply(findStateFields(b, new Set()), structuredClone(capture(findStateFields(a, new Set())).data));
  const back = b.byMchid.get('1900000100')!.key;
  assert.ok(back instanceof KeyObject);
  assert.ok(back.equals(key));
});

test('When the simulator lists what it keeps, then every area a restart must keep is there', () => {
  const sim = new WxpaySimulator({});
  const kept = sim.stateFields();
  for (const f of [
    'SimState.providers',
    'SimState.subs',
    'SimState.orders',
    'SimState.refunds',
    'SimOnboarding.applyments',
    'ProfitSharingSim.splits',
    'LoginSimulator.secrets',
    'ComponentState.authorizations',
    'CombineSim.combines',
    'ScheduledWork.tasks',
  ])
    assert.ok(kept.includes(f), `${f} is kept (kept: ${kept.join(', ')})`);
  void sim.close();
});
