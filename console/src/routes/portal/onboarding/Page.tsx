/** Where the shop's onboarding (特约商户进件) stands: its state, rejection reasons by field, the link to sign. */
import { Descriptions, Table } from 'antd';
import { useSuspenseQuery } from '@tanstack/react-query';
import { useT } from '../../../i18n';
import { Page } from '../../../ui/Page';
import { StateTag, Time } from '../../../ui/format';
import { portalOnboardingQuery } from './route';

export function PortalOnboardingPage() {
  const t = useT();
  const { tenant, applyment } = useSuspenseQuery(portalOnboardingQuery()).data;
  return (
    <Page title={t('portal.onboarding')} tag={<StateTag value={tenant.status} />}>
      <Descriptions size="small" bordered column={1}>
        <Descriptions.Item label={t('portal.onboarding.shop')}>{tenant.name}</Descriptions.Item>
        <Descriptions.Item label="sub_mchid">{tenant.sub_mchid}</Descriptions.Item>
        <Descriptions.Item label="applyment">
          {applyment ? (
            <>
              <StateTag value={applyment.state} /> {applyment.state_desc}
            </>
          ) : (
            t('portal.onboarding.direct')
          )}
        </Descriptions.Item>
        {applyment?.sign_url && (
          <Descriptions.Item label="sign_url">
            <a href={applyment.sign_url} target="_blank" rel="noreferrer">
              {applyment.sign_url}
            </a>
          </Descriptions.Item>
        )}
        {applyment && (
          <Descriptions.Item label={t('common.updatedAt')}>
            <Time value={applyment.updated_at} />
          </Descriptions.Item>
        )}
      </Descriptions>
      {applyment?.audit_detail?.length ? (
        <Table
          style={{ marginTop: 16 }}
          size="small"
          rowKey={(r: { field?: string; reject_reason?: string }) => `${r.field}:${r.reject_reason}`}
          pagination={false}
          dataSource={applyment.audit_detail}
          columns={[
            { title: 'field', dataIndex: 'field_name' },
            { title: 'reject_reason', dataIndex: 'reject_reason' },
          ]}
        />
      ) : null}
    </Page>
  );
}
