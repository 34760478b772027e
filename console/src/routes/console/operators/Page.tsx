/** Operators: admins create them (the token is shown once) and revoke them. */
import { useState } from 'react';
import { Form, Input, Select, Tag } from 'antd';
import { useSuspenseQuery } from '@tanstack/react-query';
import { useApiMutation } from '../../../api/query';
import type { Body, Row } from '../../../api/types';
import { useT } from '../../../i18n';
import { useCan, useSurface } from '../../../surfaces/surface';
import { Action, FormDialog } from '../../../ui/actions';
import { SecretOnce } from '../../../ui/data';
import { ListTable } from '../../../ui/list';
import { Page } from '../../../ui/Page';
import { Time } from '../../../ui/format';
import { operatorsQuery, operatorsRoute } from './route';

type Operator = Row<'/admin/v1/operators'>;

export function OperatorsPage() {
  const t = useT();
  const canWrite = useCan();
  const { principal } = useSurface();
  const search = operatorsRoute.useSearch();
  const { data, isFetching } = useSuspenseQuery(operatorsQuery(search));
  const [token, setToken] = useState<string | null>(null);
  const create = useApiMutation('post', '/admin/v1/operators');
  const revoke = useApiMutation('delete', '/admin/v1/operators/{id}', { also: ['/admin/v1/operators'] });
  return (
    <Page
      title={t('nav.operators')}
      extra={
        canWrite && (
          <FormDialog<Body<'/admin/v1/operators', 'post'>>
            open={t('operators.create')}
            buttonType="primary"
            title={t('operators.create')}
            okText={t('common.create')}
            initialValues={{ role: 'viewer' }}
            submit={async (v) => {
              const op = await create.mutateAsync({ body: v });
              setToken(op.token);
              return t('operators.created', { name: op.name, role: op.role });
            }}
          >
            <Form.Item name="name" label={t('operators.name')} htmlFor="op-name" rules={[{ required: true }]}>
              <Input id="op-name" />
            </Form.Item>
            <Form.Item name="role" label={t('operators.role')} htmlFor="op-role">
              <Select
                id="op-role"
                options={[
                  { value: 'admin', label: t('role.admin') },
                  { value: 'viewer', label: t('role.viewer') },
                ]}
              />
            </Form.Item>
          </FormDialog>
        )
      }
    >
      {token && <SecretOnce label="token" value={token} warning={t('operators.tokenOnce')} />}
      <ListTable<Operator>
        page={data}
        busy={isFetching}
        cursor={search.cursor}
        rowKey="id"
        testId="operators-table"
        columns={[
          { title: t('operators.name'), dataIndex: 'name' },
          { title: 'id', dataIndex: 'id' },
          {
            title: t('operators.role'),
            dataIndex: 'role',
            render: (v: string) => <Tag color={v === 'admin' ? 'gold' : 'default'}>{t(v === 'admin' ? 'role.admin' : 'role.viewer')}</Tag>,
          },
          { title: t('common.createdAt'), dataIndex: 'created_at', render: (v: string) => <Time value={v} /> },
          ...(canWrite
            ? [
                {
                  title: t('common.actions'),
                  key: 'actions',
                  render: (_: unknown, op: Operator) =>
                    op.id === principal.id ? (
                      <Tag>{t('operators.you')}</Tag>
                    ) : (
                      <Action
                        danger
                        size="small"
                        label={t('operators.revoke')}
                        confirm={t('operators.revokeConfirm', { name: op.name })}
                        run={async () => {
                          await revoke.mutateAsync({ params: { path: { id: op.id } } });
                          return t('operators.revoked', { name: op.name });
                        }}
                      />
                    ),
                },
              ]
            : []),
        ]}
      />
    </Page>
  );
}
