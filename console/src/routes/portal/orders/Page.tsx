/** The shop's orders: find one by its order number or WeChat Pay's transaction_id; paged by the API's cursor. */
import { useSuspenseQuery } from '@tanstack/react-query';
import { Link, useNavigate } from '@tanstack/react-router';
import type { Row } from '../../../api/types';
import { useT } from '../../../i18n';
import { Filters, ListTable } from '../../../ui/list';
import { Page } from '../../../ui/Page';
import { Money, StateTag, Time } from '../../../ui/format';
import { PORTAL_TRADE_STATES, portalOrdersQuery, portalOrdersRoute } from './route';

type Order = Row<'/portal/v1/orders'>;

export function PortalOrdersPage() {
  const t = useT();
  const search = portalOrdersRoute.useSearch();
  const navigate = useNavigate({ from: portalOrdersRoute.fullPath });
  const { data, isFetching } = useSuspenseQuery(portalOrdersQuery(search));
  return (
    <Page title={t('nav.orders')}>
      <Filters
        values={search}
        onSearch={(v) => void navigate({ search: { ...v, cursor: undefined } })}
        fields={[
          { name: 'out_trade_no', label: 'out_trade_no', placeholder: t('orders.searchHint'), width: 260 },
          { name: 'transaction_id', label: 'transaction_id', width: 260 },
          { name: 'state', label: 'trade_state', options: PORTAL_TRADE_STATES },
        ]}
      />
      <ListTable<Order>
        page={data}
        busy={isFetching}
        cursor={search.cursor}
        rowKey="id"
        testId="portal-orders-table"
        columns={[
          {
            title: 'out_trade_no',
            dataIndex: 'out_trade_no',
            render: (v: string) => (
              <Link to="/portal/orders/$outTradeNo" params={{ outTradeNo: v }}>
                {v}
              </Link>
            ),
          },
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
