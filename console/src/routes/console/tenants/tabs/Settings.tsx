/** PATCH /admin/v1/tenants/{id}: name, webhook, order expiry, rate limit, authorised split ratio; suspend/activate. */
import { Button, Flex, Form, Input, InputNumber } from 'antd';
import { useApiMutation } from '../../../../api/query';
import type { Data } from '../../../../api/types';
import { useT } from '../../../../i18n';
import { formatRatio } from '../../../../lib/format';
import { useCan } from '../../../../surfaces/surface';
import { Action } from '../../../../ui/actions';
import { useFeedback } from '../../../../ui/feedback';

type Tenant = Data<'/admin/v1/tenants/{id}'>;
interface Values {
  name: string;
  webhook_url: string;
  order_expire_minutes: number;
  orders_per_minute: number;
  max_ratio: number;
}

export function SettingsTab({ tenant }: { tenant: Tenant }) {
  const t = useT();
  const canWrite = useCan();
  const feedback = useFeedback();
  const patch = useApiMutation('patch', '/admin/v1/tenants/{id}', { also: ['/admin/v1/dashboard'] });
  const path = { path: { id: tenant.id } };
  const suspended = tenant.status === 'suspended';
  return (
    <>
      <Form<Values>
        layout="vertical"
        disabled={!canWrite}
        style={{ maxWidth: 640 }}
        initialValues={{
          name: tenant.name,
          webhook_url: tenant.webhook_url ?? '',
          order_expire_minutes: tenant.order_expire_minutes,
          orders_per_minute: tenant.limits.orders_per_minute,
          max_ratio: tenant.profit_sharing.max_ratio,
        }}
        onFinish={async (v) => {
          try {
            const out = await patch.mutateAsync({
              params: path,
              body: {
                name: v.name,
                webhook_url: v.webhook_url.trim() ? v.webhook_url.trim() : null,
                order_expire_minutes: v.order_expire_minutes,
                limits: { orders_per_minute: v.orders_per_minute },
                profit_sharing: { max_ratio: v.max_ratio },
              },
            });
            feedback.success(t('tenants.saved', { name: out.name }));
          } catch (e) {
            feedback.error(e);
          }
        }}
      >
        <Form.Item name="name" label={t('tenants.name')} htmlFor="t-name" rules={[{ required: true }]}>
          <Input id="t-name" />
        </Form.Item>
        <Form.Item name="webhook_url" label={t('tenants.webhook')} htmlFor="t-webhook" extra={t('tenants.webhookHint')}>
          <Input id="t-webhook" />
        </Form.Item>
        <Flex gap={16} wrap>
          <Form.Item name="order_expire_minutes" label={t('tenants.expireMinutes')} htmlFor="t-expire">
            <InputNumber id="t-expire" min={5} max={21600} />
          </Form.Item>
          <Form.Item name="orders_per_minute" label={t('tenants.ordersPerMinute')} htmlFor="t-limit">
            <InputNumber id="t-limit" min={1} max={1000000} />
          </Form.Item>
          <Form.Item
            name="max_ratio"
            label={t('tenants.maxRatio')}
            htmlFor="t-ratio"
            extra={t('tenants.maxRatioHint', { ratio: formatRatio(tenant.profit_sharing.max_ratio) })}
          >
            <InputNumber id="t-ratio" min={0} max={3000} />
          </Form.Item>
        </Flex>
        {canWrite && (
          <Button type="primary" htmlType="submit" loading={patch.isPending}>
            {t('common.save')}
          </Button>
        )}
      </Form>
      {canWrite && (
        <div style={{ marginTop: 24 }}>
          <Action
            danger={!suspended}
            label={suspended ? t('tenants.activate') : t('tenants.suspend')}
            confirm={suspended ? undefined : t('tenants.suspendConfirm', { name: tenant.name })}
            run={async () => {
              const out = await patch.mutateAsync({ params: path, body: { status: suspended ? 'active' : 'suspended' } });
              return t('tenants.statusChanged', { name: out.name, status: out.status });
            }}
          />
        </div>
      )}
    </>
  );
}
