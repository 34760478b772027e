/**
 * The provider's platform keys (pk_..., for the ISV's own 合单 back end on /platform/v1): mint one
 * (shown this once, with a copy button), list them (live first, never the key), revoke one (asks first).
 */
import { useState } from 'react';
import { Flex, Form, Input, Table } from 'antd';
import { useSuspenseQuery } from '@tanstack/react-query';
import { useApiMutation } from '../../../api/query';
import type { Row } from '../../../api/types';
import { useT } from '../../../i18n';
import { useCan } from '../../../surfaces/surface';
import { Action, FormDialog } from '../../../ui/actions';
import { SecretOnce } from '../../../ui/data';
import { StateTag, Time } from '../../../ui/format';
import { platformKeysQuery } from './route';

const PATH = '/admin/v1/service-providers/{sp_mchid}/platform-keys';
type Key = Row<typeof PATH>;

export function PlatformKeys({ spMchid }: { spMchid: string }) {
  const t = useT();
  const canWrite = useCan();
  const keys = useSuspenseQuery(platformKeysQuery(spMchid)).data.data;
  const [minted, setMinted] = useState<string | null>(null);
  const create = useApiMutation('post', PATH);
  const revoke = useApiMutation('delete', '/admin/v1/service-providers/{sp_mchid}/platform-keys/{id}', { also: [PATH] });
  return (
    <>
      {minted && <SecretOnce label="platform_key" value={minted} warning={t('platformKeys.once')} />}
      {canWrite && (
        <Flex gap={8} style={{ marginBottom: 12 }}>
          <FormDialog<{ name?: string }>
            open={t('platformKeys.create')}
            title={t('platformKeys.create')}
            okText={t('common.create')}
            testId="platform-key-create"
            submit={async (v) => {
              const name = v.name?.trim();
              const k = await create.mutateAsync({ params: { path: { sp_mchid: spMchid } }, body: name ? { name } : {} });
              setMinted(k.platform_key);
              return t('platformKeys.created', { prefix: k.prefix });
            }}
          >
            <Form.Item name="name" label={t('platformKeys.name')} htmlFor="platform-key-name" extra={t('platformKeys.nameHint')}>
              <Input id="platform-key-name" maxLength={64} />
            </Form.Item>
          </FormDialog>
        </Flex>
      )}
      <Table<Key>
        size="small"
        rowKey="id"
        data-testid="platform-keys-table"
        pagination={{ pageSize: 10, hideOnSinglePage: true }}
        dataSource={keys}
        locale={{ emptyText: t('platformKeys.none') }}
        columns={[
          { title: 'id', dataIndex: 'id' },
          { title: t('platformKeys.name'), dataIndex: 'name' },
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
                  render: (_: unknown, k: Key) =>
                    k.revoked_at ? null : (
                      <Action
                        danger
                        size="small"
                        label={t('keys.revoke')}
                        confirm={t('platformKeys.revokeConfirm', { prefix: k.prefix })}
                        run={async () => {
                          await revoke.mutateAsync({ params: { path: { sp_mchid: spMchid, id: k.id } } });
                          return t('platformKeys.revoked', { prefix: k.prefix });
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
