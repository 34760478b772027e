import type { NextFunction, Request, Response } from 'express';

/** True for 127.0.0.0/8, ::1 and their IPv4-mapped forms. */
export function isLoopback(address: string | undefined): boolean {
  if (!address) return false;
  const a = address.replace(/^::ffff:/i, '');
  return a === '::1' || /^127\.\d+\.\d+\.\d+$/.test(a);
}

/**
 * The simulator's control API (pay orders, inject faults) is unauthenticated: only the machine
 * itself may use it, judged by the socket peer (never a forwarded header). Others get 403.
 */
export function loopbackOnly(req: Request, res: Response, next: NextFunction): void {
  if (isLoopback(req.socket.remoteAddress)) return next();
  res.status(403).json({ code: 'FORBIDDEN', message: 'the simulator control API answers only on loopback' });
}
