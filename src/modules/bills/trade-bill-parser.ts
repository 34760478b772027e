import { createHash } from 'node:crypto';
import { Readable, Transform } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { parse } from 'csv-parse';
import { milliToFen, units } from './money';
import { parseBeijingDateTime } from '../../platform/clock';

/** One detail row of a trade bill, with amounts as integers (fen; fee in thousandths of a fen). */
export interface TradeBillRow {
  seq: number;
  kind: 'pay' | 'refund';
  tradeTime: number;
  subMchid: string;
  transactionId: string;
  outTradeNo: string;
  outRefundNo: string | null;
  /** Pay rows: 订单金额; refund rows: 申请退款金额 (fen). */
  amount: number;
  feeMilli: number;
  refundStatus: string | null;
  /** The row exactly as written (backticks included). */
  line: string;
}

/** The bill is not what WeChat Pay writes: the message says what and where (the run fails with it). */
export class BillFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BillFormatError';
  }
}

/** What a fully read bill proved: its row count and the SHA-1 of its uncompressed bytes. */
export interface ParsedBill {
  rows: number;
  sha1: string;
}

const COLUMNS = {
  time: '交易时间',
  sub: '特约商户号',
  txn: '微信订单号',
  outTradeNo: '商户订单号',
  state: '交易状态',
  settle: '应结订单金额',
  outRefundNo: '商户退款单号',
  refund: '退款金额',
  refundStatus: '退款状态',
  fee: '手续费',
  total: '订单金额',
  refundApplied: '申请退款金额',
} as const;
type Col = keyof typeof COLUMNS;
/** Summary header → the detail sum it must equal ('count' for 总交易单数). */
const SUMMARY: Record<string, keyof Sums | 'ignored'> = {
  总交易单数: 'count',
  应结订单总金额: 'settle',
  退款总金额: 'refund',
  充值券退款总金额: 'ignored',
  手续费总金额: 'fee',
  订单总金额: 'total',
  申请退款总金额: 'refundApplied',
};

/** SHA-1 of everything that passes through. */
class HashTap extends Transform {
  readonly hash = createHash('sha1');
  override _transform(chunk: Buffer, _enc: BufferEncoding, done: (err?: Error | null, data?: Buffer) => void): void {
    this.hash.update(chunk);
    done(null, chunk);
  }
}

/** A field without its leading backtick (every detail and summary value carries one). */
function cell(raw: string | undefined, rowNo: number, name: string): string {
  if (raw === undefined || !raw.startsWith('`')) throw new BillFormatError(`malformed row ${rowNo}: ${name} has no leading backtick`);
  return raw.slice(1);
}

/**
 * Streams a trade bill (gzip or plain bytes; e.g. undici's response body) through gunzip, a SHA-1 tap and csv-parse — BOM, CRLF,
 * backtick-prefixed fields, header, detail rows, summary header and row — and hands detail rows to
 * `onBatch` `batchSize` at a time (awaited: backpressure, so memory stays flat whatever the bill's
 * size). Checks that the summary row's totals equal the detail sums. Throws BillFormatError.
 */
export async function parseTradeBill(
  input: Readable,
  onBatch: (rows: TradeBillRow[]) => Promise<void>,
  batchSize = 500,
): Promise<ParsedBill> {
  const tap = new HashTap();
  const source = await sniffGzip(input);
  const parser = parse({ bom: true, quote: false, relax_column_count: true, skip_empty_lines: true });
  const failed = (e: Error) => parser.destroy(e);
  const plain = source.gzip ? source.stream.pipe(createGunzip()).on('error', failed) : source.stream;
  plain.pipe(tap).on('error', failed).pipe(parser);
  source.stream.on('error', failed);

  const sums = { count: 0, settle: 0, refund: 0, fee: 0, total: 0, refundApplied: 0 };
  let index: Record<Col, number> | undefined;
  let phase: 'header' | 'detail' | 'summary' | 'end' = 'header';
  let summaryHeader: string[] = [];
  let batch: TradeBillRow[] = [];
  let lineNo = 0;
  let batchError: unknown;
  try {
    for await (const record of parser as AsyncIterable<string[]>) {
      lineNo++;
      if (phase === 'header') {
        index = headerIndex(record);
        phase = 'detail';
      } else if (phase === 'detail' && record[0] === '总交易单数') {
        summaryHeader = record;
        phase = 'summary';
      } else if (phase === 'detail') {
        const row = detailRow(record, index!, lineNo, sums.count + 1);
        sums.count++;
        sums.total += row.kind === 'pay' ? row.amount : 0;
        sums.refundApplied += row.kind === 'refund' ? row.amount : 0;
        sums.fee += row.feeMilli;
        sums.settle += amountOf(record, index!.settle, lineNo, COLUMNS.settle);
        sums.refund += amountOf(record, index!.refund, lineNo, COLUMNS.refund);
        batch.push(row);
        if (batch.length >= batchSize) {
          const full = batch;
          batch = [];
          await onBatch(full).catch((err: unknown) => {
            batchError = err;
            throw err;
          });
        }
      } else if (phase === 'summary') {
        checkSummary(summaryHeader, record, sums, lineNo);
        phase = 'end';
      } else throw new BillFormatError(`malformed bill: line ${lineNo} follows the summary row`);
    }
  } catch (e) {
    // Stop the download too (an undici body left unread would hold its connection).
    input.destroy();
    source.stream.destroy();
    if (e instanceof BillFormatError || e === batchError) throw e;
    throw new BillFormatError(`corrupted or truncated download: ${(e as Error).message}`);
  }
  if (phase !== 'end') throw new BillFormatError('truncated bill: the summary row is missing');
  if (batch.length) await onBatch(batch);
  return { rows: sums.count, sha1: tap.hash.digest('hex') };
}

async function sniffGzip(input: Readable): Promise<{ stream: Readable; gzip: boolean }> {
  const it = input[Symbol.asyncIterator]();
  const first = await it.next();
  if (first.done) throw new BillFormatError('corrupted or truncated download: the file is empty');
  const head = Buffer.from(first.value as Buffer);
  async function* rest() {
    yield head;
    for (let n = await it.next(); !n.done; n = await it.next()) yield n.value as Buffer;
  }
  return { stream: Readable.from(rest(), { objectMode: false }), gzip: head[0] === 0x1f && head[1] === 0x8b };
}

function headerIndex(header: string[]): Record<Col, number> {
  const out = {} as Record<Col, number>;
  for (const [k, name] of Object.entries(COLUMNS) as [Col, string][]) {
    const i = header.indexOf(name);
    if (i < 0) throw new BillFormatError(`malformed bill: the header has no ${name} column (is this an ALL trade bill?)`);
    out[k] = i;
  }
  return out;
}

function amountOf(record: string[], i: number, lineNo: number, name: string, scale = 2): number {
  const text = cell(record[i], lineNo, name);
  const v = units(text, scale);
  if (v === undefined) throw new BillFormatError(`malformed row ${lineNo}: ${name} "${text.slice(0, 20)}" is not an amount in yuan`);
  return v;
}

function detailRow(record: string[], ix: Record<Col, number>, lineNo: number, seq: number): TradeBillRow {
  const get = (c: Col) => cell(record[ix[c]], lineNo, COLUMNS[c]);
  const state = get('state');
  if (state !== 'SUCCESS' && state !== 'REFUND')
    throw new BillFormatError(`malformed row ${lineNo}: 交易状态 "${state.slice(0, 16)}" is unknown`);
  const tradeTime = parseBeijingDateTime(get('time'));
  if (Number.isNaN(tradeTime)) throw new BillFormatError(`malformed row ${lineNo}: 交易时间 is not yyyy-MM-dd HH:mm:ss`);
  const outTradeNo = get('outTradeNo');
  const subMchid = get('sub');
  if (!outTradeNo || !/^\d{1,16}$/.test(subMchid))
    throw new BillFormatError(`malformed row ${lineNo}: 商户订单号 or 特约商户号 is missing`);
  const line = record.join(',');
  // No text field of a bill holds one; SQLite would cut the stored row short at it.
  if (line.includes('\0')) throw new BillFormatError(`malformed row ${lineNo}: a NUL byte`);
  const refund = state === 'REFUND';
  const outRefundNo = refund ? get('outRefundNo') : null;
  if (refund && !outRefundNo) throw new BillFormatError(`malformed row ${lineNo}: a refund row without 商户退款单号`);
  return {
    seq,
    kind: refund ? 'refund' : 'pay',
    tradeTime,
    subMchid,
    transactionId: get('txn'),
    outTradeNo,
    outRefundNo,
    amount: amountOf(record, refund ? ix.refundApplied : ix.total, lineNo, refund ? COLUMNS.refundApplied : COLUMNS.total),
    feeMilli: amountOf(record, ix.fee, lineNo, COLUMNS.fee, 5),
    refundStatus: refund ? get('refundStatus') || null : null,
    line,
  };
}

type Sums = Record<'count' | 'settle' | 'refund' | 'fee' | 'total' | 'refundApplied', number>;

function checkSummary(header: string[], record: string[], sums: Sums, lineNo: number): void {
  header.forEach((name, i) => {
    const what = SUMMARY[name];
    if (what === undefined || what === 'ignored') return;
    const text = cell(record[i], lineNo, name);
    if (what === 'count') {
      if (units(text, 0) !== sums.count) throw new BillFormatError(`summary mismatch: ${name} is ${text}, the bill has ${sums.count} rows`);
      return;
    }
    const fen = units(text, 2);
    const detail = what === 'fee' ? milliToFen(sums.fee) : sums[what];
    if (fen === undefined) throw new BillFormatError(`malformed summary row: ${name} "${text.slice(0, 20)}" is not an amount`);
    if (fen !== detail) throw new BillFormatError(`summary mismatch: ${name} is ${text}, the detail rows add up to ${detail} fen`);
  });
}
