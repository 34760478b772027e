import { BigIntType, EntitySchema } from '@mikro-orm/core';
import { registerEntities } from '../common/db/entities';

/** A tenant's Idempotency-Key and the first answer given for it (kept at least 24 h). */
export interface IdempotencyRow {
  tenant_id: string;
  idem_key: string;
  /** SHA-256 over the route and the canonical body: another body under the same key is a conflict. */
  request_hash: string;
  status: number;
  response_body: string;
  created_at: number;
  expires_at: number;
}

export const IdempotencySchema = new EntitySchema<IdempotencyRow>({
  name: 'IdempotencyRecord',
  tableName: 'idempotency_record',
  properties: {
    tenant_id: { type: 'string', length: 40, primary: true },
    idem_key: { type: 'string', length: 64, primary: true },
    request_hash: { type: 'string', length: 64 },
    status: { type: 'integer' },
    response_body: { type: 'text' },
    created_at: { type: new BigIntType('number') },
    expires_at: { type: new BigIntType('number') },
  },
  indexes: [{ name: 'idempotency_record_expires_idx', properties: ['expires_at'] }],
});

registerEntities(IdempotencySchema);
