/** One of the shop's events: its delivery state, every attempt at the shop's webhook, and the body as sent. */
import { Descriptions, Table } from 'antd';
import { useSuspenseQuery } from '@tanstack/react-query';
import type { Data } from '../../../api/types';
import { useT } from '../../../i18n';
import { Json } from '../../../ui/data';
import { Page, Section } from '../../../ui/Page';
import { StateTag, Time } from '../../../ui/format';
import { portalEventQuery, portalEventRoute } from './route';

type Attempt = Data<'/portal/v1/events/{id}'>['event']['delivery_attempts'][number];

export function PortalEventDetail() {
  const t = useT();
  const { id } = portalEventRoute.useParams();
  const { event } = useSuspenseQuery(portalEventQuery(id)).data;
  const d = event.delivery;
  return (
    <Page title={`${t('events.title')} ${event.id}`} tag={<StateTag value={d.status} />}>
      <Descriptions size="small" bordered column={{ xs: 1, lg: 2 }}>
        <Descriptions.Item label="type">{event.type}</Descriptions.Item>
        <Descriptions.Item label={t('common.createdAt')}>
          <Time value={event.created_at} />
        </Descriptions.Item>
        <Descriptions.Item label={t('events.attempts')}>{d.attempts}</Descriptions.Item>
        <Descriptions.Item label="next_attempt_at">
          <Time value={d.next_attempt_at} />
        </Descriptions.Item>
        <Descriptions.Item label="last_http_status">{d.last_http_status}</Descriptions.Item>
        <Descriptions.Item label="last_error">{d.last_error}</Descriptions.Item>
        <Descriptions.Item label="delivered_at">
          <Time value={d.delivered_at} />
        </Descriptions.Item>
      </Descriptions>
      <Section title={t('events.deliveries')}>
        <Table<Attempt>
          size="small"
          rowKey="attempt"
          pagination={false}
          dataSource={event.delivery_attempts}
          scroll={{ x: 'max-content' }}
          locale={{ emptyText: t('common.none') }}
          columns={[
            { title: '#', dataIndex: 'attempt' },
            { title: t('events.at'), dataIndex: 'at', render: (v: string) => <Time value={v} /> },
            { title: 'url', dataIndex: 'url', ellipsis: true },
            { title: 'http_status', dataIndex: 'http_status' },
            { title: 'duration_ms', dataIndex: 'duration_ms', align: 'right' },
            { title: 'error', dataIndex: 'error' },
            { title: 'response_snippet', dataIndex: 'response_snippet', ellipsis: true },
          ]}
        />
      </Section>
      <Section title={t('events.body')}>
        <Json value={{ id: event.id, type: event.type, created_at: event.created_at, data: event.data }} label={t('events.body')} />
      </Section>
    </Page>
  );
}
