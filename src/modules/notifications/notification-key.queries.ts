import type { NotificationRepository } from './notification.repository';

export type { KeyedNotification } from './notification.repository';

/** What the key report reads from notification_log (NotificationRepository's admin reads; never on the notification path). */
export type NotificationKeyQueries = Pick<NotificationRepository, 'recent' | 'lastUsed' | 'failures'>;
