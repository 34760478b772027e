import { Session } from 'node:inspector';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * With BENCH_CPU_PROFILE=<dir>, a V8 CPU profile of this process over exactly one measured window
 * (open the .cpuprofile in Chrome DevTools or VS Code). Without it, startProfile answers undefined.
 */
export async function startProfile(): Promise<{ stop(name: string): Promise<void> } | undefined> {
  const dir = process.env.BENCH_CPU_PROFILE;
  if (!dir) return undefined;
  const session = new Session();
  session.connect();
  const post = <T>(method: string, params?: object) =>
    new Promise<T>((ok, fail) => session.post(method, params ?? {}, (err, res) => (err ? fail(err) : ok(res as T))));
  await post('Profiler.enable');
  await post('Profiler.setSamplingInterval', { interval: 200 });
  await post('Profiler.start');
  return {
    async stop(name) {
      const { profile } = await post<{ profile: unknown }>('Profiler.stop');
      session.disconnect();
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, `${name}.cpuprofile`), JSON.stringify(profile));
    },
  };
}
