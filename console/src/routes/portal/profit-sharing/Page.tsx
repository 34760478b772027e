/** The shop's profit sharing (分账), read-only: each finished split with every receiver's result, and returns. */
import { Tag } from 'antd';
import { useSuspenseQuery } from '@tanstack/react-query';
import { Link, useNavigate } from '@tanstack/react-router';
import type { Row } from '../../../api/types';
import { useT } from '../../../i18n';
import { Filters, ListTable } from '../../../ui/list';
import { Page } from '../../../ui/Page';
import { Money, StateTag, Time } from '../../../ui/format';
import { Receivers, splitOf } from '../../console/profit-sharing/Page';
import { SPLIT_EVENTS } from '../../console/profit-sharing/route';
import { portalProfitSharingRoute, portalSplitsQuery } from './route';

type Event = Row<'/portal/v1/events'>;

export function PortalProfitSharingPage() {
  const t = useT();
  const search = portalProfitSharingRoute.useSearch();
  const navigate = useNavigate({ from: portalProfitSharingRoute.fullPath });
  const { data, isFetching } = useSuspenseQuery(portalSplitsQuery(search));
  const returns = (search.type ?? 'profit_sharing.finished') === 'profit_sharing.returned';
  const when = { title: t('common.createdAt'), dataIndex: 'created_at', render: (v: string) => <Time value={v} /> };
  return (
    <Page title={t('nav.profitSharing')}>
      <Filters
        values={search}
        onSearch={(v) => void navigate({ search: { ...v, cursor: undefined } })}
        fields={[{ name: 'type', label: t('profitSharing.kind'), options: SPLIT_EVENTS, width: 220 }]}
      />
      <ListTable<Event>
        page={data}
        busy={isFetching}
        cursor={search.cursor}
        rowKey="id"
        testId="portal-splits-table"
        expandable={
          returns
            ? undefined
            : {
                defaultExpandAllRows: true,
                rowExpandable: (e) => (splitOf(e).receivers?.length ?? 0) > 0,
                expandedRowRender: (e) => <Receivers list={splitOf(e).receivers ?? []} />,
              }
        }
        columns={
          returns
            ? [
                { title: 'out_return_no', key: 'r', render: (_: unknown, e) => splitOf(e).out_return_no },
                { title: 'out_order_no', key: 'o', render: (_: unknown, e) => splitOf(e).out_order_no },
                {
                  title: t('profitSharing.amount'),
                  key: 'a',
                  align: 'right',
                  render: (_: unknown, e) => <Money fen={splitOf(e).amount} />,
                },
                { title: 'result', key: 's', render: (_: unknown, e) => <StateTag value={splitOf(e).result} /> },
                { title: 'fail_reason', key: 'f', render: (_: unknown, e) => splitOf(e).fail_reason },
                when,
              ]
            : [
                { title: 'out_order_no', key: 'o', render: (_: unknown, e) => splitOf(e).out_order_no },
                {
                  title: 'out_trade_no',
                  key: 'tr',
                  render: (_: unknown, e) => {
                    const no = splitOf(e).out_trade_no;
                    return no ? (
                      <Link to="/portal/orders/$outTradeNo" params={{ outTradeNo: no }}>
                        {no}
                      </Link>
                    ) : null;
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
                when,
              ]
        }
      />
    </Page>
  );
}
