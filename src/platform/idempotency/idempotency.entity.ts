import { defineEntity, p, table, type RowOf } from '../db/table';

/** A tenant's Idempotency-Key and the first answer given for it (kept at least 24 h). */
export const IdempotencyEntity = defineEntity({
  name: 'IdempotencyRecord',
  tableName: 'idempotency_record',
  properties: {
    tenantId: p.string().length(40).primary(),
    idemKey: p.string().length(64).primary(),
    /** SHA-256 over the route and the canonical body: another body under the same key is a conflict. */
    requestHash: p.string().length(64),
    status: p.integer(),
    responseBody: p.text(),
    createdAt: p.bigint('number'),
    expiresAt: p.bigint('number'),
  },
  indexes: [{ name: 'idempotency_record_expires_idx', properties: ['expiresAt'] }],
});

/** One idempotency record row. */
export type IdempotencyRow = RowOf<typeof IdempotencyEntity>;
/** The idempotency_record table. */
export const IDEMPOTENCY_RECORD = table(IdempotencyEntity);
