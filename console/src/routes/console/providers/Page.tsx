/** Service providers (服务商): their verification mode and credentials' public parts. */
import { Tag } from 'antd';
import { useSuspenseQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import type { Row } from '../../../api/types';
import { useT } from '../../../i18n';
import { useCan } from '../../../surfaces/surface';
import { ListTable } from '../../../ui/list';
import { Page } from '../../../ui/Page';
import { Time } from '../../../ui/format';
import { ProviderForm } from './ProviderForm';
import { providersQuery, providersRoute } from './route';

export function ProvidersPage() {
  const t = useT();
  const canWrite = useCan();
  const search = providersRoute.useSearch();
  const { data, isFetching } = useSuspenseQuery(providersQuery(search));
  return (
    <Page title={t('nav.providers')} extra={canWrite && <ProviderForm />}>
      <ListTable<Row<'/admin/v1/service-providers'>>
        page={data}
        busy={isFetching}
        cursor={search.cursor}
        rowKey="sp_mchid"
        testId="providers-table"
        columns={[
          {
            title: 'sp_mchid',
            dataIndex: 'sp_mchid',
            render: (v: string) => (
              <Link to="/console/providers/$spMchid" params={{ spMchid: v }}>
                {v}
              </Link>
            ),
          },
          { title: t('providers.name'), dataIndex: 'name' },
          { title: 'sp_appid', dataIndex: 'sp_appid' },
          {
            title: t('providers.verification'),
            dataIndex: 'verification',
            render: (v: Row<'/admin/v1/service-providers'>['verification']) => (
              <>
                <Tag color={v.mode === 'public_key' ? 'green' : 'blue'}>
                  {t(v.mode === 'public_key' ? 'providers.modePublicKey' : 'providers.modeCertificate')}
                </Tag>
                {v.wechatpay_public_key_id && <code>{v.wechatpay_public_key_id}</code>}
              </>
            ),
          },
          { title: 'merchant_serial_no', dataIndex: 'merchant_serial_no', ellipsis: true },
          { title: 'sp_app_secret', dataIndex: 'sp_app_secret_set', render: (v: boolean) => (v ? t('common.set') : t('common.notSet')) },
          { title: t('common.updatedAt'), dataIndex: 'updated_at', render: (v: string) => <Time value={v} /> },
        ]}
      />
    </Page>
  );
}
