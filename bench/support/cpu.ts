import { readFileSync } from 'node:fs';

/** CPU microseconds (user + system) spent running `fn` `n` times: CPU time, so other load on the machine does not count. */
export function cpuMicros(fn: () => unknown, n: number): number {
  const before = process.cpuUsage();
  for (let i = 0; i < n; i++) fn();
  const d = process.cpuUsage(before);
  return d.user + d.system;
}

/** Microseconds of CPU per call of `fn`, over `slices` slices of about `sliceMs` CPU each (after a short warm-up). */
export function cpuPerCall(fn: () => unknown, slices = 10, sliceMs = 40): number {
  for (let i = 0; i < 50; i++) fn();
  const per = Math.max(1, Math.round((sliceMs * 1000) / Math.max(1, cpuMicros(fn, 50) / 50)));
  let us = 0;
  for (let s = 0; s < slices; s++) us += cpuMicros(fn, per);
  return us / (per * slices);
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

/** This thread's CPU microseconds from /proc/thread-self/schedstat (nanosecond clock), or undefined off Linux. */
export function threadCpuMicros(): number | undefined {
  try {
    return Number(readFileSync('/proc/thread-self/schedstat', 'utf8').split(' ')[0]) / 1000;
  } catch {
    return undefined;
  }
}
