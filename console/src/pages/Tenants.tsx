import { useEffect, useState } from 'react';
import { Button, Descriptions, Form, Input, Modal, Popconfirm, Select, Space, Table, Tabs, Tag } from 'antd';
import { api } from '../api';
import { ErrorAlert, Heading, Json, PagedTable, SecretOnce } from '../components';
import { useT } from '../i18n';
import { useSession } from '../session';

const APP_TYPES = ['miniprogram', 'official_account', 'app'];
const DEV_MODES = ['outsourced', 'third_party', 'centralized'];

/** The tenant list, with the create form for admins (the secret key and webhook secret are shown once). */
export function Tenants({ open }: { open: (id: string) => void }) {
  const t = useT();
  const { canWrite } = useSession();
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<any>(null);
  const [reload, setReload] = useState(0);
  return (
    <>
      <Heading
        extra={
          canWrite && (
            <Button type="primary" onClick={() => setCreating(true)}>
              {t('tenants.create')}
            </Button>
          )
        }
      >
        {t('nav.tenants')}
      </Heading>
      {created && (
        <>
          <SecretOnce label="secret_key" value={created.secret_key} warning={t('tenants.secretOnce')} />
          <SecretOnce label="webhook_secret" value={created.webhook_secret} warning={t('tenants.secretOnce')} />
        </>
      )}
      <PagedTable
        path="/admin/v1/tenants"
        reloadKey={reload}
        onOpen={(r) => open(r.id)}
        columns={[
          { title: 'id', dataIndex: 'id', render: (id: string) => <a onClick={() => open(id)}>{id}</a> },
          { title: t('tenants.name'), dataIndex: 'name' },
          { title: 'sp_mchid', dataIndex: 'sp_mchid' },
          { title: 'sub_mchid', dataIndex: 'sub_mchid' },
          { title: 'status', dataIndex: 'status', render: (s: string) => <Tag color={s === 'active' ? 'green' : 'red'}>{s}</Tag> },
          { title: 'created_at', dataIndex: 'created_at' },
        ]}
      />
      {creating && (
        <CreateTenant
          onClose={() => setCreating(false)}
          onCreated={(res) => {
            setCreating(false);
            setCreated(res);
            setReload((n) => n + 1);
          }}
        />
      )}
    </>
  );
}

function CreateTenant({ onClose, onCreated }: { onClose: () => void; onCreated: (res: any) => void }) {
  const t = useT();
  const [error, setError] = useState<unknown>(null);
  const [providers, setProviders] = useState<any[]>([]);
  const [form] = Form.useForm();
  useEffect(() => {
    api('GET', '/admin/v1/service-providers').then((r) => setProviders(r.data ?? []), setError);
  }, []);
  return (
    <Modal
      open
      title={t('tenants.create')}
      onCancel={onClose}
      onOk={() => form.submit()}
      okText={t('common.create')}
      cancelText={t('common.cancel')}
    >
      <ErrorAlert error={error} />
      <Form
        form={form}
        layout="vertical"
        initialValues={{ type: 'miniprogram', dev_mode: 'outsourced' }}
        onFinish={async (v) => {
          setError(null);
          try {
            const body = {
              sp_mchid: v.sp_mchid,
              sub_mchid: v.sub_mchid,
              name: v.name,
              ...(v.webhook_url ? { webhook_url: v.webhook_url } : {}),
              apps: v.appid ? [{ appid: v.appid, type: v.type, dev_mode: v.dev_mode }] : [],
            };
            onCreated(await api('POST', '/admin/v1/tenants', body));
          } catch (e) {
            setError(e);
          }
        }}
      >
        <Form.Item name="sp_mchid" label="sp_mchid" htmlFor="sp_mchid" rules={[{ required: true }]}>
          <Select id="sp_mchid" options={providers.map((p) => ({ value: p.sp_mchid, label: `${p.sp_mchid} ${p.name ?? ''}` }))} />
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
        <Space wrap>
          <Form.Item name="appid" label="appid" htmlFor="appid">
            <Input id="appid" placeholder="wx..." />
          </Form.Item>
          <Form.Item name="type" label="type" htmlFor="type">
            <Select id="type" style={{ width: 160 }} options={APP_TYPES.map((x) => ({ value: x, label: x }))} />
          </Form.Item>
          <Form.Item name="dev_mode" label="dev_mode" htmlFor="dev_mode">
            <Select id="dev_mode" style={{ width: 160 }} options={DEV_MODES.map((x) => ({ value: x, label: x }))} />
          </Form.Item>
        </Space>
      </Form>
    </Modal>
  );
}

/** One tenant: edit, apps, secret keys (new ones shown once), webhook secret rotation, compliance report. */
export function TenantDetail({ id }: { id: string }) {
  const t = useT();
  const { canWrite } = useSession();
  const [tenant, setTenant] = useState<any>(null);
  const [keys, setKeys] = useState<any[]>([]);
  const [compliance, setCompliance] = useState<any>(null);
  const [secret, setSecret] = useState<{ label: string; value: string } | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [form] = Form.useForm();
  const [appForm] = Form.useForm();

  const load = async () => {
    try {
      const res = await api('GET', `/admin/v1/tenants/${id}`);
      setTenant(res.tenant ?? res);
      form.setFieldsValue(res.tenant ?? res);
      setKeys((await api('GET', `/admin/v1/tenants/${id}/secret-keys`)).data ?? []);
      setCompliance(await api('GET', `/admin/v1/tenants/${id}/compliance`));
    } catch (e) {
      setError(e);
    }
  };
  useEffect(() => {
    void load();
  }, [id]);

  const act = async (fn: () => Promise<unknown>) => {
    setError(null);
    try {
      await fn();
      await load();
    } catch (e) {
      setError(e);
    }
  };

  if (!tenant) return <ErrorAlert error={error} />;
  return (
    <>
      <Heading>
        {tenant.name} <Tag>{tenant.status}</Tag>
      </Heading>
      <ErrorAlert error={error} />
      {secret && <SecretOnce label={secret.label} value={secret.value} warning={t('tenants.secretOnce')} />}
      <Descriptions size="small" bordered column={2} style={{ marginBottom: 16 }}>
        <Descriptions.Item label="id">{tenant.id}</Descriptions.Item>
        <Descriptions.Item label="sp_mchid / sub_mchid">
          {tenant.sp_mchid} / {tenant.sub_mchid}
        </Descriptions.Item>
        <Descriptions.Item label="notify_urls" span={2}>
          {Object.values(tenant.notify_urls ?? {}).join('  ')}
        </Descriptions.Item>
      </Descriptions>
      <Tabs
        items={[
          {
            key: 'edit',
            label: t('common.detail'),
            children: (
              <Form
                form={form}
                layout="vertical"
                disabled={!canWrite}
                onFinish={(v) => act(() => api('PATCH', `/admin/v1/tenants/${id}`, v))}
              >
                <Form.Item name="name" label={t('tenants.name')} htmlFor="t-name">
                  <Input id="t-name" />
                </Form.Item>
                <Form.Item name="webhook_url" label={t('tenants.webhook')} htmlFor="t-webhook">
                  <Input id="t-webhook" />
                </Form.Item>
                <Form.Item name="status" label="status" htmlFor="t-status">
                  <Select id="t-status" options={['active', 'suspended'].map((x) => ({ value: x, label: x }))} />
                </Form.Item>
                {canWrite && (
                  <Button type="primary" htmlType="submit">
                    {t('common.save')}
                  </Button>
                )}
              </Form>
            ),
          },
          {
            key: 'apps',
            label: t('tenants.apps'),
            children: (
              <>
                <Table
                  size="small"
                  rowKey="appid"
                  pagination={false}
                  dataSource={tenant.apps ?? []}
                  columns={[
                    { title: 'appid', dataIndex: 'appid' },
                    { title: 'type', dataIndex: 'type' },
                    { title: 'dev_mode', dataIndex: 'dev_mode' },
                    ...(canWrite
                      ? [
                          {
                            title: '',
                            render: (_: unknown, a: any) => (
                              <Popconfirm
                                title={`${t('common.delete')} ${a.appid}?`}
                                onConfirm={() => act(() => api('DELETE', `/admin/v1/tenants/${id}/apps/${a.appid}`))}
                              >
                                <Button danger size="small">
                                  {t('common.delete')}
                                </Button>
                              </Popconfirm>
                            ),
                          },
                        ]
                      : []),
                  ]}
                />
                {canWrite && (
                  <Form
                    form={appForm}
                    layout="inline"
                    style={{ marginTop: 16 }}
                    initialValues={{ type: 'miniprogram', dev_mode: 'outsourced' }}
                    onFinish={(v) => act(() => api('POST', `/admin/v1/tenants/${id}/apps`, v))}
                  >
                    <Form.Item name="appid" label="appid" htmlFor="new-appid" rules={[{ required: true }]}>
                      <Input id="new-appid" />
                    </Form.Item>
                    <Form.Item name="type" label="type" htmlFor="new-type">
                      <Select id="new-type" style={{ width: 150 }} options={APP_TYPES.map((x) => ({ value: x, label: x }))} />
                    </Form.Item>
                    <Form.Item name="dev_mode" label="dev_mode" htmlFor="new-dev-mode">
                      <Select id="new-dev-mode" style={{ width: 150 }} options={DEV_MODES.map((x) => ({ value: x, label: x }))} />
                    </Form.Item>
                    <Button htmlType="submit">{t('tenants.addApp')}</Button>
                  </Form>
                )}
              </>
            ),
          },
          {
            key: 'keys',
            label: t('tenants.keys'),
            children: (
              <>
                {canWrite && (
                  <Space style={{ marginBottom: 12 }}>
                    <Button
                      onClick={() =>
                        act(async () => {
                          const r = await api('POST', `/admin/v1/tenants/${id}/secret-keys`);
                          setSecret({ label: 'secret_key', value: r.secret_key });
                        })
                      }
                    >
                      {t('tenants.newKey')}
                    </Button>
                    <Button
                      onClick={() =>
                        act(async () => {
                          const r = await api('POST', `/admin/v1/tenants/${id}/webhook-secret/rotate`, {});
                          setSecret({ label: 'webhook_secret', value: r.webhook_secret });
                        })
                      }
                    >
                      {t('tenants.rotateWebhook')}
                    </Button>
                  </Space>
                )}
                <Table
                  size="small"
                  rowKey="id"
                  pagination={false}
                  dataSource={keys}
                  columns={[
                    { title: 'id', dataIndex: 'id' },
                    { title: 'prefix', dataIndex: 'prefix' },
                    { title: 'created_at', dataIndex: 'created_at' },
                    { title: 'last_used_at', dataIndex: 'last_used_at' },
                    ...(canWrite
                      ? [
                          {
                            title: '',
                            render: (_: unknown, k: any) => (
                              <Popconfirm
                                title={`${t('common.delete')} ${k.prefix}?`}
                                onConfirm={() => act(() => api('DELETE', `/admin/v1/tenants/${id}/secret-keys/${k.id}`))}
                              >
                                <Button danger size="small">
                                  {t('common.delete')}
                                </Button>
                              </Popconfirm>
                            ),
                          },
                        ]
                      : []),
                  ]}
                />
              </>
            ),
          },
          { key: 'compliance', label: t('tenants.compliance'), children: <Compliance report={compliance} /> },
        ]}
      />
    </>
  );
}

function Compliance({ report }: { report: any }) {
  const rules: any[] = Array.isArray(report) ? report : (report?.rules ?? report?.data ?? []);
  if (!rules.length) return <Json value={report} />;
  return (
    <Table
      size="small"
      rowKey={(r: any) => r.rule ?? r.name}
      pagination={false}
      dataSource={rules}
      columns={[
        { title: 'rule', dataIndex: 'rule' },
        {
          title: 'holds',
          render: (_: unknown, r: any) => <Tag color={(r.holds ?? r.ok) ? 'green' : 'red'}>{String(r.holds ?? r.ok ?? r.status)}</Tag>,
        },
        { title: 'explanation', dataIndex: 'explanation' },
      ]}
    />
  );
}
