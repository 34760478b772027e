/** Pieces of an order's page shared by the console and the portal: its refunds table. */
import { Table } from 'antd';
import { useT } from '../i18n';
import { Money, StateTag, Time } from './format';

export interface RefundRow {
  id: string;
  out_refund_no: string;
  status: string;
  amount: { refund: number };
  reason?: string | null;
  created_at?: string;
  success_time?: string | null;
}

/** An order's refunds: amount in yuan, status, when asked and when it succeeded (Beijing time). */
export function RefundsTable({ refunds }: { refunds: readonly RefundRow[] }) {
  const t = useT();
  return (
    <Table<RefundRow>
      size="small"
      rowKey="id"
      pagination={{ pageSize: 20, hideOnSinglePage: true }}
      dataSource={[...refunds]}
      locale={{ emptyText: t('common.none') }}
      columns={[
        { title: 'out_refund_no', dataIndex: 'out_refund_no' },
        { title: 'status', dataIndex: 'status', render: (v: string) => <StateTag value={v} /> },
        { title: t('refunds.refund'), dataIndex: ['amount', 'refund'], align: 'right', render: (v: number) => <Money fen={v} /> },
        { title: 'reason', dataIndex: 'reason' },
        { title: t('common.createdAt'), dataIndex: 'created_at', render: (v: string) => <Time value={v} /> },
        { title: 'success_time', dataIndex: 'success_time', render: (v: string | null) => <Time value={v} /> },
      ]}
    />
  );
}
