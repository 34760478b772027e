import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { KeyObject, createPrivateKey, createPublicKey, createSecretKey } from 'node:crypto';
import { deserialize, serialize } from 'node:v8';

/** The snapshot file inside the state directory. */
export const STATE_FILE = 'simulator-state.v8';
const FORMAT = 1;
/** Marks an encoded KeyObject (the only non-plain value the simulator's data holds). */
const KEY_TAG = '__simulator_key__';

const transients = new WeakSet<object>();

/** Marks a Map or Set of running machinery (timers, connections) as not state: it is neither saved, restored nor reset. */
export function transient<T extends object>(collection: T): T {
  transients.add(collection);
  return collection;
}

/** A value that is not plain data (a function, a class instance such as a timer or a promise): its field is not persisted. */
class NotData extends Error {}

/**
 * A field of a state holder: a Map, Set, array, plain object, string or number field of a class
 * instance that owns at least one Map or Set. Booleans are flags of running machinery, never state.
 */
interface Field {
  holder: object;
  key: string;
  name: string;
}

/**
 * Finds the state of the simulator without a list of areas: every class instance reachable through
 * the fields of `root` (except `skip`: keys, faults, timers, sockets) that owns a Map or a Set is a
 * state holder, named by its class (by its path when a class occurs twice); its data fields are
 * persisted. A new area (a Map on SimState, or a new `XyzSim` class with Maps reachable from the
 * simulator) is covered without code here.
 */
export function findStateFields(root: object, skip: ReadonlySet<object>): Field[] {
  const holders: Array<{ obj: object; path: string; cls: string }> = [];
  const seen = new Set<object>([...skip]);
  const walk = (obj: object, path: string) => {
    if (seen.has(obj)) return;
    seen.add(obj);
    const fields = Object.entries(obj);
    if (fields.some(([, v]) => (v instanceof Map || v instanceof Set) && !transients.has(v)))
      holders.push({ obj, path, cls: obj.constructor.name });
    for (const [k, v] of fields) if (isClassInstance(v)) walk(v as object, path ? `${path}.${k}` : k);
  };
  walk(root, '');
  const byClass = new Map<string, number>();
  for (const h of holders) byClass.set(h.cls, (byClass.get(h.cls) ?? 0) + 1);
  const out: Field[] = [];
  for (const h of holders) {
    const name = byClass.get(h.cls) === 1 ? h.cls : `${h.cls}@${h.path}`;
    for (const [key, v] of Object.entries(h.obj)) {
      if (skip.has(v as object) || transients.has(v as object)) continue;
      if (typeof v === 'string' || typeof v === 'number' || v instanceof Map || v instanceof Set || Array.isArray(v) || isPlain(v))
        out.push({ holder: h.obj, key, name: `${name}.${key}` });
    }
  }
  return out;
}

function isPlain(v: unknown): v is Record<string, unknown> {
  if (!v || typeof v !== 'object') return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

function isClassInstance(v: unknown): boolean {
  return (
    !!v &&
    typeof v === 'object' &&
    !isPlain(v) &&
    !Array.isArray(v) &&
    !(v instanceof Map) &&
    !(v instanceof Set) &&
    !(v instanceof Date) &&
    !ArrayBuffer.isView(v) &&
    !(v instanceof KeyObject)
  );
}

/** Turns data into what v8.serialize keeps (shared references and cycles stay shared through `memo`). */
function encode(v: unknown, memo: Map<object, unknown>): unknown {
  if (v === null || v === undefined || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint')
    return v;
  if (typeof v !== 'object') throw new NotData();
  if (memo.has(v)) return memo.get(v);
  if (v instanceof Date || ArrayBuffer.isView(v)) return v;
  if (v instanceof KeyObject) {
    const out =
      v.type === 'private'
        ? { [KEY_TAG]: 'private', pem: v.export({ type: 'pkcs8', format: 'pem' }) }
        : v.type === 'public'
          ? { [KEY_TAG]: 'public', pem: v.export({ type: 'spki', format: 'pem' }) }
          : { [KEY_TAG]: 'secret', raw: v.export() };
    memo.set(v, out);
    return out;
  }
  if (v instanceof Map) {
    const out = new Map();
    memo.set(v, out);
    for (const [k, x] of v) out.set(encode(k, memo), encode(x, memo));
    return out;
  }
  if (v instanceof Set) {
    const out = new Set();
    memo.set(v, out);
    for (const x of v) out.add(encode(x, memo));
    return out;
  }
  if (Array.isArray(v)) {
    const out: unknown[] = [];
    memo.set(v, out);
    for (const x of v) out.push(encode(x, memo));
    return out;
  }
  if (!isPlain(v)) throw new NotData();
  const out: Record<string, unknown> = {};
  memo.set(v, out);
  for (const [k, x] of Object.entries(v)) if (x !== undefined) out[k] = encode(x, memo);
  return out;
}

/** The inverse of encode (memo keeps shared references shared). */
function decode(v: unknown, memo: Map<object, unknown>): unknown {
  if (!v || typeof v !== 'object' || v instanceof Date || ArrayBuffer.isView(v)) return v;
  if (memo.has(v)) return memo.get(v);
  if (v instanceof Map) {
    const out = new Map();
    memo.set(v, out);
    for (const [k, x] of v) out.set(decode(k, memo), decode(x, memo));
    return out;
  }
  if (v instanceof Set) {
    const out = new Set();
    memo.set(v, out);
    for (const x of v) out.add(decode(x, memo));
    return out;
  }
  if (Array.isArray(v)) {
    const out: unknown[] = [];
    memo.set(v, out);
    for (const x of v) out.push(decode(x, memo));
    return out;
  }
  const o = v as Record<string, unknown>;
  if (typeof o[KEY_TAG] === 'string') {
    const key =
      o[KEY_TAG] === 'private'
        ? createPrivateKey(o.pem as string)
        : o[KEY_TAG] === 'public'
          ? createPublicKey(o.pem as string)
          : createSecretKey(o.raw as Buffer);
    memo.set(v, key);
    return key;
  }
  const out: Record<string, unknown> = {};
  memo.set(v, out);
  for (const [k, x] of Object.entries(o)) out[k] = decode(x, memo);
  return out;
}

/** Puts `value` into the live field: Maps, Sets, arrays and plain objects are refilled in place (others may hold them). */
function assignInPlace(holder: object, key: string, value: unknown): void {
  const live = (holder as Record<string, unknown>)[key];
  if (live instanceof Map && value instanceof Map) {
    live.clear();
    for (const [k, v] of value) live.set(k, v);
  } else if (live instanceof Set && value instanceof Set) {
    live.clear();
    for (const v of value) live.add(v);
  } else if (Array.isArray(live) && Array.isArray(value)) {
    live.splice(0, live.length, ...value);
  } else if (isPlain(live) && isPlain(value)) {
    for (const k of Object.keys(live)) delete live[k];
    Object.assign(live, value);
  } else if (typeof live === typeof value) {
    (holder as Record<string, unknown>)[key] = value;
  }
}

/** What `capture` returns: the persisted fields by name, in one v8-serializable graph. */
export type Captured = Record<string, unknown>;

/** The data of every state field, by name (fields holding non-data are left out and named in `skipped`). */
export function capture(fields: readonly Field[]): { data: Captured; skipped: string[] } {
  const memo = new Map<object, unknown>();
  const data: Captured = {};
  const skipped: string[] = [];
  for (const f of fields) {
    try {
      data[f.name] = encode((f.holder as Record<string, unknown>)[f.key], memo);
    } catch (e) {
      if (!(e instanceof NotData)) throw e;
      skipped.push(f.name);
    }
  }
  return { data, skipped };
}

/** Puts captured data back into the live fields (names unknown to this version are ignored; missing ones keep their value). */
export function apply(fields: readonly Field[], data: Captured): void {
  const memo = new Map<object, unknown>();
  for (const f of fields) if (f.name in data) assignInPlace(f.holder, f.key, decode(data[f.name], memo));
}

/**
 * The state directory's snapshot: the whole state as one v8-serialized file, written to a temporary
 * file, fsynced and renamed over the previous one (a crash leaves the old or the new, never half).
 */
export class StateFile {
  readonly path: string;

  constructor(private readonly dir: string) {
    this.path = join(dir, STATE_FILE);
  }

  /** The saved data, or undefined when there is none yet. */
  read(): Captured | undefined {
    if (!existsSync(this.path)) return undefined;
    const saved = deserialize(readFileSync(this.path)) as { format?: number; data?: Captured };
    if (saved?.format !== FORMAT || !saved.data) throw new Error(`${this.path} is not a simulator state file of format ${FORMAT}`);
    return saved.data;
  }

  write(data: Captured, savedAt: number): void {
    mkdirSync(this.dir, { recursive: true });
    const bytes = serialize({ format: FORMAT, savedAt, data });
    const tmp = `${this.path}.${process.pid}.tmp`;
    const fd = openSync(tmp, 'w', 0o600);
    try {
      writeSync(fd, bytes);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, this.path);
  }
}
