import type { Em } from '../../platform/db/orm';
import { rfc3339, type Clock } from '../../platform/clock';
import { SECRET_KEYS, scrubString } from '../../platform/logging/logger';
import { decodeCursor, encodeCursor, type Page } from '../../platform/http/paging';
import type { AuditLogRow } from './audit.entity';
import type { AuditRepository } from './audit.repository';

/** Who is writing: an operator id, `bootstrap` (PARTNERPAY_ADMIN_TOKEN) or `cli:<command>`, and the request. */
export interface WriteContext {
  actor: string;
  requestId?: string;
}

const MASKED = new Set([...SECRET_KEYS.map((k) => k.toLowerCase()), 'secret', 'token_hash', 'tokenhash', 'hash', 'wrapped']);

/** Deep copy of `value` with every secret-named member replaced by "***" and secret shapes scrubbed from strings. */
export function maskSecrets(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return scrubString(value);
  if (!value || typeof value !== 'object' || depth > 8) return value;
  if (Array.isArray(value)) return value.map((v) => maskSecrets(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = MASKED.has(k.toLowerCase()) && v != null ? '***' : maskSecrets(v, depth + 1);
  return out;
}

export interface AuditEntry {
  action: string;
  target: string;
  before?: unknown;
  after?: unknown;
}

export interface AuditQuery {
  limit: number;
  cursor?: string;
  actor?: string;
  action?: string;
  target?: string;
  /** Epoch ms bounds on `at`. */
  since?: number;
  until?: number;
}

/** The append-only audit log of admin writes. */
export class AuditLog {
  constructor(
    private readonly repo: AuditRepository,
    private readonly clock: Clock,
  ) {}

  /** Appends one entry inside the caller's transaction, so the entry exists if and only if the write commits. */
  async record(em: Em, ctx: WriteContext, entry: AuditEntry): Promise<void> {
    await this.repo.insert(em, {
      actor: ctx.actor,
      action: entry.action,
      target: entry.target,
      requestId: ctx.requestId ?? null,
      beforeJson: entry.before === undefined ? null : JSON.stringify(maskSecrets(entry.before)),
      afterJson: entry.after === undefined ? null : JSON.stringify(maskSecrets(entry.after)),
      at: this.clock.now(),
    });
  }

  /** Newest first, filtered, cursor-paged. */
  async list(q: AuditQuery): Promise<Page<ReturnType<typeof auditJson>>> {
    const { actor, action, target, since, until } = q;
    const beforeId = q.cursor ? decodeCursor(q.cursor).n : undefined;
    const rows = await this.repo.list({ actor, action, target, since, until, beforeId }, q.limit + 1);
    const data = rows.slice(0, q.limit);
    const last = data[data.length - 1];
    return { data: data.map(auditJson), next_cursor: rows.length > q.limit && last ? encodeCursor(last.id, 'a') : null };
  }
}

/** The API shape of an audit entry. */
export function auditJson(r: AuditLogRow) {
  return {
    id: r.id,
    actor: r.actor,
    action: r.action,
    target: r.target,
    request_id: r.requestId ?? null,
    before: r.beforeJson ? (JSON.parse(r.beforeJson) as unknown) : null,
    after: r.afterJson ? (JSON.parse(r.afterJson) as unknown) : null,
    at: rfc3339(r.at),
  };
}
