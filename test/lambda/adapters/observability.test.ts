import { powertoolsObservability } from '../../../lambda/adapters/observability';
import type { MetricSink } from '../../../lambda/app/ports';
import { APP_METRICS, seriesOf } from '../../../lambda/contract/metrics';

/** The EMF documents Powertools writes to stdout while `act` runs. */
function emfWrittenBy(act: () => void): Array<Record<string, unknown>> {
  const lines: string[] = [];
  const write = jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    lines.push(String(chunk));
    return true;
  });
  try {
    act();
  } finally {
    write.mockRestore();
  }
  return lines
    .flatMap((chunk) => chunk.split('\n'))
    .filter((line) => line.includes('"_aws"'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

interface Emf {
  _aws: {
    CloudWatchMetrics: Array<{
      Namespace: string;
      Dimensions: string[][];
      Metrics: Array<{ Name: string; Unit: string }>;
    }>;
  };
  [key: string]: unknown;
}

describe('the observability adapter', () => {
  const options = { appName: 'shop', region: 'eu-west-1' };
  let disabled: string | undefined;
  beforeAll(() => {
    disabled = process.env.POWERTOOLS_METRICS_DISABLED;
    process.env.POWERTOOLS_METRICS_DISABLED = 'false';
  });
  afterAll(() => {
    if (disabled === undefined) delete process.env.POWERTOOLS_METRICS_DISABLED;
    else process.env.POWERTOOLS_METRICS_DISABLED = disabled;
  });

  test('publishes a metric as the catalog defines it: namespace, unit, dimensions', () => {
    // GIVEN the adapter of a function
    const { metric, flush } = powertoolsObservability(options);
    // WHEN a metric is recorded and flushed
    const [document] = emfWrittenBy(() => {
      metric(APP_METRICS.divergentEntities.name, 2, 'Count');
      flush();
    }) as Emf[];
    // THEN the series is the catalog's
    const definition = APP_METRICS.divergentEntities;
    const [directive] = document!._aws.CloudWatchMetrics;
    expect(directive!.Namespace).toBe(definition.namespace);
    expect(directive!.Metrics).toEqual([{ Name: 'DivergentEntities', Unit: 'Count' }]);
    expect([...directive!.Dimensions[0]!].sort()).toEqual([...definition.dimensions].sort());
    expect(document).toMatchObject(seriesOf(definition, { service: 'shop', region: 'eu-west-1' }));
    expect(document).toMatchObject({ DivergentEntities: 2 });
  });

  test('publishes a metric with extra dimensions at once, alone', () => {
    const { metric } = powertoolsObservability(options);
    const [document] = emfWrittenBy(() =>
      metric(APP_METRICS.replicationLagMs.name, 850, 'Milliseconds', { sourceRegion: 'us-east-1' }),
    ) as Emf[];
    expect([...document!._aws.CloudWatchMetrics[0]!.Dimensions[0]!].sort()).toEqual(
      [...APP_METRICS.replicationLagMs.dimensions].sort(),
    );
    expect(document).toMatchObject({ sourceRegion: 'us-east-1', ReplicationLagMs: 850 });
  });

  test('refuses a unit or dimensions the catalog does not give the metric', () => {
    const { metric } = powertoolsObservability(options);
    const untyped = metric as unknown as (...args: Parameters<MetricSink>) => void;
    expect(() => untyped('ReplicationLagMs' as never, 1, 'Seconds' as never)).toThrow(
      'metric ReplicationLagMs is in Milliseconds in the catalog, got Seconds',
    );
    expect(() => untyped('Conflicts', 1, 'Count', { domain: 'ledger' })).toThrow(
      'metric Conflicts has dimensions service, region, dataClass; missing dataClass, unknown domain',
    );
    expect(() => untyped('Conflictz' as never, 1, 'Count' as never)).toThrow(
      'metric Conflictz is not in the catalog; add it to lambda/contract/metrics.ts',
    );
  });
});
