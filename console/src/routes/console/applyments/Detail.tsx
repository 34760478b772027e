/**
 * One applyment: its state, the reviewer's rejection reasons by field, the sign_url as a QR code for the
 * super administrator, the whole application (masked), and the admin's actions: ask WeChat Pay for
 * the latest state, and resubmit (as stored, or with a corrected application).
 */
import { Alert, Descriptions, Flex, Form, Input, Table, Typography } from 'antd';
import { QRCodeSVG } from 'qrcode.react';
import { useQueryClient, useSuspenseQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { call } from '../../../api/client';
import { useApiMutation } from '../../../api/query';
import type { Data } from '../../../api/types';
import { useT } from '../../../i18n';
import { useCan } from '../../../surfaces/surface';
import { Action, FormDialog } from '../../../ui/actions';
import { Json } from '../../../ui/data';
import { Page, Section } from '../../../ui/Page';
import { StateTag, Time } from '../../../ui/format';
import { ApplicationView } from './ApplicationView';
import { MediaUpload } from './MediaUpload';
import { applymentQuery, applymentRoute } from './route';

type Applyment = Data<'/admin/v1/applyments/{id}'>['applyment'];
const RESUBMITTABLE = ['APPLYMENT_STATE_EDITTING', 'APPLYMENT_STATE_REJECTED'];
const TO_SIGN = ['APPLYMENT_STATE_TO_BE_CONFIRMED', 'APPLYMENT_STATE_TO_BE_SIGNED', 'APPLYMENT_STATE_SIGNING'];

export function ApplymentDetail() {
  const t = useT();
  const canWrite = useCan();
  const qc = useQueryClient();
  const { id } = applymentRoute.useParams();
  const a: Applyment = useSuspenseQuery(applymentQuery(id)).data.applyment;
  const rejected = new Map(a.audit_detail.map((d) => [d.field, d.reject_reason]));
  return (
    <Page
      title={`${t('applyments.title')} ${a.business_code}`}
      tag={<StateTag value={a.state} />}
      extra={
        <Flex gap={8} wrap>
          <Action
            label={t('applyments.sync')}
            run={async () => {
              const r = await call('get', '/admin/v1/applyments/{id}', { params: { path: { id }, query: { sync: 'true' } } });
              qc.setQueryData(applymentQuery(id).queryKey, r);
              return t('applyments.synced', { state: `${r.applyment.state} ${r.applyment.state_desc ?? ''}` });
            }}
          />
          {canWrite && RESUBMITTABLE.includes(a.state) && <Resubmit applyment={a} />}
        </Flex>
      }
    >
      <Descriptions size="small" bordered column={{ xs: 1, lg: 2 }}>
        <Descriptions.Item label="state">
          <StateTag value={a.state} /> {a.state_desc}
        </Descriptions.Item>
        <Descriptions.Item label="applyment_id">{a.applyment_id}</Descriptions.Item>
        <Descriptions.Item label="sp_mchid">
          <Link to="/console/providers/$spMchid" params={{ spMchid: a.sp_mchid }}>
            {a.sp_mchid}
          </Link>
        </Descriptions.Item>
        <Descriptions.Item label="sub_mchid">{a.sub_mchid}</Descriptions.Item>
        <Descriptions.Item label="tenant_id">
          {a.tenant_id && (
            <Link to="/console/tenants/$id" params={{ id: a.tenant_id }}>
              {a.tenant_id}
            </Link>
          )}
        </Descriptions.Item>
        <Descriptions.Item label={t('applyments.merchant')}>{String(a.tenant?.name ?? '')}</Descriptions.Item>
        <Descriptions.Item label={t('common.createdAt')}>
          <Time value={a.created_at} />
        </Descriptions.Item>
        <Descriptions.Item label={t('common.updatedAt')}>
          <Time value={a.updated_at} />
        </Descriptions.Item>
      </Descriptions>
      {a.last_error && (
        <Alert
          type="error"
          showIcon
          title={t('applyments.lastError')}
          description={<Json value={a.last_error} />}
          style={{ marginTop: 16 }}
        />
      )}
      {a.purged && <Alert type="info" showIcon title={t('applyments.purged')} style={{ marginTop: 16 }} />}

      {a.audit_detail.length > 0 && (
        <Section title={t('applyments.rejections')}>
          <Table
            size="small"
            rowKey="field"
            pagination={false}
            dataSource={a.audit_detail}
            columns={[
              { title: 'field', dataIndex: 'field', render: (v: string) => <code>{v}</code> },
              { title: 'field_name', dataIndex: 'field_name' },
              {
                title: 'reject_reason',
                dataIndex: 'reject_reason',
                render: (v: string) => <Typography.Text type="danger">{v}</Typography.Text>,
              },
            ]}
          />
        </Section>
      )}

      {a.sign_url && TO_SIGN.includes(a.state) && (
        <Section title={t('applyments.signQr')}>
          <QRCodeSVG value={a.sign_url} size={180} title="sign_url" />
          <Typography.Paragraph copyable={{ text: a.sign_url }} type="secondary" style={{ marginTop: 8 }}>
            sign_url
          </Typography.Paragraph>
        </Section>
      )}

      <Section title={t('applyments.application')}>
        <ApplicationView value={a.application} rejected={rejected} />
      </Section>
      <Section title={t('applyments.tenantTemplate')}>
        <ApplicationView value={{ tenant: a.tenant }} rejected={new Map()} />
      </Section>
    </Page>
  );
}

function Resubmit({ applyment }: { applyment: Applyment }) {
  const t = useT();
  const submit = useApiMutation('post', '/admin/v1/applyments/{id}/submit');
  return (
    <FormDialog<{ application?: string }>
      open={t('applyments.resubmit')}
      buttonType="primary"
      title={t('applyments.resubmit')}
      okText={t('applyments.resubmit')}
      width={820}
      submit={async (v) => {
        const text = v.application?.trim();
        const application = text ? (JSON.parse(text) as Record<string, unknown>) : undefined;
        const r = await submit.mutateAsync({ params: { path: { id: applyment.id } }, body: application ? { application } : {} });
        return t('applyments.resubmitted', { state: r.applyment.state });
      }}
    >
      <Alert type="info" showIcon title={t('applyments.resubmitHint')} style={{ marginBottom: 12 }} />
      <Form.Item
        name="application"
        label={t('applyments.correctedApplication')}
        htmlFor="resubmit-application"
        rules={[{ validator: (_, v: string | undefined) => validJsonObject(v, t('applyments.jsonRule')) }]}
      >
        <Input.TextArea
          id="resubmit-application"
          rows={12}
          style={{ fontFamily: 'monospace' }}
          placeholder='{ "contact_info": { … }, … }'
        />
      </Form.Item>
      <MediaUpload spMchid={applyment.sp_mchid} />
    </FormDialog>
  );
}

/** An empty value, or a JSON object. */
export async function validJsonObject(v: string | undefined, message: string): Promise<void> {
  if (!v?.trim()) return;
  let parsed: unknown;
  try {
    parsed = JSON.parse(v);
  } catch {
    throw new Error(message);
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error(message);
}
