/**
 * A tenant's secret keys (new ones shown once; revoke asks first) and its webhook secret's rotation
 * (the old one signs until its grace ends), as operators (tenant page) and the shop's owner (portal)
 * manage them. The caller passes the calls of its own API.
 */
import { useState } from 'react';
import { Flex, Form, Select, Table } from 'antd';
import type { Schema } from '../api/types';
import { useT } from '../i18n';
import { formatBeijing } from '../lib/format';
import { Action, FormDialog } from './actions';
import { SecretOnce } from './data';
import { StateTag, Time } from './format';

export type SecretKey = Schema<'TenantSecretKey'>;
const GRACE = [0, 3600, 86400, 7 * 86400] as const;

export interface KeysCalls {
  create: () => Promise<SecretKey & { secret_key: string }>;
  revoke: (keyId: string) => Promise<void>;
  rotateWebhook: (graceSeconds: number) => Promise<{ webhook_secret: string; previous_expires_at: string }>;
}

export function KeysPanel({ keys, calls, canWrite }: { keys: readonly SecretKey[]; calls: KeysCalls; canWrite: boolean }) {
  const t = useT();
  const [secret, setSecret] = useState<{ label: string; value: string } | null>(null);
  return (
    <>
      {secret && <SecretOnce label={secret.label} value={secret.value} warning={t('tenants.secretOnce')} />}
      {canWrite && (
        <Flex gap={8} wrap style={{ marginBottom: 12 }}>
          <Action
            label={t('tenants.newKey')}
            testId="secret-key-create"
            run={async () => {
              const k = await calls.create();
              setSecret({ label: 'secret_key', value: k.secret_key });
              return t('keys.created', { prefix: k.prefix });
            }}
          />
          <FormDialog<{ previous_expires_in_seconds: number }>
            open={t('tenants.rotateWebhook')}
            title={t('tenants.rotateWebhook')}
            okText={t('keys.rotate')}
            testId="webhook-rotate"
            initialValues={{ previous_expires_in_seconds: 86400 }}
            submit={async (v) => {
              const r = await calls.rotateWebhook(v.previous_expires_in_seconds);
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
      <Table<SecretKey>
        size="small"
        rowKey="id"
        data-testid="secret-keys-table"
        pagination={{ pageSize: 20, hideOnSinglePage: true }}
        dataSource={[...keys]}
        locale={{ emptyText: t('common.none') }}
        columns={[
          { title: 'id', dataIndex: 'id' },
          { title: 'prefix', dataIndex: 'prefix', render: (v: string) => <code>{v}…</code> },
          { title: t('common.createdAt'), dataIndex: 'created_at', render: (v: string) => <Time value={v} /> },
          { title: t('keys.lastUsed'), dataIndex: 'last_used_at', render: (v: string | null) => <Time value={v} /> },
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
                  render: (_: unknown, k: SecretKey) =>
                    k.revoked_at ? null : (
                      <Action
                        danger
                        size="small"
                        label={t('keys.revoke')}
                        confirm={t('keys.revokeConfirm', { prefix: k.prefix })}
                        run={async () => {
                          await calls.revoke(k.id);
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
