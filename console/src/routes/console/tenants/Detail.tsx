/** One tenant, in tabs (the tab is in the URL): settings, apps, keys, receivers, settlement account, 二清 compliance. */
import { Descriptions, Flex, Tabs } from 'antd';
import { UsersTab } from './tabs/Users';
import { useSuspenseQuery } from '@tanstack/react-query';
import { Link, useNavigate } from '@tanstack/react-router';
import { useT } from '../../../i18n';
import { Page } from '../../../ui/Page';
import { StateTag, Time } from '../../../ui/format';
import { tenantQuery, tenantRoute, type TenantTab } from './route';
import { AppsTab } from './tabs/Apps';
import { ComplianceTab } from './tabs/Compliance';
import { KeysTab } from './tabs/Keys';
import { ReceiversTab } from './tabs/Receivers';
import { SettingsTab } from './tabs/Settings';
import { SettlementTab } from './tabs/Settlement';

export function TenantDetail() {
  const t = useT();
  const { id } = tenantRoute.useParams();
  const { tab = 'settings' } = tenantRoute.useSearch();
  const navigate = useNavigate({ from: tenantRoute.fullPath });
  const tenant = useSuspenseQuery(tenantQuery(id)).data;
  return (
    <Page title={tenant.name} tag={<StateTag value={tenant.status} />}>
      <Descriptions size="small" bordered column={{ xs: 1, lg: 2 }} style={{ marginBottom: 16 }}>
        <Descriptions.Item label="id">{tenant.id}</Descriptions.Item>
        <Descriptions.Item label="sp_mchid / sub_mchid">
          <Link to="/console/providers/$spMchid" params={{ spMchid: tenant.sp_mchid }}>
            {tenant.sp_mchid}
          </Link>{' '}
          / {tenant.sub_mchid}
        </Descriptions.Item>
        <Descriptions.Item label="notify_urls" span={2}>
          {tenant.notify_urls.transactions}
          <br />
          {tenant.notify_urls.refunds}
        </Descriptions.Item>
        <Descriptions.Item label={t('common.createdAt')}>
          <Time value={tenant.created_at} />
        </Descriptions.Item>
        <Descriptions.Item label={t('tenants.activity')}>
          <Flex gap={12} wrap>
            <Link to="/console/orders" search={{ tenant_id: tenant.id }}>
              {t('nav.orders')}
            </Link>
            <Link to="/console/refunds" search={{ tenant_id: tenant.id }}>
              {t('nav.refunds')}
            </Link>
            <Link to="/console/events" search={{ tenant_id: tenant.id }}>
              {t('nav.events')}
            </Link>
            <Link to="/console/notifications" search={{ tenant_id: tenant.id }}>
              {t('nav.notifications')}
            </Link>
            <Link to="/console/profit-sharing" search={{ tenant_id: tenant.id }}>
              {t('nav.profitSharing')}
            </Link>
          </Flex>
        </Descriptions.Item>
      </Descriptions>
      <Tabs
        activeKey={tab}
        onChange={(k) => void navigate({ search: { tab: k as TenantTab }, replace: true })}
        items={[
          { key: 'settings', label: t('tenants.settings'), children: <SettingsTab tenant={tenant} /> },
          { key: 'apps', label: t('tenants.apps'), children: <AppsTab tenant={tenant} /> },
          { key: 'keys', label: t('tenants.keys'), children: <KeysTab id={tenant.id} /> },
          { key: 'receivers', label: t('tenants.receivers'), children: <ReceiversTab id={tenant.id} /> },
          { key: 'settlement', label: t('tenants.settlement'), children: tab === 'settlement' ? <SettlementTab id={tenant.id} /> : null },
          { key: 'users', label: t('tenants.users'), children: tab === 'users' ? <UsersTab id={tenant.id} /> : null },
          { key: 'compliance', label: t('tenants.compliance'), children: <ComplianceTab id={tenant.id} /> },
        ]}
      />
    </Page>
  );
}
