/** The read-mostly pages: each is a paged API list with its filters, and a detail on Enter/double-click. */
import { useEffect, useState } from 'react';
import { Button, Descriptions, Drawer, Form, Input, Modal, Select, Table, Tag, Typography } from 'antd';
import { QRCodeSVG } from 'qrcode.react';
import { api, yuan } from '../api';
import { ErrorAlert, Heading, Json, PagedTable, SecretOnce } from '../components';
import { useT } from '../i18n';
import { useSession } from '../session';

const stateTag = (s: string) => {
  const color = /SUCCESS|delivered|applied|done|FINISHED|active/.test(s)
    ? 'green'
    : /FAIL|failed|refused|CLOSED|REJECTED|conflict|error/i.test(s)
      ? 'red'
      : 'blue';
  return <Tag color={color}>{s}</Tag>;
};

/** Service providers, each with its key report when the API has one. */
export function ServiceProviders() {
  const t = useT();
  const { has } = useSession();
  const [open, setOpen] = useState<any>(null);
  const [keys, setKeys] = useState<unknown>(null);
  useEffect(() => {
    setKeys(null);
    if (open && has('/admin/v1/service-providers/{sp_mchid}/keys'))
      api('GET', `/admin/v1/service-providers/${open.sp_mchid}/keys`).then(setKeys, (e) => setKeys({ error: e.message }));
  }, [open]);
  return (
    <>
      <Heading>{t('nav.providers')}</Heading>
      <PagedTable
        path="/admin/v1/service-providers"
        rowKey="sp_mchid"
        onOpen={setOpen}
        columns={[
          { title: 'sp_mchid', dataIndex: 'sp_mchid', render: (v: string, r: any) => <a onClick={() => setOpen(r)}>{v}</a> },
          { title: 'name', dataIndex: 'name' },
          { title: 'sp_appid', dataIndex: 'sp_appid' },
          { title: 'verification', dataIndex: 'verification' },
          { title: 'merchant_serial_no', dataIndex: 'merchant_serial_no' },
        ]}
      />
      <Drawer open={!!open} width={720} onClose={() => setOpen(null)} title={open?.sp_mchid}>
        <Json value={open} />
        {keys !== null && (
          <>
            <Typography.Title level={5}>keys</Typography.Title>
            <Json value={keys} />
          </>
        )}
      </Drawer>
    </>
  );
}

/** Orders: search by out_trade_no or transaction_id, detail with its events and notifications. */
export function Orders() {
  const t = useT();
  const [q, setQ] = useState<Record<string, string>>({});
  const [open, setOpen] = useState<any>(null);
  return (
    <>
      <Heading>{t('nav.orders')}</Heading>
      <Form
        layout="inline"
        style={{ marginBottom: 16 }}
        onFinish={(v) => {
          const term = (v.term ?? '').trim();
          setQ({
            ...(term
              ? /^\d{28}$/.test(term) && v.kind !== 'out_trade_no'
                ? { transaction_id: term }
                : { [v.kind ?? 'out_trade_no']: term }
              : {}),
            ...(v.state ? { state: v.state } : {}),
            ...(v.tenant_id ? { tenant_id: v.tenant_id } : {}),
          });
        }}
      >
        <Form.Item name="kind" label="by" htmlFor="order-kind" initialValue="out_trade_no">
          <Select
            id="order-kind"
            style={{ width: 150 }}
            options={['out_trade_no', 'transaction_id'].map((x) => ({ value: x, label: x }))}
          />
        </Form.Item>
        <Form.Item name="term" label={t('common.search')} htmlFor="order-term">
          <Input id="order-term" placeholder={t('orders.searchHint')} allowClear />
        </Form.Item>
        <Form.Item name="state" label="trade_state" htmlFor="order-state">
          <Select
            id="order-state"
            allowClear
            style={{ width: 130 }}
            options={['NOTPAY', 'SUCCESS', 'REFUND', 'CLOSED', 'PAYERROR'].map((x) => ({ value: x, label: x }))}
          />
        </Form.Item>
        <Form.Item name="tenant_id" label="tenant_id" htmlFor="order-tenant">
          <Input id="order-tenant" allowClear />
        </Form.Item>
        <Button type="primary" htmlType="submit">
          {t('common.search')}
        </Button>
      </Form>
      <PagedTable
        path="/admin/v1/orders"
        fixed={q}
        testId="orders-table"
        onOpen={setOpen}
        columns={[
          { title: 'out_trade_no', dataIndex: 'out_trade_no', render: (v: string, r: any) => <a onClick={() => setOpen(r)}>{v}</a> },
          { title: 'tenant_id', dataIndex: 'tenant_id' },
          { title: 'trade_state', dataIndex: 'trade_state', render: stateTag },
          {
            title: 'amount',
            dataIndex: ['amount', 'total'],
            render: (v: number) => yuan(v),
            sorter: (a: any, b: any) => a.amount.total - b.amount.total,
          },
          { title: 'transaction_id', dataIndex: 'transaction_id' },
          { title: 'created_at', dataIndex: 'created_at' },
        ]}
      />
      <Drawer open={!!open} width={760} onClose={() => setOpen(null)} title={open?.out_trade_no}>
        {open && <OrderDetail order={open} />}
      </Drawer>
    </>
  );
}

function OrderDetail({ order }: { order: any }) {
  const [events, setEvents] = useState<any[]>([]);
  const [refunds, setRefunds] = useState<any[]>([]);
  useEffect(() => {
    api('GET', `/admin/v1/events?tenant_id=${order.tenant_id}&limit=100`).then(
      (r) =>
        setEvents(
          (r.data ?? []).filter((e: any) => JSON.stringify(e).includes(order.out_trade_no) || JSON.stringify(e).includes(order.id)),
        ),
      () => setEvents([]),
    );
    api('GET', `/admin/v1/refunds?tenant_id=${order.tenant_id}&out_trade_no=${encodeURIComponent(order.out_trade_no)}`).then(
      (r) => setRefunds(r.data ?? []),
      () => setRefunds([]),
    );
  }, [order.id]);
  return (
    <>
      <Descriptions size="small" bordered column={1}>
        {[
          'id',
          'tenant_id',
          'sp_mchid',
          'appid',
          'trade_state',
          'transaction_id',
          'success_time',
          'refunded_total',
          'created_at',
          'expires_at',
        ].map((k) => (
          <Descriptions.Item key={k} label={k}>
            {String(order[k] ?? '')}
          </Descriptions.Item>
        ))}
        <Descriptions.Item label="amount">{yuan(order.amount?.total)}</Descriptions.Item>
      </Descriptions>
      <Typography.Title level={5} style={{ marginTop: 16 }}>
        events
      </Typography.Title>
      <Table
        size="small"
        rowKey="id"
        pagination={false}
        dataSource={events}
        columns={[
          { title: 'id', dataIndex: 'id' },
          { title: 'type', dataIndex: 'type' },
          { title: 'status', dataIndex: ['delivery', 'status'] },
        ]}
      />
      <Typography.Title level={5} style={{ marginTop: 16 }}>
        refunds
      </Typography.Title>
      <Table
        size="small"
        rowKey="out_refund_no"
        pagination={false}
        dataSource={refunds}
        columns={[
          { title: 'out_refund_no', dataIndex: 'out_refund_no' },
          { title: 'status', dataIndex: 'status' },
          { title: 'amount', dataIndex: ['amount', 'refund'], render: yuan },
        ]}
      />
    </>
  );
}

/** Refunds of every tenant. */
export function Refunds() {
  const t = useT();
  return (
    <>
      <Heading>{t('nav.refunds')}</Heading>
      <PagedTable
        path="/admin/v1/refunds"
        rowKey="out_refund_no"
        filters={[
          { name: 'tenant_id', label: 'tenant_id' },
          { name: 'out_trade_no', label: 'out_trade_no' },
          { name: 'status', label: 'status', options: ['PROCESSING', 'SUCCESS', 'CLOSED', 'ABNORMAL'] },
        ]}
        columns={[
          { title: 'out_refund_no', dataIndex: 'out_refund_no' },
          { title: 'out_trade_no', dataIndex: 'out_trade_no' },
          { title: 'tenant_id', dataIndex: 'tenant_id' },
          { title: 'status', dataIndex: 'status', render: stateTag },
          { title: 'refund', dataIndex: ['amount', 'refund'], render: yuan },
          { title: 'created_at', dataIndex: 'created_at' },
        ]}
      />
    </>
  );
}

/** Every notification received, with the check that refused it. */
export function Notifications() {
  const t = useT();
  const [open, setOpen] = useState<any>(null);
  return (
    <>
      <Heading>{t('nav.notifications')}</Heading>
      <PagedTable
        path="/admin/v1/notifications"
        testId="notifications-table"
        onOpen={setOpen}
        filters={[
          { name: 'tenant_id', label: 'tenant_id' },
          { name: 'outcome', label: 'outcome', options: ['applied', 'duplicate', 'replayed', 'refused', 'unmatched', 'conflict', 'error'] },
        ]}
        columns={[
          { title: 'received_at', dataIndex: 'received_at' },
          { title: 'tenant_id', dataIndex: 'tenant_id' },
          { title: 'kind', dataIndex: 'kind' },
          { title: 'event_type', dataIndex: 'event_type' },
          { title: 'outcome', dataIndex: 'outcome', render: stateTag },
          { title: 'failed_check', dataIndex: 'failed_check', render: (v: string) => (v ? <Tag color="red">{v}</Tag> : null) },
          { title: 'detail', dataIndex: 'detail', ellipsis: true },
        ]}
      />
      <Drawer open={!!open} width={640} onClose={() => setOpen(null)} title={open?.id}>
        <Json value={open} />
      </Drawer>
    </>
  );
}

/** Events to tenants: deliveries and redeliver. */
export function Events() {
  const t = useT();
  const [open, setOpen] = useState<string | null>(null);
  const [reload, setReload] = useState(0);
  return (
    <>
      <Heading>{t('nav.events')}</Heading>
      <PagedTable
        path="/admin/v1/events"
        testId="events-table"
        reloadKey={reload}
        onOpen={(r) => setOpen(r.id)}
        filters={[
          { name: 'tenant_id', label: 'tenant_id' },
          { name: 'type', label: 'type' },
          { name: 'status', label: 'status', options: ['pending', 'delivering', 'delivered', 'failed'] },
        ]}
        columns={[
          { title: 'id', dataIndex: 'id', render: (v: string) => <a onClick={() => setOpen(v)}>{v}</a> },
          { title: 'type', dataIndex: 'type' },
          { title: 'tenant_id', dataIndex: 'tenant_id' },
          { title: 'status', dataIndex: ['delivery', 'status'], render: (v: string) => v && stateTag(v) },
          { title: 'attempts', dataIndex: ['delivery', 'attempts'] },
          { title: 'created_at', dataIndex: 'created_at' },
        ]}
      />
      <Drawer open={!!open} width={760} onClose={() => setOpen(null)} title={open}>
        {open && <EventDetail id={open} onChanged={() => setReload((n) => n + 1)} />}
      </Drawer>
    </>
  );
}

function EventDetail({ id, onChanged }: { id: string; onChanged: () => void }) {
  const t = useT();
  const { canWrite } = useSession();
  const [event, setEvent] = useState<any>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const load = () => api('GET', `/admin/v1/events/${id}`).then((r) => setEvent(r.event ?? r), setError);
  useEffect(() => {
    void load();
  }, [id]);
  if (!event) return <ErrorAlert error={error} />;
  return (
    <>
      <ErrorAlert error={error} />
      {canWrite && (
        <Button
          type="primary"
          loading={busy}
          style={{ marginBottom: 16 }}
          onClick={async () => {
            setBusy(true);
            setError(null);
            try {
              await api('POST', `/admin/v1/events/${id}/redeliver`);
              await load();
              onChanged();
            } catch (e) {
              setError(e);
            } finally {
              setBusy(false);
            }
          }}
        >
          {t('events.redeliver')}
        </Button>
      )}
      <Descriptions size="small" bordered column={1}>
        <Descriptions.Item label="type">{event.type}</Descriptions.Item>
        <Descriptions.Item label="tenant_id">{event.tenant_id}</Descriptions.Item>
        <Descriptions.Item label="status">
          <span data-testid="event-status">{event.delivery?.status}</span>
        </Descriptions.Item>
      </Descriptions>
      <Typography.Title level={5} style={{ marginTop: 16 }}>
        {t('events.deliveries')}
      </Typography.Title>
      <Table
        size="small"
        rowKey="attempt"
        pagination={false}
        dataSource={event.delivery_attempts ?? []}
        columns={[
          { title: '#', dataIndex: 'attempt' },
          { title: 'http_status', dataIndex: 'http_status' },
          { title: 'error', dataIndex: 'error' },
          { title: 'duration_ms', dataIndex: 'duration_ms' },
          { title: 'at', dataIndex: 'attempted_at' },
        ]}
      />
      <Json value={event.data ?? event} />
    </>
  );
}

/** The append-only audit log. */
export function AuditLog() {
  const t = useT();
  return (
    <>
      <Heading>{t('nav.audit')}</Heading>
      <PagedTable
        path="/admin/v1/audit-log"
        filters={[
          { name: 'actor', label: 'actor' },
          { name: 'target', label: 'target' },
        ]}
        columns={[
          { title: 'at', dataIndex: 'at' },
          { title: 'actor', dataIndex: 'actor' },
          { title: 'action', dataIndex: 'action' },
          { title: 'target', dataIndex: 'target' },
          { title: 'detail', dataIndex: 'detail', render: (v: unknown) => <code>{JSON.stringify(v)}</code> },
        ]}
      />
    </>
  );
}

/** Operators (admins create and revoke; the new token is shown once). */
export function Operators() {
  const t = useT();
  const { canWrite } = useSession();
  const [created, setCreated] = useState<any>(null);
  const [creating, setCreating] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [reload, setReload] = useState(0);
  const [form] = Form.useForm();
  return (
    <>
      <Heading extra={canWrite && <Button onClick={() => setCreating(true)}>{t('operators.create')}</Button>}>{t('nav.operators')}</Heading>
      {created && <SecretOnce label="token" value={created.token} warning={t('operators.tokenOnce')} />}
      <PagedTable
        path="/admin/v1/operators"
        reloadKey={reload}
        columns={[
          { title: 'id', dataIndex: 'id' },
          { title: 'name', dataIndex: 'name' },
          { title: 'role', dataIndex: 'role' },
          { title: 'created_at', dataIndex: 'created_at' },
        ]}
      />
      <Modal open={creating} title={t('operators.create')} onCancel={() => setCreating(false)} onOk={() => form.submit()}>
        <ErrorAlert error={error} />
        <Form
          form={form}
          layout="vertical"
          initialValues={{ role: 'viewer' }}
          onFinish={async (v) => {
            try {
              setCreated(await api('POST', '/admin/v1/operators', v));
              setCreating(false);
              setReload((n) => n + 1);
            } catch (e) {
              setError(e);
            }
          }}
        >
          <Form.Item name="name" label="name" htmlFor="op-name" rules={[{ required: true }]}>
            <Input id="op-name" />
          </Form.Item>
          <Form.Item name="role" label="role" htmlFor="op-role">
            <Select id="op-role" options={['admin', 'viewer'].map((x) => ({ value: x, label: x }))} />
          </Form.Item>
        </Form>
      </Modal>
    </>
  );
}

/** Applyments (进件): state, rejection reasons by field, the sign_url as a QR code. */
export function Applyments() {
  const t = useT();
  const [open, setOpen] = useState<any>(null);
  return (
    <>
      <Heading>{t('nav.applyments')}</Heading>
      <PagedTable
        path="/admin/v1/applyments"
        onOpen={setOpen}
        filters={[
          { name: 'sp_mchid', label: 'sp_mchid' },
          { name: 'state', label: 'state' },
        ]}
        columns={[
          { title: 'id', dataIndex: 'id', render: (v: string, r: any) => <a onClick={() => setOpen(r)}>{v}</a> },
          { title: 'business_code', dataIndex: 'business_code' },
          { title: 'state', dataIndex: 'state', render: stateTag },
          { title: 'sub_mchid', dataIndex: 'sub_mchid' },
          { title: 'tenant_id', dataIndex: 'tenant_id' },
          { title: 'updated_at', dataIndex: 'updated_at' },
        ]}
      />
      <Drawer open={!!open} width={760} onClose={() => setOpen(null)} title={open?.business_code}>
        {open && (
          <>
            <Descriptions size="small" bordered column={1}>
              <Descriptions.Item label="state">
                {open.state} {open.state_desc}
              </Descriptions.Item>
              <Descriptions.Item label="applyment_id">{open.applyment_id}</Descriptions.Item>
            </Descriptions>
            {open.sign_url && (
              <div style={{ margin: '16px 0' }}>
                <Typography.Text>{t('applyments.signQr')}</Typography.Text>
                <div>
                  <QRCodeSVG value={open.sign_url} size={180} title="sign_url" />
                </div>
              </div>
            )}
            {open.audit_detail?.length > 0 && (
              <>
                <Typography.Title level={5}>{t('applyments.rejections')}</Typography.Title>
                <Table
                  size="small"
                  rowKey="field"
                  pagination={false}
                  dataSource={open.audit_detail}
                  columns={[
                    { title: 'field', dataIndex: 'field' },
                    { title: 'field_name', dataIndex: 'field_name' },
                    { title: 'reject_reason', dataIndex: 'reject_reason' },
                  ]}
                />
              </>
            )}
            <Json value={open.application} />
          </>
        )}
      </Drawer>
    </>
  );
}

/** Reconciliations: runs with their summary, and the discrepancies of one run. */
export function Reconciliations() {
  const t = useT();
  const [open, setOpen] = useState<any>(null);
  return (
    <>
      <Heading>{t('nav.reconciliations')}</Heading>
      <PagedTable
        path="/admin/v1/reconciliations"
        onOpen={setOpen}
        filters={[
          { name: 'sp_mchid', label: 'sp_mchid' },
          { name: 'bill_date', label: 'bill_date' },
        ]}
        columns={[
          { title: 'id', dataIndex: 'id', render: (v: string, r: any) => <a onClick={() => setOpen(r)}>{v}</a> },
          { title: 'sp_mchid', dataIndex: 'sp_mchid' },
          { title: 'bill_date', dataIndex: 'bill_date' },
          { title: 'status', dataIndex: 'status', render: stateTag },
          { title: 'matched', dataIndex: ['summary', 'matched'] },
          { title: 'error', dataIndex: 'error' },
        ]}
      />
      <Drawer open={!!open} width={860} onClose={() => setOpen(null)} title={open && `${open.sp_mchid} ${open.bill_date}`}>
        {open && (
          <>
            <Json value={open.summary} />
            <PagedTable
              path={`/admin/v1/reconciliations/${open.id}/discrepancies`}
              filters={[
                { name: 'tenant_id', label: 'tenant_id' },
                { name: 'kind', label: 'kind', options: ['missing_local', 'missing_upstream', 'amount_mismatch', 'state_mismatch'] },
              ]}
              columns={[
                { title: 'kind', dataIndex: 'kind', render: stateTag },
                { title: 'tenant_id', dataIndex: 'tenant_id' },
                { title: 'out_trade_no', dataIndex: 'out_trade_no' },
                { title: 'out_refund_no', dataIndex: 'out_refund_no' },
                { title: 'fixed', dataIndex: 'fixed', render: (v: unknown) => String(v ?? '') },
              ]}
            />
          </>
        )}
      </Drawer>
    </>
  );
}

/** Profit sharing: each tenant's splits against its authorised cap (from the tenant compliance report). */
export function ProfitSharing() {
  const t = useT();
  const [tenants, setTenants] = useState<any[]>([]);
  const [reports, setReports] = useState<Record<string, unknown>>({});
  useEffect(() => {
    api('GET', '/admin/v1/tenants?limit=100').then(async (r) => {
      const list = r.data ?? [];
      setTenants(list);
      const entries = await Promise.all(
        list.map(async (x: any) => [x.id, await api('GET', `/admin/v1/tenants/${x.id}/compliance`).catch(() => null)] as const),
      );
      setReports(Object.fromEntries(entries));
    });
  }, []);
  return (
    <>
      <Heading>{t('nav.profitSharing')}</Heading>
      {tenants.map((x) => (
        <div key={x.id} style={{ marginBottom: 16 }}>
          <Typography.Title level={5}>
            {x.name} ({x.id})
          </Typography.Title>
          <Json
            value={
              (reports[x.id] as any)?.profit_sharing ?? (reports[x.id] as any)?.rules?.filter((r: any) => /ratio|receiver/.test(r.rule))
            }
          />
        </div>
      ))}
    </>
  );
}
