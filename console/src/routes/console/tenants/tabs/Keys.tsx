/** Secret keys (new ones shown once; revoke) and the webhook secret's rotation (the old one signs until its grace ends). */
import { useState } from 'react';
import { Flex, Form, Select, Table } from 'antd';
import { useSuspenseQuery } from '@tanstack/react-query';
import { useApiMutation } from '../../../../api/query';
import type { Row } from '../../../../api/types';
import { useT } from '../../../../i18n';
import { formatBeijing } from '../../../../lib/format';
import { useCan } from '../../../../surfaces/surface';
import { Action, FormDialog } from '../../../../ui/actions';
import { SecretOnce } from '../../../../ui/data';
import { StateTag, Time } from '../../../../ui/format';
import { secretKeysQuery } from '../route';

type Key = Row<'/admin/v1/tenants/{id}/secret-keys'>;
const GRACE = [0, 3600, 86400, 7 * 86400] as const;

export function KeysTab({ id }: { id: string }) {
  const t = useT();
  const canWrite = useCan();
  const keys = useSuspenseQuery(secretKeysQuery(id)).data.data;
  const [secret, setSecret] = useState<{ label: string; value: string } | null>(null);
  const create = useApiMutation('post', '/admin/v1/tenants/{id}/secret-keys');
  const revoke = useApiMutation('delete', '/admin/v1/tenants/{id}/secret-keys/{key_id}', { also: ['/admin/v1/tenants/{id}/secret-keys'] });
  const rotate = useApiMutation('post', '/admin/v1/tenants/{id}/webhook-secret/rotate');
  return (
    <>
      {secret && <SecretOnce label={secret.label} value={secret.value} warning={t('tenants.secretOnce')} />}
      {canWrite && (
        <Flex gap={8} wrap style={{ marginBottom: 12 }}>
          <Action
            label={t('tenants.newKey')}
            run={async () => {
              const k = await create.mutateAsync({ params: { path: { id } } });
              setSecret({ label: 'secret_key', value: k.secret_key });
              return t('keys.created', { prefix: k.prefix });
            }}
          />
          <FormDialog<{ previous_expires_in_seconds: number }>
            open={t('tenants.rotateWebhook')}
            title={t('tenants.rotateWebhook')}
            okText={t('keys.rotate')}
            initialValues={{ previous_expires_in_seconds: 86400 }}
            submit={async (v) => {
              const r = await rotate.mutateAsync({
                params: { path: { id } },
                body: { previous_expires_in_seconds: v.previous_expires_in_seconds },
              });
              setSecret({ label: 'webhook_secret', value: r.webhook_secret });
              return t('keys.webhookRotated', { until: formatBeijing(r.previous_expires_at) });
            }}
          >
            <Form.Item name="previous_expires_in_seconds" label={t('keys.grace')} htmlFor="grace" extra={t('keys.graceHint')}>
              <Select
                id="grace"
                options={GRACE.map((s) => ({ value: s, label: s === 0 ? t('keys.graceNone') : t('keys.graceHours', { hours: s / 3600 }) }))}
              />
            </Form.Item>
          </FormDialog>
        </Flex>
      )}
      <Table<Key>
        size="small"
        rowKey="id"
        pagination={false}
        dataSource={keys}
        locale={{ emptyText: t('common.none') }}
        columns={[
          { title: 'id', dataIndex: 'id' },
          { title: 'prefix', dataIndex: 'prefix', render: (v: string) => <code>{v}…</code> },
          { title: t('common.createdAt'), dataIndex: 'created_at', render: (v: string) => <Time value={v} /> },
          { title: t('keys.lastUsed'), dataIndex: 'last_used_at', render: (v: string) => <Time value={v} /> },
          {
            title: t('keys.revokedAt'),
            dataIndex: 'revoked_at',
            render: (v: string | null) => (v ? <Time value={v} /> : <StateTag value="active" />),
          },
          ...(canWrite
            ? [
                {
                  title: t('common.actions'),
                  key: 'actions',
                  render: (_: unknown, k: Key) =>
                    k.revoked_at ? null : (
                      <Action
                        danger
                        size="small"
                        label={t('keys.revoke')}
                        confirm={t('keys.revokeConfirm', { prefix: k.prefix })}
                        run={async () => {
                          await revoke.mutateAsync({ params: { path: { id, key_id: k.id } } });
                          return t('keys.revoked', { prefix: k.prefix });
                        }}
                      />
                    ),
                },
              ]
            : []),
        ]}
      />
    </>
  );
}
