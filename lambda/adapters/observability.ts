/**
 * Logs and metrics of every function that publishes metrics (API, conflict feed, heartbeat):
 * Powertools Logger and Metrics built one way, with the service set to the app name, the region
 * as a default dimension, and each metric's namespace, unit and dimensions taken from the catalog
 * (lambda/contract/metrics.ts), so the alarms, dashboards and gates that read the catalog find
 * exactly what the functions publish.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Log, MetricSink } from '../app/ports';
import {
  appMetricNamed,
  seriesOf,
  type AppMetric,
  type MetricUnit as CatalogUnit,
} from '../contract/metrics';
import { METRICS_NAMESPACE } from '../contract/naming';

/** What a function logs and measures with. */
export interface Observability {
  readonly log: Log;
  /** Records a catalog metric; one with extra dimensions is published at once, alone. */
  readonly metric: MetricSink;
  /** Publishes the stored metrics (at the end of each invocation). */
  readonly flush: () => void;
}

/** Where the function runs, as its environment says. */
export interface ObservabilityOptions {
  /** App name: the `service` of every log line and metric. */
  readonly appName: string;
  /** The region the function runs in: the `region` dimension of every metric. */
  readonly region: string;
}

const UNITS: Record<CatalogUnit, (typeof MetricUnit)[keyof typeof MetricUnit]> = {
  Count: MetricUnit.Count,
  Milliseconds: MetricUnit.Milliseconds,
  Seconds: MetricUnit.Seconds,
  None: MetricUnit.NoUnit,
};

/** Builds the Powertools logger and metrics of a function. */
export function powertoolsObservability(options: ObservabilityOptions): Observability {
  const logger = new Logger({ serviceName: options.appName });
  const metrics = new Metrics({
    namespace: METRICS_NAMESPACE,
    serviceName: options.appName,
    defaultDimensions: { region: options.region },
  });
  return {
    log: {
      info: (message, details) => logger.info(message, details ?? {}),
      warn: (message, details) => logger.warn(message, details ?? {}),
      error: (message, details) => logger.error(message, details ?? {}),
    },
    metric: (name, value, unit, dimensions = {}) => {
      const definition = catalogEntry(name, unit, dimensions, options);
      const target = Object.keys(dimensions).length === 0 ? metrics : metrics.singleMetric();
      for (const [dimension, dimensionValue] of Object.entries(dimensions)) {
        target.addDimension(dimension, dimensionValue);
      }
      target.addMetric(definition.name, UNITS[definition.unit], value);
    },
    flush: () => metrics.publishStoredMetrics(),
  };
}

/**
 * The catalog entry of a metric about to be recorded; throws when the name, the unit or the
 * dimensions differ from the catalog (a bug: the alarm or gate reading it would see nothing).
 */
function catalogEntry(
  name: string,
  unit: string,
  dimensions: Readonly<Record<string, string>>,
  options: ObservabilityOptions,
): AppMetric {
  const definition = appMetricNamed(name);
  if (definition === undefined) {
    throw new Error(`metric ${name} is not in the catalog; add it to lambda/contract/metrics.ts`);
  }
  if (definition.namespace !== METRICS_NAMESPACE) {
    throw new Error(
      `metric ${name} is in namespace ${definition.namespace}, not ${METRICS_NAMESPACE}`,
    );
  }
  if (definition.unit !== unit) {
    throw new Error(`metric ${name} is in ${definition.unit} in the catalog, got ${unit}`);
  }
  seriesOf(definition, { ...dimensions, service: options.appName, region: options.region });
  return definition;
}
