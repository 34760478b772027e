import { defineEntity, p, table, type RowOf } from '../../platform/db/table';

/** One admin write. Append-only: nothing in partnerpay updates or deletes these rows. */
export const AuditLogEntity = defineEntity({
  name: 'AuditLog',
  tableName: 'audit_log',
  properties: {
    id: p.integer().primary().autoincrement(),
    /** Operator id, `bootstrap`, or `cli:<command>`. */
    actor: p.string().length(64).index(),
    /** e.g. `tenant.create`, `service_provider.put`. */
    action: p.string().length(64).index(),
    /** The resource, e.g. `tenant:ten_...`. */
    target: p.string().length(128).index(),
    requestId: p.string().length(128).nullable(),
    /** JSON, secrets masked. */
    beforeJson: p.text().nullable(),
    afterJson: p.text().nullable(),
    at: p.bigint('number').index(),
  },
});

/** One audit entry row. */
export type AuditLogRow = RowOf<typeof AuditLogEntity>;
/** The audit_log table. */
export const AUDIT_LOG = table(AuditLogEntity);
