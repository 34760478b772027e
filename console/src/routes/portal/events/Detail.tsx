/** One of the shop's events: its delivery state, every attempt at the shop's webhook, and the body as sent. */
import { Descriptions } from 'antd';
import { useSuspenseQuery } from '@tanstack/react-query';
import { useT } from '../../../i18n';
import { DeliveryAttempts, EventBody } from '../../../ui/events';
import { Page, Section } from '../../../ui/Page';
import { StateTag, Time } from '../../../ui/format';
import { portalEventQuery, portalEventRoute } from './route';

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
        <DeliveryAttempts attempts={event.delivery_attempts} />
      </Section>
      <Section title={t('events.body')}>
        <EventBody event={event} />
      </Section>
    </Page>
  );
}
