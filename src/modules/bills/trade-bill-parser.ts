import { createHash } from 'node:crypto';
import { Readable, Transform } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { parse } from 'csv-parse';
import { milliToFen, units } from './money';
import { parseBeijingDateTime } from './dates';
import { csvLine } from '../../platform/csv/csv-cell';

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

/** A detail row that could not be read: it becomes a discrepancy instead of failing the whole run. */
export interface RejectedRow {
  /** Line number in the file (1 = the header). */
  lineNo: number;
  reason: string;
  /** 特约商户号 and 商户订单号 when they could still be read (the row is then reported to that tenant). */
  subMchid: string | null;
  outTradeNo: string | null;
}

/** What a fully read bill proved: its row count (read rows), the rows it could not read, and the SHA-1 of its uncompressed bytes. */
export interface ParsedBill {
  rows: number;
  rejected: RejectedRow[];
  sha1: string;
}

/** More unreadable rows than this means the file is not in WeChat Pay's layout at all: the run fails. */
export const MAX_REJECTED_ROWS = 100;
/** The free-text columns (the order's description and attach): the only ones a `,`` inside a value can widen. */
const TEXT_COLUMNS = ['商品名称', '商户数据包'];

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

/** A field's value (the layout split has already removed its leading backtick). */
function cell(raw: string | undefined, rowNo: number, name: string): string {
  if (raw === undefined) throw new BillFormatError(`malformed row ${rowNo}: ${name} is missing`);
  return raw;
}

/**
 * A data line split by WeChat Pay's own layout (spec §9.5): every value starts with a backtick, so
 * values are separated by "," + backtick, never by a bare comma (a description like "咖啡, 大杯" is one
 * value). `undefined` when the line does not start with a backtick (a header line).
 */
export function splitBillLine(line: string): string[] | undefined {
  if (!line.startsWith('`')) return undefined;
  return line.slice(1).split(',`');
}

/**
 * A data line's values fitted to the header's column count. A value of a free-text column
 * (商品名称, 商户数据包) that itself holds "," + backtick (an order placed outside partnerpay) widens
 * the line: every other column is then read from its own end of the line (the ones before the text
 * columns from the left, the ones after from the right), so text can never shift an amount.
 * Throws with what is wrong when the line cannot be fitted.
 */
export function fitColumns(values: string[], header: string[]): string[] {
  if (values.length === header.length) return values;
  if (values.length < header.length) throw new Error(`${values.length} columns where the header has ${header.length}`);
  const first = header.indexOf(TEXT_COLUMNS[0]);
  const last = header.indexOf(TEXT_COLUMNS[TEXT_COLUMNS.length - 1]);
  if (first < 0 || last !== first + TEXT_COLUMNS.length - 1)
    throw new Error(`${values.length} columns where the header has ${header.length}`);
  const extra = values.length - header.length;
  // The surplus is folded into the first text column (which one held it cannot be known; neither is an amount).
  const text = values.slice(first, first + extra + 1).join(',`');
  return [...values.slice(0, first), text, ...values.slice(first + extra + 1)];
}

/**
 * A stored bill row as a line of the tenant's CSV in WeChat Pay's columns: each value keeps its
 * leading backtick (so no cell starts like a formula), and a value holding a comma, quote or line
 * break is quoted, so a description such as `x,=HYPERLINK(...)` stays one text cell in a spreadsheet.
 */
export function tenantCsvLine(line: string, header: string[]): string {
  const values = splitBillLine(line) ?? [line];
  let fitted: string[];
  try {
    fitted = fitColumns(values, header);
  } catch {
    fitted = values;
  }
  return csvLine(fitted.map((v) => `\`${v}`));
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
  // Split on "," + backtick, WeChat Pay's separator between values; header lines (no backticks) come
  // out as one field and are split on commas below.
  const parser = parse({ bom: true, quote: false, delimiter: ',`', relax_column_count: true, skip_empty_lines: true });
  const failed = (e: Error) => parser.destroy(e);
  const plain = source.gzip ? source.stream.pipe(createGunzip()).on('error', failed) : source.stream;
  plain.pipe(tap).on('error', failed).pipe(parser);
  source.stream.on('error', failed);

  const sums = { count: 0, settle: 0, refund: 0, fee: 0, total: 0, refundApplied: 0 };
  let index: Record<Col, number> | undefined;
  let phase: 'header' | 'detail' | 'summary' | 'end' = 'header';
  let header: string[] = [];
  let summaryHeader: string[] = [];
  let batch: TradeBillRow[] = [];
  const rejected: RejectedRow[] = [];
  let lineNo = 0;
  let batchError: unknown;
  try {
    for await (const fields of parser as AsyncIterable<string[]>) {
      lineNo++;
      const raw = fields.join(',`');
      const headerLine = !raw.startsWith('`');
      if (phase === 'header') {
        if (!headerLine) throw new BillFormatError('malformed bill: the first line is not the header');
        header = raw.split(',');
        index = headerIndex(header);
        phase = 'detail';
      } else if (phase === 'detail' && headerLine && raw.startsWith('总交易单数')) {
        summaryHeader = raw.split(',');
        phase = 'summary';
      } else if (phase === 'detail') {
        let row: TradeBillRow;
        let settle: number;
        let refund: number;
        try {
          if (headerLine) throw new BillFormatError(`malformed row ${lineNo}: the row does not start with a backtick`);
          let record: string[];
          try {
            record = fitColumns(splitBillLine(raw)!, header);
          } catch (e) {
            throw new BillFormatError(`malformed row ${lineNo}: ${(e as Error).message}`);
          }
          row = detailRow(record, raw, index!, lineNo, sums.count + 1);
          settle = amountOf(record, index!.settle, lineNo, COLUMNS.settle);
          refund = amountOf(record, index!.refund, lineNo, COLUMNS.refund);
        } catch (e) {
          if (!(e instanceof BillFormatError)) throw e;
          rejected.push(rejectedRow(raw, index!, lineNo, e.message));
          if (rejected.length > MAX_REJECTED_ROWS)
            throw new BillFormatError(
              `more than ${MAX_REJECTED_ROWS} unreadable rows (is this WeChat Pay's layout?); the first: ${rejected[0].reason}`,
            );
          continue;
        }
        sums.count++;
        sums.total += row.kind === 'pay' ? row.amount : 0;
        sums.refundApplied += row.kind === 'refund' ? row.amount : 0;
        sums.fee += row.feeMilli;
        sums.settle += settle;
        sums.refund += refund;
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
        checkSummary(summaryHeader, splitBillLine(raw) ?? raw.split(','), sums, rejected, lineNo);
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
  return { rows: sums.count, rejected, sha1: tap.hash.digest('hex') };
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

/** What can still be read of an unreadable row, to report it (to its tenant when 特约商户号 is legible). */
function rejectedRow(raw: string, ix: Record<Col, number>, lineNo: number, reason: string): RejectedRow {
  const values = splitBillLine(raw) ?? raw.split(',');
  // Both columns come before the free-text ones, so they are where the header says even in a widened row.
  const sub = values[ix.sub];
  const outTradeNo = values[ix.outTradeNo];
  return {
    lineNo,
    reason: reason.slice(0, 200),
    subMchid: sub !== undefined && /^\d{1,16}$/.test(sub) ? sub : null,
    outTradeNo: outTradeNo && /^[0-9A-Za-z_\-|*]{1,32}$/.test(outTradeNo) ? outTradeNo : null,
  };
}

function detailRow(record: string[], raw: string, ix: Record<Col, number>, lineNo: number, seq: number): TradeBillRow {
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
  const line = raw;
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

/**
 * The summary row must equal the detail sums. With unreadable rows (reported as discrepancies) it
 * cannot: their amounts are unknown, so only the row count (read + unreadable) is checked rather
 * than failing every tenant.
 */
function checkSummary(header: string[], record: string[], sums: Sums, rejected: RejectedRow[], lineNo: number): void {
  header.forEach((name, i) => {
    const what = SUMMARY[name];
    if (what === undefined || what === 'ignored') return;
    const text = cell(record[i], lineNo, name);
    if (what === 'count') {
      const rows = sums.count + rejected.length;
      if (units(text, 0) !== rows) throw new BillFormatError(`summary mismatch: ${name} is ${text}, the bill has ${rows} rows`);
      return;
    }
    if (rejected.length) return;
    const fen = units(text, 2);
    const detail = what === 'fee' ? milliToFen(sums.fee) : sums[what];
    if (fen === undefined) throw new BillFormatError(`malformed summary row: ${name} "${text.slice(0, 20)}" is not an amount`);
    if (fen !== detail) throw new BillFormatError(`summary mismatch: ${name} is ${text}, the detail rows add up to ${detail} fen`);
  });
}
