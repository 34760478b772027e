/**
 * Profit sharing (分账): splits with each receiver's result (a split can be FINISHED with a receiver
 * CLOSED: the receiver's result is the outcome), returns, and, for one tenant, its approved receivers
 * and its splits against the ratio it authorised.
 */
import { Descriptions, Table, Tag, Typography } from 'antd';
import { useSuspenseQuery } from '@tanstack/react-query';
import { Link, useNavigate } from '@tanstack/react-router';
import type { Row } from '../../../api/types';
import { useT } from '../../../i18n';
import { formatRatio } from '../../../lib/format';
import { Filters, ListTable } from '../../../ui/list';
import { Page, Section } from '../../../ui/Page';
import { Money, StateTag, Time } from '../../../ui/format';
import { ReceiversTab } from '../tenants/tabs/Receivers';
import { complianceQuery } from '../tenants/route';
import { profitSharingRoute, SPLIT_EVENTS, splitEventsQuery } from './route';

type Event = Row<'/admin/v1/events'>;
interface SplitReceiver {
  type: string;
  account: string;
  amount: number;
  description?: string;
  result: string;
  fail_reason?: string | null;
  finish_time?: string | null;
  detail_id?: string | null;
}
interface Split {
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

/** The split or return an event carries (its `data`, or the object inside it); the portal's page reads it too. */
export function splitOf(e: Pick<Event, 'data'>): Split {
  const d = e.data as Record<string, unknown>;
  return ((d.profit_sharing_order ?? d.profit_sharing_return ?? d) as Split) ?? {};
}

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
                  { title: 'return_mchid', key: 'm', render: (_: unknown, e) => splitOf(e).return_mchid },
                  {
                    title: t('profitSharing.amount'),
                    key: 'a',
                    align: 'right',
                    render: (_: unknown, e) => <Money fen={splitOf(e).amount} />,
                  },
                  { title: 'result', key: 's', render: (_: unknown, e) => <StateTag value={splitOf(e).result} /> },
                  { title: 'fail_reason', key: 'f', render: (_: unknown, e) => splitOf(e).fail_reason },
                  ...common(t),
                ]
              : [
                  { title: 'out_order_no', key: 'o', render: (_: unknown, e) => splitOf(e).out_order_no },
                  {
                    title: 'out_trade_no',
                    key: 'tr',
                    render: (_: unknown, e) => {
                      const no = splitOf(e).out_trade_no;
                      return no ? (
                        <Link to="/console/orders" search={{ out_trade_no: no, tenant_id: e.tenant_id }}>
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
                  ...common(t),
                ]
          }
        />
      </Section>
    </Page>
  );
}

function common(t: ReturnType<typeof useT>) {
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
    { title: t('common.createdAt'), dataIndex: 'created_at', render: (v: string) => <Time value={v} /> },
  ];
}

/** Each receiver's share and result (the portal's page shows it too). */
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
          <Descriptions.Item label={t('tenants.maxRatio')}>{formatRatio(ps.max_ratio)}</Descriptions.Item>
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
