import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import type { RaiseComplaint, SimComplaints } from '../complaints';
import { ControlError, WxError } from '../errors';

/**
 * The complaints part of the control API (mounted at `<sim>/control/complaints`): a buyer complains
 * (`notify: false` = WeChat Pay's notification is lost), writes again, continues; resend a notification;
 * read every complaint and the registered URLs.
 */
export function complaintsControlRouter(complaints: SimComplaints): Router {
  const r = express.Router();
  r.use(express.json({ limit: '64kb' }));
  const on = (method: 'get' | 'post', path: string, fn: (req: Request) => unknown, status = 200) =>
    r[method](path, async (req: Request, res: Response, next: NextFunction) => {
      try {
        res.status(status).json(await fn(req));
      } catch (e) {
        next(e);
      }
    });
  const body = (req: Request) => (req.body && typeof req.body === 'object' ? req.body : {}) as Record<string, unknown>;
  on('get', '/', () => ({ data: complaints.all() }));
  on('post', '/', (req) => complaints.raise(body(req) as unknown as RaiseComplaint), 201);
  on('get', '/notification-urls', () => ({ data: complaints.registeredUrls() }));
  on('post', '/:complaint_id/user-response', (req) =>
    complaints.userAction(String(req.params.complaint_id), 'respond', body(req).content as string | undefined),
  );
  on('post', '/:complaint_id/continue', (req) =>
    complaints.userAction(String(req.params.complaint_id), 'continue', body(req).content as string | undefined),
  );
  on('post', '/:complaint_id/notify', (req) =>
    complaints.renotify(String(req.params.complaint_id), (body(req).action_type as string | undefined) ?? 'CREATE_COMPLAINT'),
  );
  r.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    if (err instanceof ControlError) return void res.status(err.status).json({ code: err.code, message: err.message });
    if (err instanceof WxError) return void res.status(err.status).json(err.body());
    res.status(500).json({ code: 'INTERNAL_ERROR', message: 'simulator control call failed' });
  });
  return r;
}
