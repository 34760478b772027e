import 'reflect-metadata';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp, uniqueMchid, type TestApp } from '../../support/app';
import { ManualClock } from '../../../src/platform/clock';
import { beijingDay } from '../../../src/platform/clock';
import { ReconciliationRepository } from '../../../src/modules/bills/reconciliation.repository';
import { ReconciliationService } from '../../../src/modules/bills/reconciliation.service';
import type { TradeBillRow } from '../../../src/modules/bills/trade-bill-parser';

// Staging builds its INSERTs as SQL text of escaped literals; these rows carry every character that
// needs care (quotes, backslashes, a placeholder mark, multi-byte text) and must come back as sent.
let t: TestApp;
let clock: ManualClock;
let repo: ReconciliationRepository;

before(async () => {
  clock = new ManualClock();
  t = await startTestApp({}, { clock });
  repo = t.app.container.resolve(ReconciliationRepository);
});
after(async () => {
  await t.close();
});

function row(seq: number, line: string, extra: Partial<TradeBillRow> = {}): TradeBillRow {
  return {
    seq,
    kind: 'pay',
    tradeTime: clock.now(),
    subMchid: '1900000109',
    transactionId: `4200${seq}`,
    outTradeNo: `T'${seq}\\?`,
    outRefundNo: null,
    amount: 100 + seq,
    feeMilli: 600,
    refundStatus: null,
    line,
    ...extra,
  };
}

async function doneRun(spMchid: string, billDate: string): Promise<string> {
  const { run } = await repo.request(spMchid, billDate, clock.now(), true);
  const claimed = (await repo.claim(run, clock.now(), 60_000))!;
  assert.ok(await repo.finish(claimed.id, { finishedAt: clock.now(), updatedAt: clock.now() }, async () => {}));
  return run.id;
}

test('When bill rows hold quotes, backslashes, ? and Chinese text, staging stores them exactly', async () => {
  const lines = [
    "`2026-12-01 10:00:00,`wx'; drop table bill_row; --,`商品\\名称",
    "`a\\\\b\\'c''d,`?,`??,`$1",
    '`tab\tinside,`\u{1F600},`"double"',
  ];
  const runId = await doneRun(uniqueMchid(), beijingDay(clock.now()));
  const batch = lines.map((l, i) => row(i + 1, l, i === 2 ? { kind: 'refund', outRefundNo: "R'1\\", refundStatus: 'SUCCESS' } : {}));
  await repo.stage(runId, () => 'ten_staging', batch);
  const back = await repo.tenantLines(runId, 'ten_staging', 0, 10);
  assert.deepEqual(
    back.map((b) => b.line),
    lines,
  );
  const refunds = await repo.unmatchedRefunds(runId, 'nobody', 0, 10);
  assert.deepEqual(
    refunds.map((r) => [r.out_trade_no, r.out_refund_no, Number(r.amount)]),
    [["T'3\\?", "R'1\\", 103]],
  );
});

test('When a run is done its staged rows are kept bills.keepStagedDays, and a superseded generation loses them at once', async () => {
  const sp = uniqueMchid();
  const day = beijingDay(clock.now());
  const first = await doneRun(sp, day);
  await repo.stage(first, () => 'ten_keep', [row(1, '`first')]);
  const service = t.app.container.resolve(ReconciliationService);
  await service.purgeStaged();
  assert.equal((await repo.tenantLines(first, 'ten_keep', 0, 10)).length, 1, 'a current done run keeps its rows');

  const second = await doneRun(sp, day);
  await repo.stage(second, () => 'ten_keep', [row(1, '`second')]);
  await service.purgeStaged();
  assert.equal((await repo.tenantLines(first, 'ten_keep', 0, 10)).length, 0, 'superseded by a newer done generation');
  assert.ok((await repo.byId(first))!.rowsPurgedAt !== null);
  assert.equal((await repo.tenantLines(second, 'ten_keep', 0, 10)).length, 1);

  clock.advance(t.config.bills.keepStagedDays * 86_400_000 + 1000);
  await service.purgeStaged();
  assert.equal((await repo.tenantLines(second, 'ten_keep', 0, 10)).length, 0, 'deleted once keepStagedDays have passed');
  assert.equal((await repo.byId(second))!.rowsPurgedAt, clock.now());
});

test("The missing_upstream scans run with and without the previous day's bill (the midnight boundary)", async () => {
  const sp = uniqueMchid();
  const today = await doneRun(sp, beijingDay(clock.now()));
  const yesterday = await doneRun(sp, beijingDay(clock.now() - 86_400_000));
  for (const other of [null, yesterday]) {
    assert.deepEqual(await repo.unbilledPayments(today, other, sp, 0, clock.now()), []);
    assert.deepEqual(await repo.unbilledRefunds(today, other, sp, 0, clock.now()), []);
  }
});
