/**
 * A tenant's portal users, as operators (tenant page) and the shop's owner (portal) manage them:
 * invite (the one-time link shown once), change a role, remove (asks first). The caller passes the
 * calls of its own API, so the same table serves /admin/v1/tenants/{id}/users and /portal/v1/users.
 */
import { useState } from 'react';
import { Form, Input, Select, Space, Table } from 'antd';
import type { Schema } from '../api/types';
import { useT } from '../i18n';
import { formatBeijing } from '../lib/format';
import { Action, FormDialog } from './actions';
import { SecretOnce } from './data';
import { StateTag, Time } from './format';

export type PortalUser = Schema<'PortalUser'>;
export type PortalRole = PortalUser['role'];
export const PORTAL_ROLES: readonly PortalRole[] = ['owner', 'staff', 'viewer'];

export interface UsersCalls {
  invite: (login: string, role: PortalRole) => Promise<{ user: PortalUser; invitation: { url: string; expires_at: string } }>;
  remove: (userId: string) => Promise<void>;
  /** Absent where the API has no role change. */
  changeRole?: (userId: string, role: PortalRole) => Promise<PortalUser>;
}

export function UsersPanel({
  users,
  calls,
  canWrite,
  selfId,
}: {
  users: readonly PortalUser[];
  calls: UsersCalls;
  canWrite: boolean;
  /** The signed-in user (portal): no role change or removal of oneself. */
  selfId?: string;
}) {
  const t = useT();
  const [link, setLink] = useState<string | null>(null);
  return (
    <>
      {link && <SecretOnce label={t('users.link')} value={link} warning={t('users.linkOnce')} />}
      {canWrite && (
        <div style={{ marginBottom: 12 }}>
          <FormDialog<{ login: string; role: PortalRole }>
            open={t('users.invite')}
            title={t('users.invite')}
            okText={t('users.invite')}
            testId="user-invite"
            initialValues={{ role: 'staff' }}
            submit={async (v) => {
              const r = await calls.invite(v.login.trim(), v.role);
              setLink(r.invitation.url);
              return t('users.invited', { login: r.user.login, until: formatBeijing(r.invitation.expires_at) });
            }}
          >
            <Form.Item
              name="login"
              label={t('users.login')}
              htmlFor="user-login"
              rules={[{ required: true, message: t('users.loginRequired') }]}
            >
              <Input id="user-login" maxLength={128} placeholder="clerk@shop.example" />
            </Form.Item>
            <Form.Item name="role" label={t('users.role')} htmlFor="user-role" extra={t('users.roles')}>
              <Select id="user-role" options={PORTAL_ROLES.map((r) => ({ value: r, label: r }))} />
            </Form.Item>
          </FormDialog>
        </div>
      )}
      <Table<PortalUser>
        size="small"
        rowKey="id"
        data-testid="users-table"
        pagination={{ pageSize: 20, hideOnSinglePage: true }}
        dataSource={[...users]}
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
                  render: (_: unknown, u: PortalUser) =>
                    u.id === selfId ? (
                      t('users.you')
                    ) : (
                      <Space>
                        {calls.changeRole && <RoleChange user={u} change={calls.changeRole} />}
                        <Action
                          danger
                          size="small"
                          label={t('common.remove')}
                          confirm={t('users.removeConfirm', { login: u.login })}
                          run={async () => {
                            await calls.remove(u.id);
                            return t('users.removed', { login: u.login });
                          }}
                        />
                      </Space>
                    ),
                },
              ]
            : []),
        ]}
      />
    </>
  );
}

function RoleChange({ user, change }: { user: PortalUser; change: (userId: string, role: PortalRole) => Promise<PortalUser> }) {
  const t = useT();
  const id = `role-${user.id}`;
  return (
    <FormDialog<{ role: PortalRole }>
      open={t('users.changeRole')}
      title={t('users.changeRoleOf', { login: user.login })}
      initialValues={{ role: user.role }}
      buttonSize="small"
      submit={async (v) => {
        const u = await change(user.id, v.role);
        return t('users.roleChanged', { login: u.login, role: u.role });
      }}
    >
      <Form.Item name="role" label={t('users.role')} htmlFor={id} extra={t('users.roles')}>
        <Select id={id} options={PORTAL_ROLES.map((r) => ({ value: r, label: r }))} />
      </Form.Item>
    </FormDialog>
  );
}
