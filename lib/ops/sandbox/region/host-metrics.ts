/**
 * A region host's metrics, sent to the hub's CloudWatch in embedded metric format: the lines its
 * functions print (Powertools' EMF), and what AWS itself would publish for the region, API
 * Gateway's per-API metrics (`Count`, `4xx`, `5xx`, `Latency`, `IntegrationLatency` by `ApiId`)
 * and Lambda's per-function metrics (`Invocations`, `Errors`, `Duration` by `FunctionName`), so
 * the app's alarms on them are evaluated on what happened.
 */
import type { EmfDocument } from './protocol';

/** One EMF document of one namespace, one dimension set and some values. */
export function emfDocument(
  namespace: string,
  dimensions: Readonly<Record<string, string>>,
  values: Readonly<Record<string, { readonly value: number; readonly unit: string }>>,
  timestampMs: number,
): EmfDocument {
  return {
    _aws: {
      Timestamp: timestampMs,
      CloudWatchMetrics: [
        {
          Namespace: namespace,
          Dimensions: [Object.keys(dimensions)],
          Metrics: Object.entries(values).map(([name, { unit }]) => ({ Name: name, Unit: unit })),
        },
      ],
    },
    ...dimensions,
    ...Object.fromEntries(Object.entries(values).map(([name, { value }]) => [name, value])),
  };
}

/** What API Gateway publishes for one request. */
export function apiGatewayMetrics(
  apiId: string,
  request: {
    readonly statusCode: number;
    readonly latencyMs: number;
    /** Time spent in the integration (absent when none ran: 404, refused by the authorizer). */
    readonly integrationLatencyMs?: number;
  },
  timestampMs: number,
): EmfDocument {
  const status = request.statusCode;
  return emfDocument(
    'AWS/ApiGateway',
    { ApiId: apiId },
    {
      Count: { value: 1, unit: 'Count' },
      '4xx': { value: status >= 400 && status < 500 ? 1 : 0, unit: 'Count' },
      '5xx': { value: status >= 500 ? 1 : 0, unit: 'Count' },
      Latency: { value: request.latencyMs, unit: 'Milliseconds' },
      ...(request.integrationLatencyMs === undefined
        ? {}
        : { IntegrationLatency: { value: request.integrationLatencyMs, unit: 'Milliseconds' } }),
    },
    timestampMs,
  );
}

/** What Lambda publishes for one invocation. */
export function lambdaMetrics(
  functionName: string,
  invocation: { readonly durationMs: number; readonly failed: boolean },
  timestampMs: number,
): EmfDocument {
  return emfDocument(
    'AWS/Lambda',
    { FunctionName: functionName },
    {
      Invocations: { value: 1, unit: 'Count' },
      Errors: { value: invocation.failed ? 1 : 0, unit: 'Count' },
      Duration: { value: invocation.durationMs, unit: 'Milliseconds' },
    },
    timestampMs,
  );
}

/** Collects documents and sends them in batches (at most every 200 ms). */
export class MetricsOutbox {
  private readonly pending: EmfDocument[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly sendBatch: (documents: EmfDocument[]) => void) {}

  add(document: EmfDocument): void {
    this.pending.push(document);
    this.flushSoon();
  }

  flushSoon(): void {
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      if (this.pending.length > 0) this.sendBatch(this.pending.splice(0));
    }, 200);
  }

  /**
   * Pass on every EMF line the process prints to stdout (the functions' Powertools metrics),
   * leaving stdout as it was (the lines still reach the region's log).
   */
  captureStdout(): void {
    let partial = '';
    const original = process.stdout.write.bind(process.stdout);
    process.stdout.write = ((chunk: unknown, ...rest: unknown[]) => {
      const text =
        typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8');
      const lines = (partial + text).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) {
        if (!line.includes('"_aws"')) continue;
        try {
          const document = JSON.parse(line) as EmfDocument;
          if (typeof document._aws === 'object') this.add(document);
        } catch {
          // not JSON: only a log line
        }
      }
      return (original as (...args: unknown[]) => boolean)(chunk, ...rest);
    }) as typeof process.stdout.write;
  }
}
