import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import {
  APP_METRICS,
  AWS_METRICS,
  DRILL_METRICS,
  seriesOf,
  type MetricDefinition,
} from '../../../lambda/contract/metrics';
import { DRILL_METRIC_NAMESPACE } from '../../../lib/ops/gateways/metrics';
import { planGateMetrics } from '../../../lib/ops/rollout/gates';

const LAMBDA_ROOT = path.join(__dirname, '..', '..', '..', 'lambda');

function sourcesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return sourcesUnder(full);
    return full.endsWith('.ts') ? [readFileSync(full, 'utf8')] : [];
  });
}

const CATALOG: MetricDefinition[] = [
  ...Object.values(APP_METRICS),
  ...Object.values(AWS_METRICS),
  ...Object.values(DRILL_METRICS),
];

describe('the metric catalog', () => {
  const source = sourcesUnder(LAMBDA_ROOT).join('\n');
  // metric('Name', ...) and addMetric('Name', ...) with a literal name
  const literalNames = [...source.matchAll(/(?:metric|addMetric)\(\s*'([A-Za-z]+)'/g)].map(
    (match) => match[1],
  );
  const catalogNames = Object.entries(APP_METRICS).map(([key, metric]) => [key, metric.name]);

  test('every metric name an emitter spells out is in the catalog', () => {
    const known = new Set<string>(Object.values(APP_METRICS).map((metric) => metric.name));
    expect(literalNames.filter((name) => !known.has(name!))).toEqual([]);
  });

  test('every app metric of the catalog is emitted (by name or through the catalog)', () => {
    const unemitted = catalogNames.filter(
      ([key, name]) => !literalNames.includes(name) && !source.includes(`APP_METRICS.${key}.name`),
    );
    expect(unemitted).toEqual([]);
  });

  test('drill metrics: the namespace aactl publishes to', () => {
    expect(DRILL_METRICS.failoverSeconds.namespace).toBe(DRILL_METRIC_NAMESPACE);
  });

  test('the rollout gates read catalog metrics with the catalog dimensions', () => {
    const planned = planGateMetrics({
      appName: 'shop',
      tableName: 'shop-data',
      regions: ['us-east-1', 'eu-west-1'],
    });
    for (const { request } of planned) {
      const definition = CATALOG.find(
        (metric) => metric.namespace === request.namespace && metric.name === request.metricName,
      );
      expect(definition).toBeDefined();
      expect(Object.keys(request.dimensions).sort()).toEqual([...definition!.dimensions].sort());
    }
  });

  test('seriesOf names a missing or unknown dimension', () => {
    expect(
      seriesOf(APP_METRICS.conflicts, { service: 's', region: 'r', dataClass: 'ledger' }),
    ).toEqual({ service: 's', region: 'r', dataClass: 'ledger' });
    expect(() =>
      seriesOf(APP_METRICS.conflicts, { service: 's', region: 'r', domain: 'x' }),
    ).toThrow(
      'metric Conflicts has dimensions service, region, dataClass; missing dataClass, unknown domain',
    );
  });
});
