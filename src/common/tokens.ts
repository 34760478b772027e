/** tsyringe injection tokens. Only container.ts binds them to concrete classes. */
export const TOKENS = {
  Config: Symbol('Config'),
  Logger: Symbol('Logger'),
  Orm: Symbol('Orm'),
  Clock: Symbol('Clock'),
  Kv: Symbol('Kv'),
  Locks: Symbol('Locks'),
  RateLimiter: Symbol('RateLimiter'),
  Jobs: Symbol('Jobs'),
  Routers: Symbol('Routers'),
  Simulator: Symbol('Simulator'),
} as const;
