/** The shop's refunds, by out_trade_no, out_refund_no and status; paged by the API's cursor. */
import { useSuspenseQuery } from '@tanstack/react-query';
import { Link, useNavigate } from '@tanstack/react-router';
import type { Row } from '../../../api/types';
import { useT } from '../../../i18n';
import { Filters, ListTable } from '../../../ui/list';
import { Page } from '../../../ui/Page';
import { Money, StateTag, Time } from '../../../ui/format';
import { REFUND_STATUSES } from '../../console/refunds/route';
import { portalRefundsQuery, portalRefundsRoute } from './route';

export function PortalRefundsPage() {
  const t = useT();
  const search = portalRefundsRoute.useSearch();
  const navigate = useNavigate({ from: portalRefundsRoute.fullPath });
  const { data, isFetching } = useSuspenseQuery(portalRefundsQuery(search));
  return (
    <Page title={t('nav.refunds')}>
      <Filters
        values={search}
        onSearch={(v) => void navigate({ search: { ...v, cursor: undefined } })}
        fields={[
          { name: 'out_trade_no', label: 'out_trade_no', width: 260 },
          { name: 'out_refund_no', label: 'out_refund_no', width: 260 },
          { name: 'status', label: 'status', options: REFUND_STATUSES },
        ]}
      />
      <ListTable<Row<'/portal/v1/refunds'>>
        page={data}
        busy={isFetching}
        cursor={search.cursor}
        rowKey="id"
        testId="portal-refunds-table"
        columns={[
          { title: 'out_refund_no', dataIndex: 'out_refund_no' },
          {
            title: 'out_trade_no',
            dataIndex: 'out_trade_no',
            render: (v: string) => (
              <Link to="/portal/orders/$outTradeNo" params={{ outTradeNo: v }}>
                {v}
              </Link>
            ),
          },
          { title: 'status', dataIndex: 'status', render: (v: string) => <StateTag value={v} /> },
          { title: t('refunds.refund'), dataIndex: ['amount', 'refund'], align: 'right', render: (v: number) => <Money fen={v} /> },
          { title: t('refunds.total'), dataIndex: ['amount', 'total'], align: 'right', render: (v: number) => <Money fen={v} /> },
          { title: 'reason', dataIndex: 'reason' },
          { title: 'success_time', dataIndex: 'success_time', render: (v: string | null) => <Time value={v} /> },
          { title: t('common.createdAt'), dataIndex: 'created_at', render: (v: string) => <Time value={v} /> },
        ]}
      />
    </Page>
  );
}
