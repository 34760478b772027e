import { ClientClosedError, ClientOfflineError, ConnectionTimeoutError, SocketClosedUnexpectedlyError, SocketTimeoutError } from 'redis';

/** Socket-level codes of a server that is gone or unreachable (mysql2, libsql, node's net). */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'PROTOCOL_CONNECTION_LOST',
  'PROTOCOL_SEQUENCE_TIMEOUT',
  'ER_CON_COUNT_ERROR',
  'ER_SERVER_SHUTDOWN',
]);

/**
 * Which dependency an error says is down: 'Redis' for node-redis's offline/closed/timeout errors,
 * 'database' for a refused or dropped database connection (also knex's pool timeout), else undefined.
 * Walks `cause` (MikroORM and our own errors wrap the driver's).
 */
export function dependencyDown(err: unknown): 'database' | 'Redis' | undefined {
  for (let e = err, depth = 0; e && typeof e === 'object' && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    if (
      e instanceof ClientOfflineError ||
      e instanceof ClientClosedError ||
      e instanceof SocketClosedUnexpectedlyError ||
      e instanceof ConnectionTimeoutError ||
      e instanceof SocketTimeoutError
    )
      return 'Redis';
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && NETWORK_CODES.has(code)) return 'database';
    const message = (e as { message?: unknown }).message;
    if (typeof message === 'string' && /^Knex: Timeout acquiring a connection/.test(message)) return 'database';
  }
  return undefined;
}
