/** Refunds of every tenant, by out_trade_no, tenant and status. */
import { useSuspenseQuery } from '@tanstack/react-query';
import { Link, useNavigate } from '@tanstack/react-router';
import type { Row } from '../../../api/types';
import { useT } from '../../../i18n';
import { Filters, ListTable } from '../../../ui/list';
import { Page } from '../../../ui/Page';
import { Money, StateTag, Time } from '../../../ui/format';
import { REFUND_STATUSES, refundsQuery, refundsRoute } from './route';

export function RefundsPage() {
  const t = useT();
  const search = refundsRoute.useSearch();
  const navigate = useNavigate({ from: refundsRoute.fullPath });
  const { data, isFetching } = useSuspenseQuery(refundsQuery(search));
  return (
    <Page title={t('nav.refunds')}>
      <Filters
        values={search}
        onSearch={(v) => void navigate({ search: { ...v, cursor: undefined } })}
        fields={[
          { name: 'out_trade_no', label: 'out_trade_no', width: 260 },
          { name: 'out_refund_no', label: 'out_refund_no', width: 260 },
          { name: 'tenant_id', label: 'tenant_id', width: 240 },
          { name: 'status', label: 'status', options: REFUND_STATUSES },
        ]}
      />
      <ListTable<Row<'/admin/v1/refunds'>>
        page={data}
        busy={isFetching}
        cursor={search.cursor}
        rowKey="id"
        testId="refunds-table"
        columns={[
          { title: 'out_refund_no', dataIndex: 'out_refund_no' },
          {
            title: 'out_trade_no',
            dataIndex: 'out_trade_no',
            render: (v: string, r) => (
              <Link to="/console/orders" search={{ out_trade_no: v, tenant_id: r.tenant_id }}>
                {v}
              </Link>
            ),
          },
          {
            title: 'tenant_id',
            dataIndex: 'tenant_id',
            render: (v: string) => (
              <Link to="/console/tenants/$id" params={{ id: v }}>
                {v}
              </Link>
            ),
          },
          { title: 'status', dataIndex: 'status', render: (v: string) => <StateTag value={v} /> },
          { title: t('refunds.refund'), dataIndex: ['amount', 'refund'], align: 'right', render: (v: number) => <Money fen={v} /> },
          { title: t('refunds.total'), dataIndex: ['amount', 'total'], align: 'right', render: (v: number) => <Money fen={v} /> },
          { title: 'reason', dataIndex: 'reason' },
          { title: 'success_time', dataIndex: 'success_time', render: (v: string) => <Time value={v} /> },
          { title: t('common.createdAt'), dataIndex: 'created_at', render: (v: string) => <Time value={v} /> },
        ]}
      />
    </Page>
  );
}
