/** Today's figures per tenant (GET /admin/v1/dashboard, since 00:00 Beijing time), with platform totals on top. */
import { Card, Flex, Statistic, Table, Typography } from 'antd';
import type { ReactNode } from 'react';
import { useSuspenseQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import type { Data } from '../../../api/types';
import { useLang } from '../../../i18n';
import { formatMoney } from '../../../lib/format';
import { Page } from '../../../ui/Page';
import { StateTag, Time } from '../../../ui/format';
import { dashboardQuery } from './route';

type TenantStats = Data<'/admin/v1/dashboard'>['tenants'][number];

const pct = (r: number | null) => (r === null ? '—' : `${(r * 100).toFixed(1)}%`);

export function DashboardPage() {
  const { t, lang } = useLang();
  const { data } = useSuspenseQuery(dashboardQuery());
  const rows = data.tenants;
  const sum = (k: 'orders' | 'paid' | 'paid_amount' | 'notifications_refused' | 'deliveries_failed') => rows.reduce((s, r) => s + r[k], 0);
  const orders = sum('orders');
  return (
    <Page title={t('nav.dashboard')}>
      <Typography.Paragraph type="secondary">
        {t('dashboard.since')} <Time value={data.since} />
      </Typography.Paragraph>
      {/* One flex row of equal cards: each grows alike and stretches to the tallest, the one with a link included. */}
      <Flex gap={16} wrap style={{ marginBottom: 16 }}>
        <StatCard title={t('dashboard.orders')} value={orders} />
        <StatCard title={t('dashboard.successRate')} value={pct(orders ? sum('paid') / orders : null)} />
        <StatCard title={t('dashboard.amount')} value={formatMoney(sum('paid_amount'), lang)} />
        <StatCard title={t('dashboard.refused')} value={sum('notifications_refused')} />
        <StatCard title={t('dashboard.failed')} value={sum('deliveries_failed')}>
          <Link to="/console/events" search={{ status: 'pending' }}>
            {t('dashboard.retrying')}
          </Link>
        </StatCard>
      </Flex>
      <Table<TenantStats>
        size="small"
        rowKey="tenant_id"
        dataSource={rows}
        pagination={{ pageSize: 20, hideOnSinglePage: true }}
        scroll={{ x: 'max-content' }}
        locale={{ emptyText: t('common.none') }}
        columns={[
          {
            title: t('tenants.name'),
            dataIndex: 'name',
            sorter: (a, b) => a.name.localeCompare(b.name),
            render: (name: string, r) => (
              <Link to="/console/tenants/$id" params={{ id: r.tenant_id }}>
                {name}
              </Link>
            ),
          },
          { title: 'sub_mchid', dataIndex: 'sub_mchid' },
          { title: 'status', dataIndex: 'status', render: (s: string) => <StateTag value={s} /> },
          {
            title: t('dashboard.orders'),
            dataIndex: 'orders',
            sorter: (a, b) => a.orders - b.orders,
            render: (n: number, r) => (
              <Link to="/console/orders" search={{ tenant_id: r.tenant_id }}>
                {n}
              </Link>
            ),
          },
          { title: t('dashboard.paid'), dataIndex: 'paid', sorter: (a, b) => a.paid - b.paid },
          {
            title: t('dashboard.amount'),
            dataIndex: 'paid_amount',
            render: (fen: number) => formatMoney(fen, lang),
            sorter: (a, b) => a.paid_amount - b.paid_amount,
          },
          {
            title: t('dashboard.successRate'),
            dataIndex: 'success_rate',
            render: pct,
            sorter: (a, b) => (a.success_rate ?? -1) - (b.success_rate ?? -1),
          },
          {
            title: t('dashboard.refused'),
            dataIndex: 'notifications_refused',
            sorter: (a, b) => a.notifications_refused - b.notifications_refused,
            render: (n: number, r) => (
              <Link to="/console/notifications" search={{ tenant_id: r.tenant_id, outcome: 'refused' }}>
                {n}
              </Link>
            ),
          },
          {
            title: t('dashboard.failed'),
            dataIndex: 'deliveries_failed',
            sorter: (a, b) => a.deliveries_failed - b.deliveries_failed,
            render: (n: number, r) => (
              <Link to="/console/events" search={{ tenant_id: r.tenant_id, status: 'failed' }}>
                {n}
              </Link>
            ),
          },
        ]}
      />
    </Page>
  );
}

/** One figure on the dashboard; every card the same width and as tall as the tallest in its row. */
function StatCard({ title, value, children }: { title: string; value: number | string; children?: ReactNode }) {
  return (
    <Card style={{ flex: '1 1 180px' }} data-testid="dashboard-card">
      <Statistic title={title} value={value} />
      {children}
    </Card>
  );
}
