import request from 'supertest';
import type { TestApp } from './app';

/** GET /metrics with `token` (default: the admin token); throws unless 200. */
export async function scrape(t: TestApp, token = t.config.security.adminToken): Promise<string> {
  const res = await request(t.http).get('/metrics').set('Authorization', `Bearer ${token}`);
  if (res.status !== 200) throw new Error(`GET /metrics: ${res.status} ${res.text}`);
  return res.text;
}

/** The sum of every sample of `name` whose labels include all of `labels` (0 when none). */
export function sample(text: string, name: string, labels: Record<string, string> = {}): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    const m = /^([^{\s]+)(?:\{(.*)\})?\s+(\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const have = new Map([...(m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((x) => [x[1], x[2]]));
    if (Object.entries(labels).every(([k, v]) => have.get(k) === v)) sum += Number(m[3]);
  }
  return sum;
}
