/** Profit-sharing receivers the operator approved for this tenant (added at WeChat Pay too; removal deletes them there). */
import { Form, Input, Select, Table, Tag } from 'antd';
import { useSuspenseQuery } from '@tanstack/react-query';
import { useApiMutation } from '../../../../api/query';
import type { Body, Row } from '../../../../api/types';
import { useT } from '../../../../i18n';
import { useCan } from '../../../../surfaces/surface';
import { Action, FormDialog } from '../../../../ui/actions';
import { Time } from '../../../../ui/format';
import { receiversQuery } from '../route';

type Receiver = Row<'/admin/v1/tenants/{id}/receivers'>;
type AddBody = Body<'/admin/v1/tenants/{id}/receivers', 'post'>;
const TYPES = ['MERCHANT_ID', 'PERSONAL_OPENID', 'PERSONAL_SUB_OPENID'] as const satisfies readonly AddBody['type'][];
const RELATIONS = [
  'SERVICE_PROVIDER',
  'STORE',
  'STAFF',
  'STORE_OWNER',
  'PARTNER',
  'HEADQUARTER',
  'BRAND',
  'DISTRIBUTOR',
  'USER',
  'SUPPLIER',
  'CUSTOM',
] as const satisfies readonly AddBody['relation_type'][];

export function ReceiversTab({ id }: { id: string }) {
  const t = useT();
  const canWrite = useCan();
  const receivers = useSuspenseQuery(receiversQuery(id)).data.data;
  const add = useApiMutation('post', '/admin/v1/tenants/{id}/receivers', { also: ['/admin/v1/tenants/{id}/compliance'] });
  const remove = useApiMutation('delete', '/admin/v1/tenants/{id}/receivers/{account}', { also: ['/admin/v1/tenants/{id}/receivers'] });
  return (
    <>
      {canWrite && (
        <div style={{ marginBottom: 12 }}>
          <FormDialog<AddBody>
            open={t('receivers.add')}
            title={t('receivers.add')}
            okText={t('receivers.approve')}
            initialValues={{ type: 'MERCHANT_ID', relation_type: 'SERVICE_PROVIDER' }}
            submit={async (v) => {
              const r = await add.mutateAsync({
                params: { path: { id } },
                body: { ...v, name: v.name || undefined, custom_relation: v.custom_relation || undefined },
              });
              return t('receivers.added', { account: r.account });
            }}
          >
            <Form.Item name="type" label="type" htmlFor="rcv-type">
              <Select id="rcv-type" options={TYPES.map((x) => ({ value: x, label: x }))} />
            </Form.Item>
            <Form.Item name="account" label="account" htmlFor="rcv-account" rules={[{ required: true }]} extra={t('receivers.accountHint')}>
              <Input id="rcv-account" />
            </Form.Item>
            <Form.Item name="name" label="name" htmlFor="rcv-name" extra={t('receivers.nameHint')}>
              <Input id="rcv-name" />
            </Form.Item>
            <Form.Item name="relation_type" label="relation_type" htmlFor="rcv-relation">
              <Select id="rcv-relation" options={RELATIONS.map((x) => ({ value: x, label: x }))} />
            </Form.Item>
            <Form.Item name="custom_relation" label="custom_relation" htmlFor="rcv-custom">
              <Input id="rcv-custom" maxLength={10} />
            </Form.Item>
          </FormDialog>
        </div>
      )}
      <Table<Receiver>
        size="small"
        rowKey="account"
        pagination={false}
        dataSource={receivers}
        locale={{ emptyText: t('common.none') }}
        columns={[
          { title: 'type', dataIndex: 'type' },
          { title: 'account', dataIndex: 'account' },
          { title: 'name', dataIndex: 'name' },
          {
            title: 'relation_type',
            dataIndex: 'relation_type',
            render: (v: string | null, r) => [v, r.custom_relation].filter(Boolean).join(' · '),
          },
          {
            title: t('receivers.registered'),
            dataIndex: 'registered_at_wechat_pay',
            render: (v: boolean) => <Tag color={v ? 'green' : 'orange'}>{v ? t('common.yes') : t('common.no')}</Tag>,
          },
          { title: t('common.createdAt'), dataIndex: 'created_at', render: (v: string | null) => <Time value={v} /> },
          ...(canWrite
            ? [
                {
                  title: t('common.actions'),
                  key: 'actions',
                  render: (_: unknown, r: Receiver) => (
                    <Action
                      danger
                      size="small"
                      label={t('common.remove')}
                      confirm={t('receivers.removeConfirm', { account: r.account })}
                      run={async () => {
                        await remove.mutateAsync({ params: { path: { id, account: r.account } } });
                        return t('receivers.removed', { account: r.account });
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
