/**
 * One provider: its credentials' public parts, and the key report: the verification mode, the
 * public key or platform certificates, which key verified each recent message, failures and warnings.
 * Also its complaint notification URL at WeChat Pay, its own fund-flow bills (CSV) and its reconciliations.
 */
import { Alert, Button, Descriptions, Form, Input, Select, Table, Tag } from 'antd';
import { useSuspenseQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { download } from '../../../api/client';
import type { Data } from '../../../api/types';
import { useT } from '../../../i18n';
import { beijingYesterday } from '../../../lib/format';
import { useCan } from '../../../surfaces/surface';
import { useFeedback } from '../../../ui/feedback';
import { Page, Section } from '../../../ui/Page';
import { StateTag, Time } from '../../../ui/format';
import { ProviderForm } from './ProviderForm';
import { ComplaintUrl } from './ComplaintUrl';
import { PlatformKeys } from './PlatformKeys';
import { keyReportQuery, providerQuery, providerRoute } from './route';

type Report = Data<'/admin/v1/service-providers/{sp_mchid}/keys'>;
type Loose = Record<string, string | number | null>;

export function ProviderDetail() {
  const t = useT();
  const canWrite = useCan();
  const { spMchid } = providerRoute.useParams();
  const p = useSuspenseQuery(providerQuery(spMchid)).data;
  const report: Report = useSuspenseQuery(keyReportQuery(spMchid)).data;
  return (
    <Page
      title={`${t('providers.title')} ${p.name}`}
      extra={canWrite && <ProviderForm spMchid={p.sp_mchid} name={p.name} spAppid={p.sp_appid} />}
    >
      {report.warnings.map((w) => (
        <Alert key={w.code + (w.serial_no ?? '')} type="warning" showIcon title={`${w.code}: ${w.message}`} style={{ marginBottom: 12 }} />
      ))}
      <Descriptions size="small" bordered column={{ xs: 1, lg: 2 }}>
        <Descriptions.Item label="sp_mchid">{p.sp_mchid}</Descriptions.Item>
        <Descriptions.Item label="sp_appid">{p.sp_appid}</Descriptions.Item>
        <Descriptions.Item label={t('providers.verification')}>
          <Tag color={p.verification.mode === 'public_key' ? 'green' : 'blue'}>
            {t(p.verification.mode === 'public_key' ? 'providers.modePublicKey' : 'providers.modeCertificate')}
          </Tag>
        </Descriptions.Item>
        <Descriptions.Item label="merchant_serial_no">{p.merchant_serial_no}</Descriptions.Item>
        <Descriptions.Item label="wechatpay_public_key_id">{report.public_key?.public_key_id}</Descriptions.Item>
        <Descriptions.Item label={t('providers.publicKeyLastUsed')}>
          <Time value={report.public_key?.last_used_at} />
        </Descriptions.Item>
        <Descriptions.Item label="sp_app_secret">{p.sp_app_secret_set ? t('common.set') : t('common.notSet')}</Descriptions.Item>
        <Descriptions.Item label={t('providers.failuresLastHour')}>
          {report.failures.last_hour}{' '}
          {Object.entries(report.failures.by_reason).map(([reason, n]) => (
            <Tag key={reason} color="red">
              {reason}: {n}
            </Tag>
          ))}
        </Descriptions.Item>
        <Descriptions.Item label={t('common.updatedAt')}>
          <Time value={p.updated_at} />
        </Descriptions.Item>
        <Descriptions.Item label={t('nav.reconciliations')}>
          <Link to="/console/reconciliations" search={{ sp_mchid: p.sp_mchid }}>
            {t('providers.reconciliations')}
          </Link>
        </Descriptions.Item>
      </Descriptions>

      <Section title={t('providers.certificates')}>
        <Table<Loose>
          size="small"
          rowKey={(c) => String(c.serial_no)}
          pagination={false}
          dataSource={report.certificates as Loose[]}
          locale={{ emptyText: report.mode === 'public_key' ? t('providers.noCertificatesPublicKey') : t('common.none') }}
          columns={[
            { title: 'serial_no', dataIndex: 'serial_no' },
            { title: 'state', dataIndex: 'state', render: (v: string) => <StateTag value={v === 'valid' ? 'ok' : v} /> },
            { title: 'not_before', dataIndex: 'not_before', render: (v: string) => <Time value={v} /> },
            { title: 'not_after', dataIndex: 'not_after', render: (v: string) => <Time value={v} /> },
            { title: 'expires_in_days', dataIndex: 'expires_in_days', align: 'right' },
            { title: t('providers.lastUsed'), dataIndex: 'last_used_at', render: (v: string) => <Time value={v} /> },
          ]}
        />
      </Section>

      <Section title={t('providers.recentChecks')}>
        <Table<Loose>
          size="small"
          rowKey={(c, i) => `${c.at}-${i}`}
          pagination={{ pageSize: 10, hideOnSinglePage: true }}
          dataSource={report.recent_checks as Loose[]}
          locale={{ emptyText: t('common.none') }}
          columns={[
            { title: t('events.at'), dataIndex: 'at', render: (v: string) => <Time value={v} /> },
            { title: t('providers.verifiedBy'), dataIndex: 'verified_by', render: (v: string) => <Tag>{v}</Tag> },
            { title: 'serial', dataIndex: 'serial' },
            { title: 'result', dataIndex: 'result', render: (v: string) => <StateTag value={v} /> },
          ]}
        />
      </Section>

      <Section title={t('providers.recentNotifications')}>
        <Table<Loose>
          size="small"
          rowKey={(c, i) => `${c.received_at}-${i}`}
          pagination={{ pageSize: 10, hideOnSinglePage: true }}
          dataSource={report.recent_notifications as Loose[]}
          locale={{ emptyText: t('common.none') }}
          columns={[
            { title: 'received_at', dataIndex: 'received_at', render: (v: string) => <Time value={v} /> },
            {
              title: 'tenant_id',
              dataIndex: 'tenant_id',
              render: (v: string) => (
                <Link to="/console/tenants/$id" params={{ id: v }}>
                  {v}
                </Link>
              ),
            },
            { title: 'kind', dataIndex: 'kind' },
            { title: t('providers.verifiedBy'), dataIndex: 'verified_by' },
            { title: 'verification', dataIndex: 'verification', render: (v: string) => <StateTag value={v} /> },
            { title: 'outcome', dataIndex: 'outcome', render: (v: string) => <StateTag value={v} /> },
          ]}
        />
      </Section>

      <Section title={t('complaintUrl.title')}>
        <ComplaintUrl spMchid={p.sp_mchid} />
      </Section>

      <Section title={t('platformKeys.title')}>
        <PlatformKeys spMchid={p.sp_mchid} />
      </Section>

      <Section title={t('providers.fundflow')}>
        <FundflowDownload spMchid={p.sp_mchid} />
      </Section>
    </Page>
  );
}

/** The provider's own fund-flow bill of a Beijing day, as WeChat Pay's CSV (fetched with the token, saved as a file). */
function FundflowDownload({ spMchid }: { spMchid: string }) {
  const t = useT();
  const feedback = useFeedback();
  return (
    <Form
      layout="inline"
      initialValues={{ bill_date: beijingYesterday(), account_type: 'BASIC' }}
      onFinish={async (v: { bill_date: string; account_type: 'BASIC' | 'OPERATION' | 'FEES' }) => {
        const name = `fundflow-${spMchid}-${v.bill_date}-${v.account_type}.csv`;
        try {
          await download('/admin/v1/bills/{sp_mchid}/{bill_date}', name, {
            params: { path: { sp_mchid: spMchid, bill_date: v.bill_date }, query: { type: 'fundflow', account_type: v.account_type } },
          });
          feedback.success(t('providers.downloaded', { name }));
        } catch (e) {
          feedback.error(e);
        }
      }}
    >
      <Form.Item name="bill_date" label="bill_date" htmlFor="ff-date" rules={[{ required: true }]}>
        <Input id="ff-date" type="date" />
      </Form.Item>
      <Form.Item name="account_type" label="account_type" htmlFor="ff-type">
        <Select id="ff-type" style={{ width: 140 }} options={['BASIC', 'OPERATION', 'FEES'].map((x) => ({ value: x, label: x }))} />
      </Form.Item>
      <Button htmlType="submit">{t('providers.download')}</Button>
    </Form>
  );
}
