/** The tenant's portal users: invite (the one-time link shown once), remove; their state, role and TOTP. */
import { useState } from 'react';
import { Form, Input, Select, Table } from 'antd';
import { useQuery } from '@tanstack/react-query';
import { apiQuery, useApiMutation } from '../../../../api/query';
import type { Row } from '../../../../api/types';
import { useT } from '../../../../i18n';
import { formatBeijing } from '../../../../lib/format';
import { useCan } from '../../../../surfaces/surface';
import { Action, FormDialog } from '../../../../ui/actions';
import { SecretOnce } from '../../../../ui/data';
import { ErrorAlert } from '../../../../ui/errors';
import { Pending } from '../../../../ui/Page';
import { StateTag, Time } from '../../../../ui/format';

type User = Row<'/admin/v1/tenants/{id}/users'>;
const ROLES = ['owner', 'staff', 'viewer'] as const;

export function UsersTab({ id }: { id: string }) {
  const t = useT();
  const canWrite = useCan();
  const users = useQuery(apiQuery('/admin/v1/tenants/{id}/users', { params: { path: { id } } }));
  const invite = useApiMutation('post', '/admin/v1/tenants/{id}/users');
  const remove = useApiMutation('delete', '/admin/v1/tenants/{id}/users/{user_id}', { also: ['/admin/v1/tenants/{id}/users'] });
  const [link, setLink] = useState<string | null>(null);
  return (
    <>
      {link && <SecretOnce label={t('users.link')} value={link} warning={t('users.linkOnce')} />}
      {canWrite && (
        <div style={{ marginBottom: 12 }}>
          <FormDialog<{ login: string; role: (typeof ROLES)[number] }>
            open={t('users.invite')}
            title={t('users.invite')}
            okText={t('users.invite')}
            testId="user-invite"
            initialValues={{ role: 'staff' }}
            submit={async (v) => {
              const r = await invite.mutateAsync({ params: { path: { id } }, body: { login: v.login.trim(), role: v.role } });
              setLink(String(r.invitation.url));
              return t('users.invited', { login: r.user.login, until: formatBeijing(r.invitation.expires_at) });
            }}
          >
            <Form.Item name="login" label={t('users.login')} htmlFor="user-login" rules={[{ required: true }]}>
              <Input id="user-login" maxLength={128} placeholder="clerk@shop.example" />
            </Form.Item>
            <Form.Item name="role" label={t('users.role')} htmlFor="user-role" extra={t('users.roles')}>
              <Select id="user-role" options={ROLES.map((r) => ({ value: r, label: r }))} />
            </Form.Item>
          </FormDialog>
        </div>
      )}
      {users.isPending ? (
        <Pending />
      ) : users.error ? (
        <ErrorAlert error={users.error} />
      ) : (
        <Table<User>
          size="small"
          rowKey="id"
          pagination={false}
          dataSource={users.data.data}
          locale={{ emptyText: t('common.none') }}
          columns={[
            { title: t('users.login'), dataIndex: 'login' },
            { title: t('users.role'), dataIndex: 'role' },
            { title: 'state', dataIndex: 'state', render: (v: string) => <StateTag value={v} /> },
            { title: 'TOTP', dataIndex: 'totp', render: (v: boolean) => (v ? t('common.yes') : t('common.no')) },
            { title: t('users.lockedUntil'), dataIndex: 'locked_until', render: (v: string | null) => <Time value={v} /> },
            { title: t('common.createdAt'), dataIndex: 'created_at', render: (v: string) => <Time value={v} /> },
            ...(canWrite
              ? [
                  {
                    title: t('common.actions'),
                    key: 'actions',
                    render: (_: unknown, u: User) => (
                      <Action
                        danger
                        size="small"
                        label={t('common.remove')}
                        confirm={t('users.removeConfirm', { login: u.login })}
                        run={async () => {
                          await remove.mutateAsync({ params: { path: { id, user_id: u.id } } });
                          return t('users.removed', { login: u.login });
                        }}
                      />
                    ),
                  },
                ]
              : []),
          ]}
        />
      )}
    </>
  );
}
