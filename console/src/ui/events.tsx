/** Pieces of an event's page shared by the console and the portal: its delivery attempts and its body as sent. */
import { Table } from 'antd';
import { useT } from '../i18n';
import { Json } from './data';
import { Time } from './format';

export interface DeliveryAttempt {
  attempt: number;
  at: string;
  url?: string | null;
  http_status?: number | null;
  duration_ms?: number | null;
  error?: string | null;
  response_snippet?: string | null;
}

/** Every attempt at the webhook: when (Beijing time), where, the answer's status, time taken and error. */
export function DeliveryAttempts({ attempts }: { attempts: readonly DeliveryAttempt[] }) {
  const t = useT();
  return (
    <Table<DeliveryAttempt>
      size="small"
      rowKey="attempt"
      pagination={{ pageSize: 20, hideOnSinglePage: true }}
      dataSource={[...attempts]}
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
  );
}

/** The event as the webhook receives it. */
export function EventBody({ event }: { event: { id: string; type: string; created_at: string; data: unknown } }) {
  const t = useT();
  return <Json value={{ id: event.id, type: event.type, created_at: event.created_at, data: event.data }} label={t('events.body')} />;
}
