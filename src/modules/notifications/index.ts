/** Notifications' public face: the handler port owners of a kind implement, and the log's reads. */
export { notificationsModule } from './notifications.module';
export type { HandlerResult, NotificationHandler, VerifiedNotification } from './notification-handler';
export type { NotificationKeyQueries } from './notification-key.queries';
export { NotificationRepository } from './notification.repository';
export { wechatpayAnswer, wechatpayRefusal } from './notifications.routes';
export { SpNotificationReader, spAnswer, type SpNotification } from './sp-notification-reader';
