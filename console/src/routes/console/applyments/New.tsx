/**
 * POST /admin/v1/applyments: a new application. The application is WeChat Pay's own JSON (personal
 * values in plain text: the server encrypts them and the console never shows them again); the images
 * are uploaded first and referenced by media_id. The form keeps one Idempotency-Key, so submitting twice
 * answers the first applyment.
 */
import { useState } from 'react';
import { Button, Card, Flex, Form, Input, Select } from 'antd';
import { useQuery } from '@tanstack/react-query';
import { useNavigate } from '@tanstack/react-router';
import { useApiMutation } from '../../../api/query';
import type { Body } from '../../../api/types';
import { useT } from '../../../i18n';
import { useFeedback } from '../../../ui/feedback';
import { Page, Section } from '../../../ui/Page';
import { providersQuery } from '../providers/route';
import { APP_TYPES, DEV_MODES } from '../tenants/CreateTenant';
import { validJsonObject } from './Detail';
import { MediaUpload } from './MediaUpload';

type CreateBody = Body<'/admin/v1/applyments', 'post'>;
interface Values {
  sp_mchid: string;
  business_code?: string;
  name: string;
  appid?: string;
  type: (typeof APP_TYPES)[number];
  dev_mode: (typeof DEV_MODES)[number];
  webhook_url?: string;
  application: string;
}

function randomKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return `console-${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}

export function NewApplyment() {
  const t = useT();
  const feedback = useFeedback();
  const navigate = useNavigate();
  const providers = useQuery(providersQuery({}));
  const create = useApiMutation('post', '/admin/v1/applyments');
  const [idempotencyKey] = useState(randomKey);
  const [form] = Form.useForm<Values>();
  const spMchid = Form.useWatch('sp_mchid', form);
  return (
    <Page title={t('applyments.new')}>
      <Form<Values>
        form={form}
        layout="vertical"
        style={{ maxWidth: 880 }}
        initialValues={{ type: 'miniprogram', dev_mode: 'outsourced' }}
        onFinish={async (v) => {
          const body: CreateBody = {
            sp_mchid: v.sp_mchid,
            ...(v.business_code ? { business_code: v.business_code } : {}),
            application: JSON.parse(v.application) as CreateBody['application'],
            tenant: {
              name: v.name,
              apps: v.appid ? [{ appid: v.appid, type: v.type, dev_mode: v.dev_mode }] : [],
              webhook_url: v.webhook_url ? v.webhook_url : null,
            },
          };
          try {
            const { applyment } = await create.mutateAsync({ body, params: { header: { 'Idempotency-Key': idempotencyKey } } });
            await navigate({ to: '/console/applyments/$id', params: { id: applyment.id } });
            feedback.success(t('applyments.submitted', { code: applyment.business_code, state: applyment.state }));
          } catch (e) {
            feedback.error(e);
          }
        }}
      >
        <Flex gap={16} wrap>
          <Form.Item name="sp_mchid" label="sp_mchid" htmlFor="apl-sp" rules={[{ required: true }]}>
            <Select
              id="apl-sp"
              style={{ minWidth: 280 }}
              options={(providers.data?.data ?? []).map((p) => ({ value: p.sp_mchid, label: `${p.sp_mchid} ${p.name}` }))}
            />
          </Form.Item>
          <Form.Item name="business_code" label="business_code" htmlFor="apl-code" extra={t('applyments.businessCodeHint')}>
            <Input id="apl-code" />
          </Form.Item>
        </Flex>
        <Card size="small" title={t('applyments.tenantTemplate')} style={{ marginBottom: 16 }}>
          <Form.Item name="name" label={t('tenants.name')} htmlFor="apl-name" rules={[{ required: true }]}>
            <Input id="apl-name" />
          </Form.Item>
          <Flex gap={12} wrap>
            <Form.Item name="appid" label="appid" htmlFor="apl-appid">
              <Input id="apl-appid" placeholder="wx…" />
            </Form.Item>
            <Form.Item name="type" label="type" htmlFor="apl-type">
              <Select id="apl-type" style={{ width: 160 }} options={APP_TYPES.map((x) => ({ value: x, label: x }))} />
            </Form.Item>
            <Form.Item name="dev_mode" label="dev_mode" htmlFor="apl-mode">
              <Select id="apl-mode" style={{ width: 160 }} options={DEV_MODES.map((x) => ({ value: x, label: x }))} />
            </Form.Item>
          </Flex>
          <Form.Item name="webhook_url" label={t('tenants.webhook')} htmlFor="apl-webhook">
            <Input id="apl-webhook" />
          </Form.Item>
        </Card>
        <Form.Item
          name="application"
          label={t('applyments.applicationInput')}
          htmlFor="apl-application"
          extra={t('applyments.applicationHint')}
          rules={[{ required: true }, { validator: (_, v: string | undefined) => validJsonObject(v, t('applyments.jsonRule')) }]}
        >
          <Input.TextArea
            id="apl-application"
            rows={16}
            style={{ fontFamily: 'monospace' }}
            placeholder='{ "contact_info": { … }, "subject_info": { … }, … }'
          />
        </Form.Item>
        <Button type="primary" htmlType="submit" loading={create.isPending}>
          {t('applyments.submit')}
        </Button>
      </Form>
      <Section title={t('media.title')}>
        <MediaUpload spMchid={spMchid} />
      </Section>
    </Page>
  );
}
