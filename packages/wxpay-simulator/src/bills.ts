import type { Order, Refund } from './state';

/** Trade bill types (spec §9.1). */
export type BillType = 'ALL' | 'SUCCESS' | 'REFUND';

const BOM = '\ufeff';
const EOL = '\r\n';
/** The simulator's fee rate: 0.60%, rounded to the fen per line. */
const FEE_RATE = 0.006;
const FEE_RATE_TEXT = '0.60%';

const HEADERS: Record<BillType, string[]> = {
  ALL: [
    '交易时间',
    '公众账号ID',
    '商户号',
    '特约商户号',
    '设备号',
    '微信订单号',
    '商户订单号',
    '用户标识',
    '交易类型',
    '交易状态',
    '付款银行',
    '货币种类',
    '应结订单金额',
    '代金券金额',
    '微信退款单号',
    '商户退款单号',
    '退款金额',
    '充值券退款金额',
    '退款类型',
    '退款状态',
    '商品名称',
    '商户数据包',
    '手续费',
    '费率',
    '订单金额',
    '申请退款金额',
    '费率备注',
  ],
  SUCCESS: [
    '交易时间',
    '公众账号ID',
    '商户号',
    '特约商户号',
    '设备号',
    '微信订单号',
    '商户订单号',
    '用户标识',
    '交易类型',
    '交易状态',
    '付款银行',
    '货币种类',
    '应结订单金额',
    '代金券金额',
    '商品名称',
    '商户数据包',
    '手续费',
    '费率',
    '订单金额',
    '费率备注',
  ],
  REFUND: [
    '交易时间',
    '公众账号ID',
    '商户号',
    '特约商户号',
    '设备号',
    '微信订单号',
    '商户订单号',
    '用户标识',
    '交易类型',
    '交易状态',
    '付款银行',
    '货币种类',
    '应结订单金额',
    '代金券金额',
    '退款申请时间',
    '退款成功时间',
    '微信退款单号',
    '商户退款单号',
    '退款金额',
    '充值券退款金额',
    '退款类型',
    '退款状态',
    '商品名称',
    '商户数据包',
    '手续费',
    '费率',
    '订单金额',
    '申请退款金额',
    '费率备注',
  ],
};
const SUMMARY_SUCCESS = ['总交易单数', '应结订单总金额', '手续费总金额', '订单总金额'];
const SUMMARY_ALL = ['总交易单数', '应结订单总金额', '退款总金额', '充值券退款总金额', '手续费总金额', '订单总金额', '申请退款总金额'];

/** Fen as yuan with two decimals: 1 → "0.01". */
export function yuan(fen: number): string {
  const sign = fen < 0 ? '-' : '';
  const a = Math.abs(fen);
  return `${sign}${Math.floor(a / 100)}.${String(a % 100).padStart(2, '0')}`;
}

/** Fen as yuan with five decimals, as the fee column is written: 1 → "0.01000". */
function yuan5(fen: number): string {
  return `${yuan(fen)}000`;
}

/** A total as the summary line writes it (a Java double): 47 fen → "0.47", 100 fen → "1.0", 45 rows → "45.0". */
function javaDouble(n: number): string {
  return Number.isInteger(n) ? n.toFixed(1) : String(n);
}

/** `yyyy-MM-dd HH:mm:ss` in Beijing time. */
export function beijingDateTime(ms: number): string {
  return new Date(ms + 8 * 3_600_000).toISOString().slice(0, 19).replace('T', ' ');
}

/** `yyyy-MM-dd` in Beijing time. */
export function beijingDate(ms: number): string {
  return beijingDateTime(ms).slice(0, 10);
}

function fee(fen: number): number {
  return Math.round(fen * FEE_RATE);
}

function who(o: Order): [string, string] {
  return o.payer.sub_openid && o.sub_appid
    ? [o.sub_appid, o.payer.sub_openid]
    : [o.sp_appid, o.payer.sp_openid ?? o.payer.sub_openid ?? ''];
}

interface Line {
  cells: string[];
  settle: number;
  refund: number;
  fee: number;
  total: number;
  refundApplied: number;
}

function successLine(o: Order, type: BillType): Line {
  const [appid, openid] = who(o);
  const head = [
    beijingDateTime(o.success_time!),
    appid,
    o.sp_mchid,
    o.sub_mchid,
    '',
    o.transaction_id!,
    o.out_trade_no,
    openid,
    o.trade_type ?? 'JSAPI',
    'SUCCESS',
    'OTHERS',
    'CNY',
    yuan(o.total),
    '0.00',
  ];
  const f = fee(o.total);
  const cells =
    type === 'ALL'
      ? [...head, '0', '0', '0.00', '0.00', '', '', o.description, o.attach ?? '', yuan5(f), FEE_RATE_TEXT, yuan(o.total), '0.00', '']
      : [...head, o.description, o.attach ?? '', yuan5(f), FEE_RATE_TEXT, yuan(o.total), ''];
  return { cells, settle: o.total, refund: 0, fee: f, total: o.total, refundApplied: 0 };
}

function refundLine(r: Refund, type: BillType): Line {
  const o = r.order;
  const [appid, openid] = who(o);
  const time = type === 'REFUND' ? o.success_time! : r.createdAt;
  const head = [
    beijingDateTime(time),
    appid,
    o.sp_mchid,
    o.sub_mchid,
    '',
    o.transaction_id!,
    o.out_trade_no,
    openid,
    o.trade_type ?? 'JSAPI',
    'REFUND',
    'OTHERS',
    'CNY',
    '0.00',
    '0.00',
  ];
  const f = -fee(r.refund);
  const refundCols = [r.refund_id, r.out_refund_no, yuan(r.refund), '0.00', 'ORIGINAL', r.status];
  const applied = type === 'REFUND' ? [beijingDateTime(r.createdAt), r.success_time ? beijingDateTime(r.success_time) : ''] : [];
  const cells = [...head, ...applied, ...refundCols, o.description, o.attach ?? '', yuan5(f), FEE_RATE_TEXT, '0.00', yuan(r.refund), ''];
  return { cells, settle: 0, refund: r.refund, fee: f, total: 0, refundApplied: r.refund };
}

/** Backtick-prefixed fields, as every data line of a WeChat Pay bill is written. */
function dataLine(cells: string[]): string {
  return cells.map((c) => `\`${c}`).join(',');
}

/**
 * Bill faults (control API `POST /simulator/control/bills/faults`): WeChat Pay's bill disagreeing with
 * the merchant's records, or a broken download. They stay until cleared, except `not_ready`, which
 * answers that many applications with STATEMENT_CREATING.
 */
/** A paid row the merchant's records do not have. */
export interface UnknownPaidRow {
  sub_mchid: string;
  total?: number;
  out_trade_no?: string;
}

export interface BillFaults {
  /** Paid rows for orders the merchant never placed (of `sub_mchid`, `total` fen): one or a list. */
  unknown_paid_row?: UnknownPaidRow | UnknownPaidRow[];
  /** The pay row of `out_trade_no` says `total` fen instead. */
  change_amount?: { out_trade_no: string; total: number };
  /** The row of `out_trade_no` (its pay row) or of `out_refund_no` is left out. */
  drop_row?: { out_trade_no?: string; out_refund_no?: string };
  /** hash_value does not match the file. */
  corrupt_hash?: boolean;
  /** The file is cut off in the middle. */
  truncate?: boolean;
  /** One detail row carries an amount that is not yuan. */
  malformed_row?: boolean;
  /** The next `not_ready` applications answer STATEMENT_CREATING. */
  not_ready?: number;
}

function applyFaults(lines: Line[], f: BillFaults, type: BillType, date: string): Line[] {
  let out = lines;
  const pay = (l: Line) => l.cells[9] === 'SUCCESS';
  if (f.drop_row) {
    const { out_trade_no: t, out_refund_no: r } = f.drop_row;
    out = out.filter((l) => !((t && pay(l) && l.cells[6] === t) || (r && !pay(l) && l.cells[type === 'REFUND' ? 17 : 15] === r)));
  }
  if (f.change_amount && type !== 'REFUND') {
    const { out_trade_no: t, total } = f.change_amount;
    out = out.map((l) => {
      if (!pay(l) || l.cells[6] !== t) return l;
      const cells = [...l.cells];
      cells[12] = yuan(total);
      cells[cells.length - (type === 'ALL' ? 3 : 2)] = yuan(total);
      return { ...l, cells, settle: total, total };
    });
  }
  const unknown = f.unknown_paid_row === undefined ? [] : [f.unknown_paid_row].flat();
  for (const [i, u] of type === 'REFUND' ? [] : unknown.entries()) {
    const total = u.total ?? 100;
    const o = {
      sp_mchid: lines[0]?.cells[2] ?? '0',
      sub_mchid: u.sub_mchid,
      sp_appid: 'wx0000000000000000',
      payer: { sp_openid: 'oUnknownPayer000000000000000' },
      transaction_id: `4200000${Date.now()}${String(Math.floor(Math.random() * 1e6)).padStart(6, '0')}`,
      out_trade_no: u.out_trade_no ?? `UNKNOWN${Date.now()}${i}`,
      total,
      description: 'unknown',
      attach: undefined,
      success_time: Date.parse(`${date}T12:00:00+08:00`),
    } as unknown as Order;
    out = [...out, successLine(o, type)];
  }
  if (f.malformed_row && out.length) {
    const cells = [...out[0].cells];
    cells[12] = 'x.yz';
    out = [{ ...out[0], cells }, ...out.slice(1)];
  }
  return out;
}

/**
 * A trade bill in WeChat Pay's CSV format (spec §9.5): UTF-8 BOM, header, backtick-prefixed rows,
 * summary header, summary row, CRLF line ends, amounts in yuan. Rows: orders paid on `date`
 * (Beijing time) and refunds applied for on `date`; `faults` alter the rows (and so the summary).
 */
export function tradeBill(
  type: BillType,
  date: string,
  orders: Order[],
  refunds: Refund[],
  faults: BillFaults = {},
): { csv: string; rows: number } {
  let lines: Line[] = [];
  if (type !== 'REFUND')
    for (const o of orders) if (o.success_time !== undefined && beijingDate(o.success_time) === date) lines.push(successLine(o, type));
  if (type !== 'SUCCESS') for (const r of refunds) if (beijingDate(r.createdAt) === date) lines.push(refundLine(r, type));
  lines = applyFaults(lines, faults, type, date);
  lines.sort((a, b) => a.cells[0].localeCompare(b.cells[0]));
  const sum = (k: keyof Omit<Line, 'cells'>) => lines.reduce((s, l) => s + l[k], 0) / 100;
  const summary =
    type === 'SUCCESS'
      ? [javaDouble(lines.length), javaDouble(sum('settle')), javaDouble(sum('fee')), javaDouble(sum('total'))]
      : [
          javaDouble(lines.length),
          javaDouble(sum('settle')),
          javaDouble(sum('refund')),
          '0.0',
          javaDouble(sum('fee')),
          javaDouble(sum('total')),
          javaDouble(sum('refundApplied')),
        ];
  const out = [
    HEADERS[type].join(','),
    ...lines.map((l) => dataLine(l.cells)),
    (type === 'SUCCESS' ? SUMMARY_SUCCESS : SUMMARY_ALL).join(','),
    dataLine(summary),
  ];
  return { csv: BOM + out.join(EOL) + EOL, rows: lines.length };
}

/** The trade bill's text (see tradeBill). */
export function tradeBillCsv(type: BillType, date: string, orders: Order[], refunds: Refund[]): string {
  return tradeBill(type, date, orders, refunds).csv;
}

const FUND_HEADER = [
  '记账时间',
  '微信支付业务单号',
  '资金流水单号',
  '业务名称',
  '业务类型',
  '收支类型',
  '收支金额（元）',
  '账户结余（元）',
  '资金变更提交申请人',
  '备注',
  '业务凭证号',
];
const FUND_SUMMARY = ['资金流水总笔数', '收入笔数', '收入金额', '支出笔数', '支出金额'];

/**
 * The service provider's own fund-flow bill. In ordinary service-provider mode payments settle
 * straight to the sub-merchants, so the provider's account has no movements from them: the bill
 * holds the header and a zero summary.
 */
export function fundFlowBillCsv(): string {
  return BOM + [FUND_HEADER.join(','), FUND_SUMMARY.join(','), dataLine(['0', '0', '0.00', '0', '0.00'])].join(EOL) + EOL;
}

/**
 * One sub-merchant's fund flow on `date` (its BASIC account): each payment in (交易, 收入) and its
 * fee out (扣除交易手续费, 支出); each refund out (退款, 支出) and its fee back (退还交易手续费, 收入).
 * The fees are the trade bill's, so the two bills tie.
 */
export function subFundFlowBillCsv(date: string, orders: Order[], refunds: Refund[]): { csv: string; rows: number } {
  type Flow = { at: number; biz: string; type: string; income: boolean; fen: number; ref: string; no: string };
  const flows: Flow[] = [];
  for (const o of orders) {
    if (o.success_time === undefined || beijingDate(o.success_time) !== date) continue;
    flows.push({ at: o.success_time, biz: '交易', type: '交易', income: true, fen: o.total, ref: o.out_trade_no, no: o.transaction_id! });
    const f = fee(o.total);
    if (f)
      flows.push({
        at: o.success_time,
        biz: '交易',
        type: '扣除交易手续费',
        income: false,
        fen: f,
        ref: o.out_trade_no,
        no: o.transaction_id!,
      });
  }
  for (const r of refunds) {
    if (beijingDate(r.createdAt) !== date) continue;
    flows.push({ at: r.createdAt, biz: '退款', type: '退款', income: false, fen: r.refund, ref: r.out_refund_no, no: r.refund_id });
    const f = fee(r.refund);
    if (f)
      flows.push({ at: r.createdAt, biz: '退款', type: '退还交易手续费', income: true, fen: f, ref: r.out_refund_no, no: r.refund_id });
  }
  flows.sort((a, b) => a.at - b.at);
  let balance = 0;
  let seq = 0;
  const lines = flows.map((f) => {
    balance += f.income ? f.fen : -f.fen;
    const flowNo = `${date.replace(/-/g, '')}${String(++seq).padStart(10, '0')}`;
    return dataLine([
      beijingDateTime(f.at),
      f.no,
      flowNo,
      f.biz,
      f.type,
      f.income ? '收入' : '支出',
      yuan(f.fen),
      yuan(balance),
      'system',
      '',
      f.ref,
    ]);
  });
  const inc = flows.filter((f) => f.income);
  const out = flows.filter((f) => !f.income);
  const total = (l: Flow[]) => javaDouble(l.reduce((s, f) => s + f.fen, 0) / 100);
  const summary = dataLine([javaDouble(flows.length), javaDouble(inc.length), total(inc), javaDouble(out.length), total(out)]);
  return { csv: BOM + [FUND_HEADER.join(','), ...lines, FUND_SUMMARY.join(','), summary].join(EOL) + EOL, rows: flows.length };
}
