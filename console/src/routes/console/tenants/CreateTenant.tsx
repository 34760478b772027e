/** POST /admin/v1/tenants: onboard a sub-merchant; its secret key and webhook secret are answered this once. */
import { Flex, Form, Input, Select } from 'antd';
import { useQuery } from '@tanstack/react-query';
import { useApiMutation } from '../../../api/query';
import type { Body, Data } from '../../../api/types';
import { useT } from '../../../i18n';
import { FormDialog } from '../../../ui/actions';
import { providersQuery } from '../providers/route';

export const APP_TYPES = ['miniprogram', 'official_account', 'app'] as const;
export const DEV_MODES = ['outsourced', 'third_party', 'centralized'] as const;
type CreateBody = Body<'/admin/v1/tenants', 'post'>;
interface Values {
  sp_mchid: string;
  sub_mchid: string;
  name: string;
  webhook_url?: string;
  appid?: string;
  type: CreateBody['apps'] extends (infer A)[] | undefined ? (A extends { type: infer T } ? T : never) : never;
  dev_mode: (typeof DEV_MODES)[number];
}

export function CreateTenant({ onCreated }: { onCreated: (created: Data<'/admin/v1/tenants', 'post'>) => void }) {
  const t = useT();
  const providers = useQuery(providersQuery({}));
  const create = useApiMutation('post', '/admin/v1/tenants', { also: ['/admin/v1/dashboard'] });
  return (
    <FormDialog<Values>
      open={t('tenants.create')}
      buttonType="primary"
      title={t('tenants.create')}
      okText={t('common.create')}
      initialValues={{ type: 'miniprogram', dev_mode: 'outsourced' }}
      submit={async (v) => {
        const created = await create.mutateAsync({
          body: {
            sp_mchid: v.sp_mchid,
            sub_mchid: v.sub_mchid,
            name: v.name,
            ...(v.webhook_url ? { webhook_url: v.webhook_url } : {}),
            apps: v.appid ? [{ appid: v.appid, type: v.type, dev_mode: v.dev_mode }] : [],
          },
        });
        onCreated(created);
        return t('tenants.created', { name: created.name, id: created.id });
      }}
    >
      <Form.Item name="sp_mchid" label="sp_mchid" htmlFor="sp_mchid" rules={[{ required: true }]}>
        <Select
          id="sp_mchid"
          loading={providers.isLoading}
          options={(providers.data?.data ?? []).map((p) => ({ value: p.sp_mchid, label: `${p.sp_mchid} ${p.name}` }))}
        />
      </Form.Item>
      <Form.Item name="sub_mchid" label="sub_mchid" htmlFor="sub_mchid" rules={[{ required: true }]}>
        <Input id="sub_mchid" />
      </Form.Item>
      <Form.Item name="name" label={t('tenants.name')} htmlFor="name" rules={[{ required: true }]}>
        <Input id="name" />
      </Form.Item>
      <Form.Item name="webhook_url" label={t('tenants.webhook')} htmlFor="webhook_url">
        <Input id="webhook_url" placeholder="https://merchant.example.com/partnerpay/events" />
      </Form.Item>
      <Flex gap={12} wrap>
        <Form.Item name="appid" label="appid" htmlFor="appid">
          <Input id="appid" placeholder="wx…" />
        </Form.Item>
        <Form.Item name="type" label="type" htmlFor="type">
          <Select id="type" style={{ width: 160 }} options={APP_TYPES.map((x) => ({ value: x, label: x }))} />
        </Form.Item>
        <Form.Item name="dev_mode" label="dev_mode" htmlFor="dev_mode">
          <Select id="dev_mode" style={{ width: 160 }} options={DEV_MODES.map((x) => ({ value: x, label: x }))} />
        </Form.Item>
      </Flex>
    </FormDialog>
  );
}
