import 'reflect-metadata';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { parse as parseCsv } from 'csv-parse/sync';
import { createHash } from 'node:crypto';
import {
  BillFormatError,
  parseTradeBill,
  tenantCsvLine,
  type RejectedRow,
  type TradeBillRow,
} from '../../../src/modules/bills/trade-bill-parser';
import { units, milliToFen } from '../../../src/modules/bills/money';
import { tradeBillCsv } from '@partnerpay/wxpay-simulator';
import { RUNS } from '../../../src/modules/bills/reconciliation.repository';
import { assertBillDate } from '../../../src/modules/bills/dates';

// The published trade bill (WeChat Pay's sample, as in the official SDKs), shipped as a fixture (dist/test/unit/bills → repo root).
const VECTOR = resolve(__dirname, '../../../../test/fixtures/bills/tradebill-ALL.csv');

async function parseAll(
  bytes: Buffer,
  batchSize = 7,
): Promise<{ rows: TradeBillRow[]; sha1: string; batches: number; rejected: RejectedRow[] }> {
  const rows: TradeBillRow[] = [];
  let batches = 0;
  const out = await parseTradeBill(
    Readable.from([bytes]),
    async (b) => {
      batches++;
      rows.push(...b);
    },
    batchSize,
  );
  assert.equal(out.rows, rows.length);
  return { rows, sha1: out.sha1, batches, rejected: out.rejected };
}

test('Yuan strings become exact integers (fen, thousandths of a fen), Java-double summary spellings included', () => {
  assert.equal(units('0.01', 2), 1);
  assert.equal(units('1234.56', 2), 123456);
  assert.equal(units('-0.01000', 5), -1000);
  assert.equal(units('45.0', 0), 45);
  assert.equal(units('1.0E7', 2), 1_000_000_000);
  assert.equal(units('1.2E-1', 2), 12);
  assert.equal(units('1.23E-2', 2), undefined, 'a fraction of a fen');
  assert.equal(units('0.001', 2), undefined, 'three decimals are not fen');
  assert.equal(units('x.yz', 2), undefined);
  assert.equal(units('', 2), undefined);
  // 0.1 + 0.2 in floats is 0.30000000000000004; as integers it is exact.
  assert.equal(units('0.10', 2)! + units('0.20', 2)!, units('0.30', 2));
  assert.equal(milliToFen(1500), 2);
  assert.equal(milliToFen(-1500), -2);
});

test('When the published ALL bill (BOM, CRLF, backticks, 45 rows, summary) is parsed gzip-streamed, its totals tie', async () => {
  const raw = readFileSync(VECTOR);
  const { rows, sha1, batches } = await parseAll(gzipSync(raw));
  assert.equal(rows.length, 45);
  assert.equal(batches, Math.ceil(45 / 7));
  assert.equal(sha1, createHash('sha1').update(raw).digest('hex'), 'the SHA1 is of the uncompressed file');
  const pay = rows.filter((r) => r.kind === 'pay');
  const refund = rows.filter((r) => r.kind === 'refund');
  assert.equal(
    pay.reduce((s, r) => s + r.amount, 0),
    47,
  );
  assert.equal(
    refund.reduce((s, r) => s + r.amount, 0),
    14,
  );
  assert.equal(milliToFen(rows.reduce((s, r) => s + r.feeMilli, 0)), 8);
  const first = rows.find((r) => r.outTradeNo === 'autotest_20190216081946_82335')!;
  assert.equal(first.kind, 'refund');
  assert.equal(first.outRefundNo, 'REF4200000263201902167700963919');
  assert.equal(first.refundStatus, 'SUCCESS');
  assert.equal(first.tradeTime, Date.parse('2019-02-19T05:01:46+08:00'));
  assert.ok(raw.toString('utf8').includes(first.line), 'the row is kept exactly as written');
});

const order = (n: number) => ({
  sp_mchid: '1900000100',
  sub_mchid: '1900000109',
  sp_appid: 'wx8888888888888888',
  sub_appid: 'wxd678efh567hg6787',
  payer: { sub_openid: 'oUser' },
  out_trade_no: `T${n}`,
  transaction_id: `42000000${n}`,
  total: 100 + n,
  description: n === 3 ? '咖啡, 大杯' : 'toy',
  attach: n === 4 ? 'a,b' : undefined,
  success_time: Date.parse('2026-11-30T12:00:00+08:00') + n * 1000,
});
const bill = (n: number) =>
  Buffer.from(tradeBillCsv('ALL', '2026-11-30', Array.from({ length: n }, (_, i) => order(i)) as never, []), 'utf8');

test('When the download is truncated, not gzip at all or the summary off, parsing fails saying which', async () => {
  const good = bill(30);
  assert.equal((await parseAll(gzipSync(good))).rows.length, 30);
  assert.equal((await parseAll(good)).rows.length, 30, 'a plain (not gzip) file parses too');
  const gz = gzipSync(good);
  await assert.rejects(parseAll(gz.subarray(0, gz.length - 30)), (e: Error) => e instanceof BillFormatError && /truncated/.test(e.message));
  await assert.rejects(
    parseAll(good.subarray(0, good.length - 60)),
    (e: Error) => e instanceof BillFormatError && /summary/.test(e.message),
  );
  const text = good.toString('utf8');
  const summary = Buffer.from(text.replace(/`30\.0,`([\d.]+),/, '`30.0,`999.99,'));
  await assert.rejects(parseAll(summary), /summary mismatch: 应结订单总金额/);
  const count = Buffer.from(text.replace('`30.0,', '`31.0,'));
  await assert.rejects(parseAll(count), /summary mismatch: 总交易单数 is 31.0, the bill has 30 rows/);
  await assert.rejects(parseAll(Buffer.from([0x1f, 0x8b, 1, 2, 3])), /corrupted or truncated/);
});

test('When a description or attach holds commas, the bill is read by its backtick layout and every amount is right', async () => {
  const { rows, rejected } = await parseAll(bill(30));
  assert.deepEqual(rejected, []);
  assert.equal(rows.length, 30);
  for (const r of rows) assert.equal(r.amount, 100 + Number(r.outTradeNo.slice(1)), r.outTradeNo);
  assert.ok(rows.find((r) => r.outTradeNo === 'T3')!.line.includes('`咖啡, 大杯,'), 'the row is kept exactly as written');
});

test('When a description holds forged backtick columns, the amounts come from their own end of the row and the CSV cell stays text', async () => {
  const forged = 'x,=HYPERLINK("http://evil.example/"),`0.01000,`0.60%,`1.00';
  const text = bill(5).toString('utf8').replace('`toy,', `\`${forged},`);
  const { rows, rejected } = await parseAll(Buffer.from(text));
  const clean = await parseAll(bill(5));
  assert.deepEqual(rejected, []);
  assert.deepEqual(
    rows.map((r) => [r.outTradeNo, r.amount, r.feeMilli]),
    clean.rows.map((r) => [r.outTradeNo, r.amount, r.feeMilli]),
    'the real amounts and fees, not the forged ones',
  );
  const header = text.slice(1).split('\r\n')[0].split(',');
  const line = tenantCsvLine(rows[0].line, header);
  // Read as a spreadsheet would (RFC 4180).
  const [cells] = parseCsv(line) as string[][];
  assert.equal(cells.length, header.length, 'one CSV cell per column');
  for (const c of cells) assert.ok(!/^[=+\-@\t\r]/.test(c), `no cell starts like a formula: ${c}`);
  assert.ok(cells.includes(`\`${forged}`), 'the forged description is one text cell');
});

test('When one row is unreadable, it is reported with its line, tenant and reason, and the other rows are read', async () => {
  const text = bill(30).toString('utf8');
  const badAmount = await parseAll(Buffer.from(text.replace('`1.05,', '`1.0x5,')));
  assert.equal(badAmount.rows.length, 29);
  assert.equal(badAmount.rejected.length, 1);
  assert.match(badAmount.rejected[0].reason, /malformed row 7: 应结订单金额/);
  assert.equal(badAmount.rejected[0].lineNo, 7);
  assert.equal(badAmount.rejected[0].subMchid, '1900000109');
  assert.equal(badAmount.rejected[0].outTradeNo, 'T5');
  const noTick = await parseAll(Buffer.from(text.replace(',`T3,', ',T3,')));
  assert.match(noTick.rejected[0].reason, /malformed row \d+: 26 columns where the header has 27/);
  const nul = await parseAll(Buffer.from(text.replace(',`T3,', ',`T\u00003,')));
  assert.match(nul.rejected[0].reason, /malformed row \d+: a NUL byte/);
  // A file where no row fits the layout is not a few odd rows: the run fails.
  const none = bill(120).toString('utf8').replace(/`toy,/g, 'toy,');
  await assert.rejects(parseAll(Buffer.from(none)), /more than 100 unreadable rows/);
});

test('The run state machine is its transition table: only pending → running → done | failed | pending', () => {
  const all = ['pending', 'running', 'done', 'failed'] as const;
  const legal = new Set(['pending>running', 'running>done', 'running>failed', 'running>pending']);
  for (const from of all) for (const to of all) assert.equal(RUNS.can(from, to), legal.has(`${from}>${to}`), `${from} -> ${to}`);
  assert.deepEqual([...RUNS.sources('done')], ['running']);
});

test('Bill dates: future or older than three months is 400 naming bill_date; today and yesterday are fine', () => {
  const now = Date.parse('2026-12-01T03:00:00Z'); // 11:00 in Beijing
  assertBillDate('2026-12-01', now);
  assertBillDate('2026-11-30', now);
  assertBillDate('2026-09-01', now);
  for (const [day, why] of [
    ['2026-12-02', /future/],
    ['2026-08-31', /three months/],
    ['2026-02-30', /calendar date/],
  ] as const)
    assert.throws(
      () => assertBillDate(day, now),
      (e: { code?: string; detail?: { fields?: Array<{ field: string; issue: string }> } }) =>
        e.code === 'PARAM_ERROR' && e.detail?.fields?.[0]?.field === 'bill_date' && why.test(e.detail.fields[0].issue),
    );
});
