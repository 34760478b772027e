/** The settlement account as WeChat Pay has it (masked), changing it (二清 ownership rule), and a change application's state. */
import { useState } from 'react';
import { Button, Descriptions, Flex, Form, Input, Select } from 'antd';
import { useQuery } from '@tanstack/react-query';
import { call } from '../../../../api/client';
import { useApiMutation } from '../../../../api/query';
import type { Body } from '../../../../api/types';
import { useT } from '../../../../i18n';
import { useCan } from '../../../../surfaces/surface';
import { FormDialog } from '../../../../ui/actions';
import { ErrorAlert } from '../../../../ui/errors';
import { Pending, Section } from '../../../../ui/Page';
import { settlementQuery } from '../route';

type ChangeBody = Body<'/admin/v1/tenants/{id}/settlement', 'post'>;

function Fields({ value }: { value: Record<string, unknown> }) {
  return (
    <Descriptions size="small" bordered column={1}>
      {Object.entries(value).map(([k, v]) => (
        <Descriptions.Item key={k} label={k}>
          {typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v ?? '')}
        </Descriptions.Item>
      ))}
    </Descriptions>
  );
}

export function SettlementTab({ id }: { id: string }) {
  const t = useT();
  const canWrite = useCan();
  const account = useQuery(settlementQuery(id));
  const change = useApiMutation('post', '/admin/v1/tenants/{id}/settlement');
  const [application, setApplication] = useState<{ value?: Record<string, unknown>; error?: unknown }>({});
  return (
    <>
      {account.isPending ? <Pending /> : account.error ? <ErrorAlert error={account.error} /> : <Fields value={account.data} />}
      {canWrite && (
        <div style={{ marginTop: 16 }}>
          <FormDialog<ChangeBody>
            open={t('settlement.change')}
            title={t('settlement.change')}
            width={640}
            initialValues={{ account_type: 'ACCOUNT_TYPE_BUSINESS' }}
            submit={async (v) => {
              const r = await change.mutateAsync({ params: { path: { id } }, body: v });
              return t('settlement.changed', { application_no: r.application_no, result: r.verify_result });
            }}
          >
            <Form.Item name="account_type" label="account_type" htmlFor="st-type">
              <Select id="st-type" options={['ACCOUNT_TYPE_BUSINESS', 'ACCOUNT_TYPE_PRIVATE'].map((x) => ({ value: x, label: x }))} />
            </Form.Item>
            <Form.Item name="account_bank" label="account_bank" htmlFor="st-bank" rules={[{ required: true }]}>
              <Input id="st-bank" placeholder="工商银行" />
            </Form.Item>
            <Form.Item name="bank_address_code" label="bank_address_code" htmlFor="st-area" rules={[{ required: true }]}>
              <Input id="st-area" placeholder="440300" />
            </Form.Item>
            <Form.Item name="bank_name" label="bank_name" htmlFor="st-bank-name">
              <Input id="st-bank-name" />
            </Form.Item>
            <Form.Item name="bank_branch_id" label="bank_branch_id" htmlFor="st-branch">
              <Input id="st-branch" />
            </Form.Item>
            <Form.Item name="account_number" label="account_number" htmlFor="st-number" rules={[{ required: true }]}>
              <Input id="st-number" autoComplete="off" />
            </Form.Item>
            <Form.Item
              name="account_name"
              label="account_name"
              htmlFor="st-name"
              rules={[{ required: true }]}
              extra={t('settlement.ownerHint')}
            >
              <Input id="st-name" />
            </Form.Item>
          </FormDialog>
        </div>
      )}
      <Section title={t('settlement.application')}>
        <Form
          layout="inline"
          onFinish={async (v: { application_no: string }) => {
            try {
              const value = await call('get', '/admin/v1/tenants/{id}/settlement/applications/{application_no}', {
                params: { path: { id, application_no: v.application_no.trim() } },
              });
              setApplication({ value });
            } catch (error) {
              setApplication({ error });
            }
          }}
        >
          <Form.Item name="application_no" label="application_no" htmlFor="st-app" rules={[{ required: true }]}>
            <Input id="st-app" />
          </Form.Item>
          <Flex gap={8}>
            <Button htmlType="submit">{t('common.search')}</Button>
          </Flex>
        </Form>
        <div style={{ marginTop: 12 }}>
          <ErrorAlert error={application.error} />
          {application.value && <Fields value={application.value} />}
        </div>
      </Section>
    </>
  );
}
