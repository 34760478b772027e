import { readFileSync } from 'node:fs';

/** CPU microseconds (user + system) spent running `fn` `n` times: CPU time, so other load on the machine does not count. */
export function cpuMicros(fn: () => unknown, n: number): number {
  const before = process.cpuUsage();
  for (let i = 0; i < n; i++) fn();
  const d = process.cpuUsage(before);
  return d.user + d.system;
}

/**
 * Microseconds of CPU per call of `fn` on a quiet process: a warm-up, then `slices` slices of about
 * `sliceMs` of CPU time each (process.cpuUsage: getrusage, microsecond resolution, so a 100 ms
 * slice is precise to well under 1%), answering the median slice. Run it when no load is running:
 * the process's CPU is then this loop's.
 */
export function cpuPerCall(fn: () => unknown, slices = 7, sliceMs = 100): number {
  // Warm-up: at least 100 ms of calls, so that the JIT and OpenSSL's caches are settled.
  const warm = process.cpuUsage();
  let calls = 0;
  do {
    for (let i = 0; i < 10; i++) fn();
    calls += 10;
  } while (cpuSince(warm) < 100_000);
  const per = Math.max(10, Math.round((sliceMs * 1000 * calls) / cpuSince(warm)));
  const results: number[] = [];
  for (let s = 0; s < slices; s++) results.push(cpuMicros(fn, per) / per);
  return percentile(results, 50);
}

function cpuSince(before: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(before);
  return d.user + d.system;
}

// Linux reports another process's CPU time in clock ticks; 100 per second on every mainstream kernel config.
const TICKS_PER_SECOND = 100;

/** Another process's CPU microseconds (user + system) from /proc, or undefined off Linux. Resolution: 10 ms. */
export function childCpuMicros(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name may contain spaces: fields are counted after its closing parenthesis.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const utime = Number(fields[11]);
    const stime = Number(fields[12]);
    return ((utime + stime) * 1e6) / TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}

/** The p-th percentile (0-100) of `values` (nearest rank). */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

/**
 * This thread's CPU microseconds from /proc/thread-self/schedstat, or undefined off Linux. Its clock
 * moves on scheduler ticks here (a 300 µs loop reads 0 or 2 ms): use it only over windows of seconds.
 */
export function threadCpuMicros(): number | undefined {
  try {
    return Number(readFileSync('/proc/thread-self/schedstat', 'utf8').split(' ')[0]) / 1000;
  } catch {
    return undefined;
  }
}
