/**
 * One complaint: what the buyer said, the order it is about, the negotiation so far, and (owner and
 * staff) the answer to the buyer, which WeChat Pay expects before respond_by.
 */
import { Alert, Descriptions, Form, Input, Table, Tag } from 'antd';
import { useSuspenseQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { useApiMutation } from '../../../api/query';
import { useT } from '../../../i18n';
import { useCan } from '../../../surfaces/surface';
import { FormDialog } from '../../../ui/actions';
import { Json } from '../../../ui/data';
import { Page, Section } from '../../../ui/Page';
import { Money, StateTag, Time } from '../../../ui/format';
import { portalComplaintQuery, portalComplaintRoute } from './route';

interface Complaint {
  complaint_id: string;
  complaint_time?: string;
  complaint_state?: string;
  complaint_detail?: string;
  payer_phone?: string;
  respond_by?: string;
  overdue?: boolean;
  order?: { out_trade_no: string; trade_state: string; amount?: { total?: number } } | null;
  negotiation_history?: Array<{
    log_id?: string;
    operator?: string;
    operate_time?: string;
    operate_type?: string;
    operate_details?: string;
  }>;
  [k: string]: unknown;
}
type History = NonNullable<Complaint['negotiation_history']>[number];

export function PortalComplaintDetail() {
  const t = useT();
  const canWrite = useCan();
  const { complaintId } = portalComplaintRoute.useParams();
  const c = useSuspenseQuery(portalComplaintQuery(complaintId)).data.complaint as Complaint;
  const respond = useApiMutation('post', '/portal/v1/complaints/{complaint_id}/responses');
  const open = c.complaint_state !== 'PROCESSED';
  return (
    <Page
      title={`${t('complaints.title')} ${c.complaint_id}`}
      tag={<StateTag value={c.complaint_state} />}
      extra={
        canWrite &&
        open && (
          <FormDialog<{ response_content: string }>
            open={t('complaints.respond')}
            buttonType="primary"
            title={t('complaints.respond')}
            okText={t('complaints.send')}
            testId="complaint-respond"
            submit={async (v) => {
              const out = await respond.mutateAsync({
                params: { path: { complaint_id: c.complaint_id } },
                body: { response_content: v.response_content.trim() },
              });
              return t('complaints.responded', { id: c.complaint_id, state: String((out.complaint as Complaint).complaint_state) });
            }}
          >
            <Form.Item
              name="response_content"
              label={t('complaints.response')}
              htmlFor="complaint-response"
              rules={[{ required: true, whitespace: true, max: 200, message: t('complaints.responseRule') }]}
            >
              <Input.TextArea id="complaint-response" rows={4} maxLength={200} showCount />
            </Form.Item>
          </FormDialog>
        )
      }
    >
      {c.overdue && <Alert type="error" showIcon title={t('complaints.overdueHint')} style={{ marginBottom: 12 }} />}
      <Descriptions size="small" bordered column={{ xs: 1, lg: 2 }}>
        <Descriptions.Item label="complaint_time">
          <Time value={c.complaint_time} />
        </Descriptions.Item>
        <Descriptions.Item label={t('complaints.respondBy')}>
          <span data-testid="respond-by">
            <Time value={c.respond_by} />
          </span>{' '}
          {c.overdue && <Tag color="red">{t('complaints.overdue')}</Tag>}
        </Descriptions.Item>
        <Descriptions.Item label="payer_phone">{c.payer_phone}</Descriptions.Item>
        <Descriptions.Item label="out_trade_no">
          {c.order ? (
            <Link to="/portal/orders/$outTradeNo" params={{ outTradeNo: c.order.out_trade_no }}>
              {c.order.out_trade_no}
            </Link>
          ) : (
            '—'
          )}{' '}
          {c.order && <Money fen={c.order.amount?.total} />}
        </Descriptions.Item>
        <Descriptions.Item label="complaint_detail" span={2}>
          {c.complaint_detail}
        </Descriptions.Item>
      </Descriptions>
      <Section title={t('complaints.history')}>
        <Table<History>
          size="small"
          rowKey={(h, i) => h.log_id ?? String(i)}
          pagination={{ pageSize: 20, hideOnSinglePage: true }}
          dataSource={c.negotiation_history ?? []}
          locale={{ emptyText: t('common.none') }}
          columns={[
            { title: 'operate_time', dataIndex: 'operate_time', render: (v: string) => <Time value={v} /> },
            { title: 'operator', dataIndex: 'operator' },
            { title: 'operate_type', dataIndex: 'operate_type' },
            { title: 'operate_details', dataIndex: 'operate_details' },
          ]}
        />
      </Section>
      <Section title={t('complaints.all')}>
        <Json value={c} label={c.complaint_id} />
      </Section>
    </Page>
  );
}
