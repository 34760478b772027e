import 'reflect-metadata';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Metrics } from '../../../src/platform/metrics/metrics';
import { registerRedisMetrics } from '../../../src/platform/metrics/redis-metrics';

const root = join(__dirname, '..', '..', '..', '..');

test('When the Grafana dashboard and the alert rules name a metric, then partnerpay exports it', async () => {
  const metrics = new Metrics();
  // The Redis families exist only with REDIS_URL: registered here as a node with Redis configured has them.
  registerRedisMetrics(metrics.registry, { state: 'up', fallbackCounts: () => new Map() });
  const body = (await metrics.render()).body;
  const exported = new Set(
    body
      .split('\n')
      .filter((l) => l && !l.startsWith('#'))
      .map((l) => l.split(/[{\s]/)[0]),
  );
  for (const file of ['ops/grafana/partnerpay-dashboard.json', 'ops/prometheus/alerts.yml']) {
    const text = readFileSync(join(root, file), 'utf8');
    const names = new Set(text.match(/\bpartnerpay_[a-z0-9_]+/g));
    assert.ok(names.size > 5, file);
    // Families with no sample yet (labelled counters before their first count) do not render: accept their TYPE line.
    const typed = new Set(
      [...body.matchAll(/^# TYPE (\S+) (\w+)/gm)].flatMap(([, n, type]) =>
        type === 'histogram' ? [`${n}_bucket`, `${n}_count`, `${n}_sum`] : [n],
      ),
    );
    for (const n of names) assert.ok(exported.has(n) || typed.has(n), `${file} uses ${n}, which partnerpay does not export`);
  }
  JSON.parse(readFileSync(join(root, 'ops/grafana/partnerpay-dashboard.json'), 'utf8'));
});
