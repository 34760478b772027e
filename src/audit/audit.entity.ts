import { BigIntType, EntitySchema } from '@mikro-orm/core';
import { registerEntities } from '../common/db/entities';

/** One admin write. Append-only: nothing in partnerpay updates or deletes these rows. */
export interface AuditLogRow {
  id: number;
  /** Operator id, `bootstrap`, or `cli:<command>`. */
  actor: string;
  /** e.g. `tenant.create`, `service_provider.put`. */
  action: string;
  /** The resource, e.g. `tenant:ten_...`. */
  target: string;
  request_id: string | null;
  /** JSON, secrets masked. */
  before_json: string | null;
  after_json: string | null;
  at: number;
}

export const AuditLogSchema = new EntitySchema<AuditLogRow>({
  name: 'AuditLog',
  tableName: 'audit_log',
  properties: {
    id: { type: 'integer', primary: true, autoincrement: true },
    actor: { type: 'string', length: 64, index: true },
    action: { type: 'string', length: 64, index: true },
    target: { type: 'string', length: 128, index: true },
    request_id: { type: 'string', length: 128, nullable: true },
    before_json: { type: 'text', nullable: true },
    after_json: { type: 'text', nullable: true },
    at: { type: new BigIntType('number'), index: true },
  },
});

registerEntities(AuditLogSchema);
