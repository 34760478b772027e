import { useEffect, useState } from 'react';
import { Card, Col, Row, Statistic, Table } from 'antd';
import { api, yuan } from '../api';
import { ErrorAlert, Heading } from '../components';
import { useT } from '../i18n';

interface TenantStats {
  tenant_id: string;
  name: string;
  sub_mchid: string;
  status: string;
  orders: number;
  paid: number;
  paid_amount: number;
  success_rate: number | null;
  notifications_refused: number;
  deliveries_failed: number;
}

const pct = (r: number | null) => (r === null ? '—' : `${(r * 100).toFixed(1)}%`);

/** Today's figures per tenant (GET /admin/v1/dashboard), with platform totals on top. */
export function Dashboard({ openTenant }: { openTenant: (id: string) => void }) {
  const t = useT();
  const [data, setData] = useState<{ since: string; tenants: TenantStats[] } | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    api('GET', '/admin/v1/dashboard').then(setData, setError);
  }, []);
  const rows = data?.tenants ?? [];
  const sum = (k: keyof TenantStats) => rows.reduce((s, r) => s + Number(r[k] ?? 0), 0);
  const orders = sum('orders');
  return (
    <>
      <Heading>{t('nav.dashboard')}</Heading>
      <ErrorAlert error={error} />
      <Row gutter={16} style={{ marginBottom: 16 }}>
        <Col span={5}>
          <Card>
            <Statistic title={t('dashboard.orders')} value={orders} />
          </Card>
        </Col>
        <Col span={5}>
          <Card>
            <Statistic title={t('dashboard.successRate')} value={pct(orders ? sum('paid') / orders : null)} />
          </Card>
        </Col>
        <Col span={5}>
          <Card>
            <Statistic title={t('dashboard.amount')} value={yuan(sum('paid_amount'))} />
          </Card>
        </Col>
        <Col span={4}>
          <Card>
            <Statistic title={t('dashboard.refused')} value={sum('notifications_refused')} />
          </Card>
        </Col>
        <Col span={5}>
          <Card>
            <Statistic title={t('dashboard.failed')} value={sum('deliveries_failed')} />
          </Card>
        </Col>
      </Row>
      <Table<TenantStats>
        size="small"
        rowKey="tenant_id"
        dataSource={rows}
        pagination={false}
        onRow={(r) => ({
          tabIndex: 0,
          onKeyDown: (e) => e.key === 'Enter' && openTenant(r.tenant_id),
          onDoubleClick: () => openTenant(r.tenant_id),
        })}
        columns={[
          { title: t('tenants.name'), dataIndex: 'name', sorter: (a, b) => a.name.localeCompare(b.name) },
          { title: 'sub_mchid', dataIndex: 'sub_mchid' },
          { title: t('dashboard.orders'), dataIndex: 'orders', sorter: (a, b) => a.orders - b.orders },
          { title: t('dashboard.paid'), dataIndex: 'paid', sorter: (a, b) => a.paid - b.paid },
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
          },
          { title: t('dashboard.failed'), dataIndex: 'deliveries_failed', sorter: (a, b) => a.deliveries_failed - b.deliveries_failed },
        ]}
      />
    </>
  );
}
