import type { NextFunction, Request, Response } from 'express';
import type { Logger } from '../logging/logger';
import { currentLogContext } from '../logging/log-context';

/**
 * One JSON log line per request: request id, method, route (the pattern, not the raw path), status, duration.
 * Requests under `simulatorPath` (the embedded simulator) are logged with `component: simulator`.
 */
export function requestLog(logger: Logger, simulatorPath?: string) {
  const simulator = simulatorPath ? logger.child({ component: 'simulator' }) : undefined;
  return (req: Request, res: Response, next: NextFunction): void => {
    const log = simulator && (req.path === simulatorPath || req.path.startsWith(`${simulatorPath}/`)) ? simulator : logger;
    const start = process.hrtime.bigint();
    // Captured now: 'finish' may fire outside the request's async context, and the ids gathered meanwhile belong on this line.
    const ctx = currentLogContext();
    res.on('finish', () => {
      const route = req.route?.path ? `${req.baseUrl}${String(req.route.path)}` : req.baseUrl || '(unmatched)';
      log.info(
        {
          ...ctx,
          request_id: req.id,
          method: req.method,
          route,
          status: res.statusCode,
          duration_ms: Number(process.hrtime.bigint() - start) / 1e6,
        },
        'request',
      );
    });
    next();
  };
}
