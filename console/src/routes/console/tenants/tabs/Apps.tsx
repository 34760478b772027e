/** The tenant's AppIDs: bind, unbind, and its AppSecret (set, rotate, remove; never shown back). */
import { Flex, Form, Input, Select, Table, Tag } from 'antd';
import { useApiMutation } from '../../../../api/query';
import type { Data } from '../../../../api/types';
import { useT } from '../../../../i18n';
import { useCan } from '../../../../surfaces/surface';
import { Action, FormDialog } from '../../../../ui/actions';
import { APP_TYPES, DEV_MODES } from '../CreateTenant';

type Tenant = Data<'/admin/v1/tenants/{id}'>;
type App = Tenant['apps'][number];

export function AppsTab({ tenant }: { tenant: Tenant }) {
  const t = useT();
  const canWrite = useCan();
  const add = useApiMutation('post', '/admin/v1/tenants/{id}/apps', { also: ['/admin/v1/tenants/{id}/compliance'] });
  const setSecret = useApiMutation('patch', '/admin/v1/tenants/{id}/apps/{appid}');
  const unbind = useApiMutation('delete', '/admin/v1/tenants/{id}/apps/{appid}', { also: ['/admin/v1/tenants/{id}/compliance'] });
  const at = (appid: string) => ({ path: { id: tenant.id, appid } });
  return (
    <>
      <Table<App>
        size="small"
        rowKey="appid"
        pagination={false}
        dataSource={tenant.apps}
        locale={{ emptyText: t('common.none') }}
        columns={[
          { title: 'appid', dataIndex: 'appid' },
          { title: 'type', dataIndex: 'type' },
          { title: 'dev_mode', dataIndex: 'dev_mode' },
          {
            title: 'AppSecret',
            dataIndex: 'app_secret_set',
            render: (v: boolean) => <Tag color={v ? 'green' : 'default'}>{v ? t('common.set') : t('common.notSet')}</Tag>,
          },
          ...(canWrite
            ? [
                {
                  title: t('common.actions'),
                  key: 'actions',
                  render: (_: unknown, a: App) => (
                    <Flex gap={8} wrap>
                      <FormDialog<{ app_secret: string }>
                        open={a.app_secret_set ? t('apps.rotateSecret') : t('apps.setSecret')}
                        title={`AppSecret ${a.appid}`}
                        submit={async (v) => {
                          await setSecret.mutateAsync({ params: at(a.appid), body: { app_secret: v.app_secret.trim() } });
                          return t(a.app_secret_set ? 'apps.secretRotated' : 'apps.secretSet', { appid: a.appid });
                        }}
                      >
                        <Form.Item
                          name="app_secret"
                          label="AppSecret"
                          htmlFor={`secret-${a.appid}`}
                          rules={[{ required: true, pattern: /^[0-9A-Za-z]{32}$/, message: t('apps.secretRule') }]}
                          extra={t('apps.secretHint')}
                        >
                          <Input.Password id={`secret-${a.appid}`} autoComplete="off" />
                        </Form.Item>
                      </FormDialog>
                      {a.app_secret_set && (
                        <Action
                          danger
                          label={t('apps.removeSecret')}
                          confirm={t('apps.removeSecretConfirm', { appid: a.appid })}
                          run={async () => {
                            await setSecret.mutateAsync({ params: at(a.appid), body: { app_secret: null } });
                            return t('apps.secretRemoved', { appid: a.appid });
                          }}
                        />
                      )}
                      <Action
                        danger
                        label={t('apps.unbind')}
                        confirm={t('apps.unbindConfirm', { appid: a.appid })}
                        run={async () => {
                          await unbind.mutateAsync({ params: at(a.appid) });
                          return t('apps.unbound', { appid: a.appid });
                        }}
                      />
                    </Flex>
                  ),
                },
              ]
            : []),
        ]}
      />
      {canWrite && (
        <div style={{ marginTop: 16 }}>
          <FormDialog<{ appid: string; type: App['type']; dev_mode: App['dev_mode']; app_secret?: string }>
            open={t('tenants.addApp')}
            title={t('tenants.addApp')}
            initialValues={{ type: 'miniprogram', dev_mode: 'outsourced' }}
            submit={async (v) => {
              await add.mutateAsync({
                params: { path: { id: tenant.id } },
                body: {
                  appid: v.appid.trim(),
                  type: v.type as (typeof APP_TYPES)[number],
                  dev_mode: v.dev_mode as (typeof DEV_MODES)[number],
                  ...(v.app_secret ? { app_secret: v.app_secret.trim() } : {}),
                },
              });
              return t('apps.bound', { appid: v.appid });
            }}
          >
            <Form.Item name="appid" label="appid" htmlFor="new-appid" rules={[{ required: true }]}>
              <Input id="new-appid" placeholder="wx…" />
            </Form.Item>
            <Form.Item name="type" label="type" htmlFor="new-type">
              <Select id="new-type" options={APP_TYPES.map((x) => ({ value: x, label: x }))} />
            </Form.Item>
            <Form.Item name="dev_mode" label="dev_mode" htmlFor="new-dev-mode">
              <Select id="new-dev-mode" options={DEV_MODES.map((x) => ({ value: x, label: x }))} />
            </Form.Item>
            <Form.Item name="app_secret" label="AppSecret" htmlFor="new-secret" extra={t('apps.secretHint')}>
              <Input.Password id="new-secret" autoComplete="off" />
            </Form.Item>
          </FormDialog>
        </div>
      )}
    </>
  );
}
