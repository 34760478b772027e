/** One event: its delivery state, every attempt, the body as sent, and redeliver (with feedback naming the result). */
import { Descriptions } from 'antd';
import { useSuspenseQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { useApiMutation } from '../../../api/query';
import { useT } from '../../../i18n';
import { formatBeijing } from '../../../lib/format';
import { useCan } from '../../../surfaces/surface';
import { Action } from '../../../ui/actions';
import { DeliveryAttempts, EventBody } from '../../../ui/events';
import { Page, Section } from '../../../ui/Page';
import { StateTag, Time } from '../../../ui/format';
import { eventQuery, eventRoute } from './route';

export function EventDetail() {
  const t = useT();
  const canWrite = useCan();
  const { id } = eventRoute.useParams();
  const { event } = useSuspenseQuery(eventQuery(id)).data;
  const redeliver = useApiMutation('post', '/admin/v1/events/{id}/redeliver', { also: ['/admin/v1/dashboard'] });
  const d = event.delivery;
  return (
    <Page
      title={`${t('events.title')} ${event.id}`}
      tag={<StateTag value={d.status} />}
      extra={
        canWrite && (
          <Action
            type="primary"
            label={t('events.redeliver')}
            run={async () => {
              const { event: e } = await redeliver.mutateAsync({ params: { path: { id } } });
              return t('events.redelivered', {
                id: e.id,
                status: e.delivery.status,
                at: e.delivery.next_attempt_at ? formatBeijing(e.delivery.next_attempt_at) : '—',
              });
            }}
          />
        )
      }
    >
      <Descriptions size="small" bordered column={{ xs: 1, lg: 2 }}>
        <Descriptions.Item label="type">{event.type}</Descriptions.Item>
        <Descriptions.Item label="tenant_id">
          <Link to="/console/tenants/$id" params={{ id: event.tenant_id }}>
            {event.tenant_id}
          </Link>
        </Descriptions.Item>
        <Descriptions.Item label="status">
          <span data-testid="event-status">{d.status}</span>
        </Descriptions.Item>
        <Descriptions.Item label={t('events.attempts')}>{d.attempts}</Descriptions.Item>
        <Descriptions.Item label="next_attempt_at">
          <Time value={d.next_attempt_at} />
        </Descriptions.Item>
        <Descriptions.Item label="last_attempt_at">
          <Time value={d.last_attempt_at} />
        </Descriptions.Item>
        <Descriptions.Item label="last_http_status">{d.last_http_status}</Descriptions.Item>
        <Descriptions.Item label="last_error">{d.last_error}</Descriptions.Item>
        <Descriptions.Item label="delivered_at">
          <Time value={d.delivered_at} />
        </Descriptions.Item>
        <Descriptions.Item label={t('common.createdAt')}>
          <Time value={event.created_at} />
        </Descriptions.Item>
      </Descriptions>
      <Section title={t('events.deliveries')}>
        <DeliveryAttempts attempts={event.delivery_attempts} />
      </Section>
      <Section title={t('events.body')}>
        <EventBody event={event} />
      </Section>
    </Page>
  );
}
