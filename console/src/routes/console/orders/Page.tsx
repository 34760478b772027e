/** Orders of every tenant: search by out_trade_no, tenant, state, payment mode (trade_type) and Beijing days; paged by the API's cursor. */
import { useSuspenseQuery } from '@tanstack/react-query';
import { Link, useNavigate } from '@tanstack/react-router';
import type { Row } from '../../../api/types';
import { useT } from '../../../i18n';
import { Filters, ListTable } from '../../../ui/list';
import { Page } from '../../../ui/Page';
import { Money, StateTag, Time } from '../../../ui/format';
import { ordersQuery, ordersRoute, TRADE_STATES, TRADE_TYPES } from './route';

type Order = Row<'/admin/v1/orders'>;

export function OrdersPage() {
  const t = useT();
  const search = ordersRoute.useSearch();
  const navigate = useNavigate({ from: ordersRoute.fullPath });
  const { data, isFetching } = useSuspenseQuery(ordersQuery(search));
  return (
    <Page title={t('nav.orders')}>
      <Filters
        values={search}
        onSearch={(v) => void navigate({ search: { ...v, cursor: undefined } })}
        fields={[
          { name: 'out_trade_no', label: 'out_trade_no', placeholder: t('orders.searchHint'), width: 260 },
          { name: 'transaction_id', label: 'transaction_id', width: 260 },
          { name: 'tenant_id', label: 'tenant_id', width: 240 },
          { name: 'state', label: 'trade_state', options: TRADE_STATES },
          { name: 'trade_type', label: 'trade_type', options: TRADE_TYPES },
          { name: 'from', label: t('common.from'), day: true },
          { name: 'to', label: t('common.to'), day: true },
        ]}
      />
      <ListTable<Order>
        page={data}
        busy={isFetching}
        cursor={search.cursor}
        rowKey="id"
        testId="orders-table"
        columns={[
          {
            title: 'out_trade_no',
            dataIndex: 'out_trade_no',
            render: (v: string, r) => (
              <Link to="/console/orders/$id" params={{ id: r.id }}>
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
          { title: 'trade_type', dataIndex: 'trade_type' },
          { title: 'trade_state', dataIndex: 'trade_state', render: (v: string) => <StateTag value={v} /> },
          { title: t('orders.amount'), dataIndex: ['amount', 'total'], align: 'right', render: (v: number) => <Money fen={v} /> },
          {
            title: t('orders.refunded'),
            dataIndex: 'refunded_total',
            align: 'right',
            render: (v: number) => (v ? <Money fen={v} /> : null),
          },
          { title: 'transaction_id', dataIndex: 'transaction_id' },
          { title: t('common.createdAt'), dataIndex: 'created_at', render: (v: string) => <Time value={v} /> },
        ]}
      />
    </Page>
  );
}
