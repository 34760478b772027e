import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Orm } from '../common/db/orm';
import type { Clock } from '../common/clock';
import { rfc3339 } from '../common/clock';
import { newId } from '../common/ids';
import { AppError } from '../common/errors';
import { keysetPage, type Page } from '../common/http/paging';
import type { AuditLog, WriteContext } from '../audit/audit-log';
import { OperatorSchema, type OperatorRole, type OperatorRow } from './operator.entity';

/** Who is calling the admin API. `id` is `bootstrap` for PARTNERPAY_ADMIN_TOKEN. */
export interface OperatorIdentity {
  id: string;
  name: string;
  role: OperatorRole;
}

/** SHA-256 hex of a token: tokens are 256-bit random, so a fast hash is enough (no guessable input to stretch). */
export function sha256Hex(s: string): string {
  return createHash('sha256').update(s, 'utf8').digest('hex');
}

/** Constant-time equality of two strings via their SHA-256 (equal length, so timingSafeEqual applies). */
export function constantTimeEqual(a: string, b: string): boolean {
  return timingSafeEqual(createHash('sha256').update(a).digest(), createHash('sha256').update(b).digest());
}

/** The API shape of an operator (never its token or hash). */
export function operatorJson(o: OperatorRow) {
  return { id: o.id, name: o.name, role: o.role, created_at: rfc3339(o.created_at) };
}

/** Operators made through the API, with tokens `op_...` stored as hashes. */
export class OperatorsService {
  constructor(
    private readonly orm: Orm,
    private readonly clock: Clock,
    private readonly audit: AuditLog,
    private readonly bootstrapToken: string,
  ) {}

  /** Resolves a bearer token to an operator: the bootstrap token, or a live `op_...` token. */
  async authenticate(token: string): Promise<OperatorIdentity | undefined> {
    if (constantTimeEqual(token, this.bootstrapToken))
      return { id: 'bootstrap', name: 'bootstrap (PARTNERPAY_ADMIN_TOKEN)', role: 'admin' };
    if (!token.startsWith('op_')) return undefined;
    const hash = sha256Hex(token);
    const row = await this.orm.em.fork().findOne(OperatorSchema, { token_hash: hash, revoked_at: null });
    if (!row || !constantTimeEqual(row.token_hash, hash)) return undefined;
    return { id: row.id, name: row.name, role: row.role };
  }

  /** Creates an operator; the token is in this answer only. */
  async create(name: string, role: OperatorRole, ctx: WriteContext): Promise<{ operator: OperatorRow; token: string }> {
    const token = `op_${randomBytes(32).toString('base64url')}`;
    const row: OperatorRow = { id: newId('opr'), name, role, token_hash: sha256Hex(token), created_at: this.clock.now(), revoked_at: null };
    await this.orm.em.fork().transactional(async (em) => {
      await em.insert(OperatorSchema, row);
      await this.audit.record(em, ctx, { action: 'operator.create', target: `operator:${row.id}`, after: operatorJson(row) });
    });
    return { operator: row, token };
  }

  /** Live operators, newest first. */
  async list(limit: number, cursor?: string): Promise<Page<ReturnType<typeof operatorJson>>> {
    const k = keysetPage<OperatorRow>('created_at', cursor);
    const rows = await this.orm.em.fork().find(OperatorSchema, { revoked_at: null, ...k.where }, { orderBy: k.orderBy, limit: limit + 1 });
    return k.page(rows, limit, operatorJson);
  }

  /** Revokes an operator's token at once (404 when unknown or already revoked). */
  async revoke(id: string, ctx: WriteContext): Promise<void> {
    await this.orm.em.fork().transactional(async (em) => {
      const row = await em.findOne(OperatorSchema, { id, revoked_at: null });
      if (!row) throw AppError.notFound('operator');
      await em.nativeUpdate(OperatorSchema, { id, revoked_at: null }, { revoked_at: this.clock.now() });
      await this.audit.record(em, ctx, { action: 'operator.revoke', target: `operator:${id}`, before: operatorJson(row) });
    });
  }
}
