/** A ticket's age in minutes, red once stale (WeChat pushes every 10 minutes; stale after 30). */
import { Tag } from 'antd';
import { useT } from '../../../i18n';

export function TicketAge({ ticket }: { ticket: { received: boolean; age_seconds: number; stale: boolean } }) {
  const t = useT();
  const minutes = Math.floor(ticket.age_seconds / 60);
  if (!ticket.received) return <Tag color={ticket.stale ? 'red' : 'default'}>{t('openPlatforms.noTicket')}</Tag>;
  return <Tag color={ticket.stale ? 'red' : 'green'}>{t('openPlatforms.minutes', { n: minutes })}</Tag>;
}
