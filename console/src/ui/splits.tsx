/**
 * Profit sharing (分账) as the console and the portal both show it: the split or return an event
 * carries, its columns, and each receiver's share and result under its row (a split can be FINISHED
 * with a receiver CLOSED: the receiver's result is the outcome).
 */
import type { ReactNode } from 'react';
import { Table, Tag } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import type { ExpandableConfig } from 'antd/es/table/interface';
import { useT } from '../i18n';
import { Money, StateTag, Time } from './format';

export interface SplitReceiver {
  type: string;
  account: string;
  amount: number;
  description?: string;
  result: string;
  fail_reason?: string | null;
  finish_time?: string | null;
  detail_id?: string | null;
}
export interface Split {
  out_order_no?: string;
  out_trade_no?: string;
  transaction_id?: string;
  state?: string;
  type?: string;
  amount?: number;
  receivers?: SplitReceiver[];
  out_return_no?: string;
  return_mchid?: string;
  result?: string;
  fail_reason?: string | null;
  finished_at?: string | null;
}

/** The split or return an event carries (its `data`, or the object inside it). */
export function splitOf(e: { data?: unknown }): Split {
  const d = (e.data ?? {}) as Record<string, unknown>;
  return ((d.profit_sharing_order ?? d.profit_sharing_return ?? d) as Split) ?? {};
}

/** Each receiver's share and result. */
export function Receivers({ list }: { list: SplitReceiver[] }) {
  const t = useT();
  return (
    <Table<SplitReceiver>
      size="small"
      rowKey={(r) => `${r.type}-${r.account}`}
      pagination={false}
      dataSource={list}
      columns={[
        { title: 'type', dataIndex: 'type' },
        { title: 'account', dataIndex: 'account' },
        { title: t('profitSharing.amount'), dataIndex: 'amount', align: 'right', render: (v: number) => <Money fen={v} /> },
        { title: 'description', dataIndex: 'description' },
        { title: 'result', dataIndex: 'result', render: (v: string) => <StateTag value={v} /> },
        { title: 'fail_reason', dataIndex: 'fail_reason' },
        { title: 'finish_time', dataIndex: 'finish_time', render: (v: string | null) => <Time value={v} /> },
      ]}
    />
  );
}

/** Splits open to show their receivers; returns have none. */
export function splitExpandable<E extends { data?: unknown }>(returns: boolean): ExpandableConfig<E> | undefined {
  return returns
    ? undefined
    : {
        defaultExpandAllRows: true,
        rowExpandable: (e) => (splitOf(e).receivers?.length ?? 0) > 0,
        expandedRowRender: (e) => <Receivers list={splitOf(e).receivers ?? []} />,
      };
}

/** The columns of a split (or of a return) row; `orderLink` links an out_trade_no to the surface's order page; then `more`. */
export function splitColumns<E extends { data?: unknown; created_at?: string }>(
  t: ReturnType<typeof useT>,
  returns: boolean,
  orderLink: (outTradeNo: string, e: E) => ReactNode,
  more: ColumnsType<E> = [],
): ColumnsType<E> {
  const when = { title: t('common.createdAt'), dataIndex: 'created_at', render: (v: string) => <Time value={v} /> };
  return returns
    ? [
        { title: 'out_return_no', key: 'r', render: (_: unknown, e) => splitOf(e).out_return_no },
        { title: 'out_order_no', key: 'o', render: (_: unknown, e) => splitOf(e).out_order_no },
        { title: 'return_mchid', key: 'm', render: (_: unknown, e) => splitOf(e).return_mchid },
        { title: t('profitSharing.amount'), key: 'a', align: 'right', render: (_: unknown, e) => <Money fen={splitOf(e).amount} /> },
        { title: 'result', key: 's', render: (_: unknown, e) => <StateTag value={splitOf(e).result} /> },
        { title: 'fail_reason', key: 'f', render: (_: unknown, e) => splitOf(e).fail_reason },
        ...more,
        when,
      ]
    : [
        { title: 'out_order_no', key: 'o', render: (_: unknown, e) => splitOf(e).out_order_no },
        {
          title: 'out_trade_no',
          key: 'tr',
          render: (_: unknown, e) => {
            const no = splitOf(e).out_trade_no;
            return no ? orderLink(no, e) : null;
          },
        },
        { title: 'state', key: 's', render: (_: unknown, e) => <StateTag value={splitOf(e).state} /> },
        {
          title: t('profitSharing.results'),
          key: 'res',
          render: (_: unknown, e) => {
            const rs = splitOf(e).receivers ?? [];
            const ok = rs.filter((r) => r.result === 'SUCCESS').length;
            return <Tag color={ok === rs.length ? 'green' : 'red'}>{t('profitSharing.succeeded', { ok, all: rs.length })}</Tag>;
          },
        },
        ...more,
        when,
      ];
}
