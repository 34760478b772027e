/**
 * Profit sharing (分账): splits with each receiver's result (a split can be FINISHED with a receiver
 * CLOSED: the receiver's result is the outcome), returns, and, for one tenant, its approved receivers
 * and its splits against the ratio it authorised.
 */
import { Descriptions, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useSuspenseQuery } from '@tanstack/react-query';
import { Link, useNavigate } from '@tanstack/react-router';
import type { Row } from '../../../api/types';
import { useT } from '../../../i18n';
import { formatRatio } from '../../../lib/format';
import { Filters, ListTable } from '../../../ui/list';
import { Page, Section } from '../../../ui/Page';
import { Money } from '../../../ui/format';
import { splitColumns, splitExpandable } from '../../../ui/splits';
import { ReceiversTab } from '../tenants/tabs/Receivers';
import { complianceQuery } from '../tenants/route';
import { profitSharingRoute, SPLIT_EVENTS, splitEventsQuery } from './route';

type Event = Row<'/admin/v1/events'>;
export function ProfitSharingPage() {
  const t = useT();
  const search = profitSharingRoute.useSearch();
  const navigate = useNavigate({ from: profitSharingRoute.fullPath });
  const events = useSuspenseQuery(splitEventsQuery(search));
  const returns = (search.type ?? 'profit_sharing.finished') === 'profit_sharing.returned';
  return (
    <Page title={t('nav.profitSharing')}>
      <Filters
        values={search}
        onSearch={(v) => void navigate({ search: { ...v, cursor: undefined } })}
        fields={[
          { name: 'tenant_id', label: 'tenant_id', width: 240 },
          { name: 'type', label: t('profitSharing.kind'), options: SPLIT_EVENTS, width: 220 },
        ]}
      />
      {search.tenant_id && <TenantSummary id={search.tenant_id} />}
      <Section title={returns ? t('profitSharing.returns') : t('profitSharing.splits')}>
        <ListTable<Event>
          page={events.data}
          busy={events.isFetching}
          cursor={search.cursor}
          rowKey="id"
          testId="splits-table"
          expandable={splitExpandable<Event>(returns)}
          columns={splitColumns<Event>(
            t,
            returns,
            (no, e) => (
              <Link to="/console/orders" search={{ out_trade_no: no, tenant_id: e.tenant_id }}>
                {no}
              </Link>
            ),
            links(t),
          )}
        />
      </Section>
    </Page>
  );
}

function links(t: ReturnType<typeof useT>): ColumnsType<Event> {
  return [
    {
      title: 'tenant_id',
      dataIndex: 'tenant_id',
      render: (v: string) => (
        <Link to="/console/tenants/$id" params={{ id: v }}>
          {v}
        </Link>
      ),
    },
    {
      title: t('events.title'),
      dataIndex: 'id',
      render: (v: string) => (
        <Link to="/console/events/$id" params={{ id: v }}>
          {v}
        </Link>
      ),
    },
  ];
}

function TenantSummary({ id }: { id: string }) {
  const t = useT();
  const ps = useSuspenseQuery(complianceQuery(id)).data.profit_sharing;
  return (
    <>
      <Section title={t('profitSharing.cap')}>
        <Typography.Paragraph>
          <Link to="/console/tenants/$id" params={{ id }} search={{ tab: 'receivers' }}>
            {id}
          </Link>
        </Typography.Paragraph>
        <Descriptions size="small" bordered column={{ xs: 1, lg: 3 }}>
          <Descriptions.Item label={t('tenants.maxRatioShown')}>{formatRatio(ps.max_ratio)}</Descriptions.Item>
          <Descriptions.Item label={t('profitSharing.ordersSplit')}>{ps.orders_split}</Descriptions.Item>
          <Descriptions.Item label={t('profitSharing.highestShare')}>{formatRatio(ps.highest_share)}</Descriptions.Item>
          <Descriptions.Item label={t('profitSharing.splitTotal')}>
            <Money fen={ps.split_total} />
          </Descriptions.Item>
          <Descriptions.Item label={t('profitSharing.paidTotal')}>
            <Money fen={ps.paid_total} />
          </Descriptions.Item>
        </Descriptions>
      </Section>
      <Section title={t('tenants.receivers')}>
        <ReceiversTab id={id} />
      </Section>
    </>
  );
}
