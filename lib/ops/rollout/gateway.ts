import { DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import {
  DescribeAlarmsCommand,
  GetMetricDataCommand,
  StateValue,
  type CloudWatchClient,
  type MetricDataQuery,
} from '@aws-sdk/client-cloudwatch';
import { createAwsClientFactory } from '../cli/aws-clients';
import { isMissingStack } from '../gateways/stacks';

/**
 * What `aactl rollout` reads from AWS: stack outputs (the deployed rollout state and write
 * policies), CloudWatch metrics (the promotion gates) and alarms. Thin: no judgement here.
 */

/** One metric to read over the gate window. */
export interface MetricRequest {
  /** Query id (lowercase letter first, letters, digits, underscores). */
  readonly id: string;
  readonly namespace: string;
  readonly metricName: string;
  readonly dimensions: Readonly<Record<string, string>>;
  /** `p99`, `Sum`, `Maximum` ... */
  readonly stat: string;
}

/** The window gates look at. */
export interface MetricWindow {
  readonly start: Date;
  readonly end: Date;
  /** Period of the datapoints, a multiple of 60. */
  readonly periodSeconds: number;
}

/** An alarm in the ALARM state. */
export interface FiringAlarm {
  readonly name: string;
  readonly reason: string;
  readonly since: string | null;
}

/** The AWS side of `aactl rollout`. */
export interface RolloutGateway {
  /** Outputs of a stack (OutputKey to value), or `undefined` when the stack does not exist. */
  stackOutputs(region: string, stackName: string): Promise<Record<string, string> | undefined>;
  /** Datapoint values of each request (by id) in the window; an id without data maps to `[]`. */
  metricValues(
    region: string,
    requests: readonly MetricRequest[],
    window: MetricWindow,
  ): Promise<Map<string, number[]>>;
  /** Metric and composite alarms whose name starts with `prefix` and that are in ALARM. */
  alarmsInAlarm(region: string, prefix: string): Promise<FiringAlarm[]>;
}

/** Settings for the AWS gateway (the same as every other command group's clients). */
export interface RolloutGatewaySettings {
  readonly endpointUrl: string | undefined;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Longest wait for one AWS request. @default 10 s */
  readonly callTimeoutMs?: number;
}

/** The gateway on real (or emulated) AWS, built on the shared client factory. */
export function createRolloutGateway(settings: RolloutGatewaySettings): RolloutGateway {
  const factory = createAwsClientFactory(settings);
  return {
    async stackOutputs(region, stackName) {
      try {
        const result = await factory
          .cloudformation(region)
          .send(new DescribeStacksCommand({ StackName: stackName }));
        const stack = result.Stacks?.[0];
        if (stack === undefined) return undefined;
        return Object.fromEntries(
          (stack.Outputs ?? []).flatMap((output) =>
            output.OutputKey !== undefined && output.OutputValue !== undefined
              ? [[output.OutputKey, output.OutputValue]]
              : [],
          ),
        );
      } catch (error) {
        if (isMissingStack(error)) return undefined;
        throw error;
      }
    },
    metricValues: (region, requests, window) =>
      readMetrics(factory.cloudwatch(region), requests, window),
    alarmsInAlarm: (region, prefix) => readAlarms(factory.cloudwatch(region), prefix),
  };
}

/** GetMetricData, paged, at most 500 queries a call. */
export async function readMetrics(
  client: CloudWatchClient,
  requests: readonly MetricRequest[],
  window: MetricWindow,
): Promise<Map<string, number[]>> {
  const values = new Map<string, number[]>(requests.map((request) => [request.id, []]));
  for (let offset = 0; offset < requests.length; offset += 500) {
    const queries: MetricDataQuery[] = requests.slice(offset, offset + 500).map((request) => ({
      Id: request.id,
      ReturnData: true,
      MetricStat: {
        Metric: {
          Namespace: request.namespace,
          MetricName: request.metricName,
          Dimensions: Object.entries(request.dimensions).map(([Name, Value]) => ({ Name, Value })),
        },
        Period: window.periodSeconds,
        Stat: request.stat,
      },
    }));
    let nextToken: string | undefined;
    do {
      const page = await client.send(
        new GetMetricDataCommand({
          MetricDataQueries: queries,
          StartTime: window.start,
          EndTime: window.end,
          NextToken: nextToken,
        }),
      );
      for (const result of page.MetricDataResults ?? []) {
        if (result.Id === undefined) continue;
        values.set(result.Id, [...(values.get(result.Id) ?? []), ...(result.Values ?? [])]);
      }
      nextToken = page.NextToken;
    } while (nextToken !== undefined);
  }
  return values;
}

/** DescribeAlarms in ALARM with a name prefix, paged, metric and composite alarms. */
export async function readAlarms(client: CloudWatchClient, prefix: string): Promise<FiringAlarm[]> {
  const alarms: FiringAlarm[] = [];
  let nextToken: string | undefined;
  do {
    const page = await client.send(
      new DescribeAlarmsCommand({
        AlarmNamePrefix: prefix,
        StateValue: StateValue.ALARM,
        AlarmTypes: ['MetricAlarm', 'CompositeAlarm'],
        NextToken: nextToken,
      }),
    );
    for (const alarm of [...(page.MetricAlarms ?? []), ...(page.CompositeAlarms ?? [])]) {
      alarms.push({
        name: alarm.AlarmName ?? '?',
        reason: alarm.StateReason ?? '',
        since: alarm.StateUpdatedTimestamp?.toISOString() ?? null,
      });
    }
    nextToken = page.NextToken;
  } while (nextToken !== undefined);
  return alarms;
}
