/**
 * What the SDK needs from its host, as small structural interfaces (partnerpay passes its own clock,
 * pino logger, Redis-or-memory store and database-backed certificate store; anything of the same
 * shape works).
 */
import type { CertificateInfo } from './crypto';

/** Time source (milliseconds since the epoch); tests pass one they move by hand. */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** The logger calls the SDK makes (a pino logger fits). Messages never carry secrets. */
export interface WxpayLogger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/**
 * A small shared key-value store with expiry (Redis, or a map for one process): platform keys use it
 * to download certificates at most once a minute per provider across processes.
 */
export interface SharedStore {
  get(key: string): Promise<string | undefined>;
  set(key: string, value: string, ttlMs: number): Promise<void>;
  /** Sets only when absent; true when this call set it (SET NX). */
  setIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean>;
}

/** A platform certificate as stored: enough to rebuild it and to know when it was fetched. */
export interface StoredCertificate {
  serialNo: string;
  pem: string;
  fetchedAt: Date;
}

/**
 * Where downloaded platform certificates are kept so that every process (and the next start) sees
 * them: partnerpay's is a database table; tests may keep them in memory.
 */
export interface CertificateStore {
  /** The certificates of `spMchid` not yet expired at `nowMs`. */
  load(spMchid: string, nowMs: number): Promise<StoredCertificate[]>;
  /** Inserts new certificates and refreshes fetched_at of known ones (safe when processes race). */
  save(spMchid: string, certs: CertificateInfo[], nowMs: number): Promise<void>;
}
