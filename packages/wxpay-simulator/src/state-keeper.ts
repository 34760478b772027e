import { serialize } from 'node:v8';
import type { WxpayLogger as Logger } from '@partnerpay/wxpay';
import { apply, capture, findStateFields, StateFile, type Captured } from './persistence';

/** How long after a change the snapshot is written (several changes in a burst make one write)... */
const DEBOUNCE_MS = 25;
/** ...or longer with a big state: writing takes at most about 1/WRITE_SHARE of the time (load tests stay fast). */
const WRITE_SHARE = 10;
/** The safety net: changes made by direct calls (not through HTTP or the timeline) are checked for this often. */
const AUTOSAVE_MS = 2000;

/**
 * Keeps the simulator's state: finds it (findStateFields), restores it from `<stateDir>` at start,
 * writes it back shortly after every request and scheduled task (and every AUTOSAVE_MS when it
 * changed, and on close), and puts back the state of a fresh simulator on reset. Without a state
 * directory it only resets.
 */
export class StateKeeper {
  private readonly fields: ReturnType<typeof findStateFields>;
  private readonly initial: Captured;
  private readonly file?: StateFile;
  private lastWritten?: Buffer;
  private debounce?: NodeJS.Timeout;
  private readonly autosave?: NodeJS.Timeout;
  private closed = false;
  /** How long the last save took (ms, capture included): the debounce and the autosave period grow with it. */
  private lastWriteMs = 0;
  private lastSaveAt = 0;
  /** Fields that hold non-data (functions, timers) and are therefore not kept. */
  readonly skipped: string[];

  constructor(
    root: object,
    skip: ReadonlySet<object>,
    stateDir: string | undefined,
    private readonly logger?: Logger,
  ) {
    this.fields = findStateFields(root, skip);
    const first = capture(this.fields);
    this.initial = first.data;
    this.skipped = first.skipped;
    if (!stateDir) return;
    this.file = new StateFile(stateDir);
    this.autosave = setInterval(() => {
      if (performance.now() - this.lastSaveAt >= this.lastWriteMs * WRITE_SHARE) this.save();
    }, AUTOSAVE_MS);
    this.autosave.unref();
  }

  /** The kept fields, as `Class.field` (e.g. `SimState.orders`). */
  names(): string[] {
    return this.fields.map((f) => f.name).filter((n) => !this.skipped.includes(n));
  }

  /** Restores the saved state, when there is one; answers the names of the fields the snapshot held (undefined: no snapshot). */
  load(): ReadonlySet<string> | undefined {
    const data = this.file?.read();
    if (!data) return undefined;
    apply(this.fields, data);
    this.lastWritten = undefined;
    return new Set(Object.keys(data));
  }

  /** Something changed: write soon. */
  touch(): void {
    if (!this.file || this.closed || this.debounce) return;
    this.debounce = setTimeout(
      () => {
        this.debounce = undefined;
        this.save();
      },
      Math.max(DEBOUNCE_MS, this.lastWriteMs * WRITE_SHARE),
    );
    this.debounce.unref();
  }

  /** Writes the state now if it differs from what was last written. */
  save(): void {
    if (!this.file) return;
    const started = performance.now();
    try {
      const { data } = capture(this.fields);
      const bytes = serialize(data);
      if (!this.lastWritten?.equals(bytes)) {
        this.file.write(data, Date.now());
        this.lastWritten = bytes;
      }
    } catch (err) {
      // Keep serving: the next change tries again. The state in memory is still right.
      this.logger?.error({ err, file: this.file.path }, 'simulator: saving the state failed');
    } finally {
      this.lastSaveAt = performance.now();
      this.lastWriteMs = this.lastSaveAt - started;
    }
  }

  /** Back to the state of a freshly started simulator (then saved). */
  reset(): void {
    apply(this.fields, this.initial);
    this.save();
  }

  /** Saves and stops the timers. */
  close(): void {
    if (this.closed) return;
    if (this.debounce) clearTimeout(this.debounce);
    if (this.autosave) clearInterval(this.autosave);
    this.save();
    this.closed = true;
  }
}
