/** Events' public face: the transactional outbox other modules record into, and the webhook signature. */
export { eventsModule } from './events.module';
export { recordEvent, type EventType, type RecordEvent } from './outbox';
export { verifyWebhookSignature, webhookSignatureHeader } from './webhook-signature';
export { EventQueries } from './events.queries';
export { attemptSchema, eventIdParams, eventSchema, pageQuery as eventPageQuery } from './events.schemas';
export { webhookEnvelope } from './events.schemas';
