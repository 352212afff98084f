/**
 * The JSON-protocol calls the sandbox answers itself: CloudWatch (GetMetricData, PutMetricData,
 * DescribeAlarms; `X-Amz-Target: GraniteServiceVersion20100801.*`, JSON 1.0 as the SDK sends it)
 * and Secrets Manager GetSecretValue (`secretsmanager.*`, JSON 1.1).
 */
import type { AlarmSpec } from '../deployment';
import type { AlarmEvaluation, MetricStore } from '../metric-store';
import type { ApiResponse } from './route53-api';

/** What the JSON APIs read. */
export interface JsonWorld {
  readonly metrics: MetricStore;
  readonly alarms: readonly AlarmSpec[];
  alarmState(alarm: AlarmSpec): AlarmEvaluation;
  secretValue(
    name: string,
    region: string,
  ): { arn: string; name: string; value: string } | undefined;
  readonly accountId: string;
}

function json(
  status: number,
  body: unknown,
  contentType: string,
  extra: Record<string, string> = {},
): ApiResponse {
  return { status, headers: { 'content-type': contentType, ...extra }, body: JSON.stringify(body) };
}

const CW_JSON = 'application/x-amz-json-1.0';
const SM_JSON = 'application/x-amz-json-1.1';

function cloudWatchError(code: string, message: string): ApiResponse {
  return json(400, { __type: `com.amazonaws.cloudwatch#${code}`, message }, CW_JSON, {
    'x-amzn-query-error': `${code};Sender`,
  });
}

type Input = Record<string, unknown>;

/** Answer one CloudWatch JSON request made in `region`. */
export function cloudWatchRequest(
  world: JsonWorld,
  operation: string,
  region: string,
  input: Input,
): ApiResponse {
  switch (operation) {
    case 'PutMetricData': {
      const namespace = String(input.Namespace);
      for (const datum of (input.MetricData ?? []) as Input[]) {
        const dimensions = Object.fromEntries(
          ((datum.Dimensions ?? []) as { Name: string; Value: string }[]).map((d) => [
            d.Name,
            d.Value,
          ]),
        );
        const timestampMs =
          datum.Timestamp === undefined ? Date.now() : Number(datum.Timestamp) * 1000;
        const values = Array.isArray(datum.Values)
          ? (datum.Values as number[])
          : [Number(datum.Value)];
        for (const value of values) {
          world.metrics.put({
            namespace,
            name: String(datum.MetricName),
            dimensions,
            timestampMs,
            value,
            ...(datum.Unit === undefined ? {} : { unit: String(datum.Unit) }),
          });
        }
      }
      return json(200, {}, CW_JSON);
    }
    case 'GetMetricData': {
      const startMs = Number(input.StartTime) * 1000;
      const endMs = Number(input.EndTime) * 1000;
      const results = ((input.MetricDataQueries ?? []) as Input[])
        .filter((query) => query.ReturnData !== false)
        .map((query) => {
          const stat = query.MetricStat as Input | undefined;
          if (stat === undefined) {
            return {
              Id: query.Id,
              Label: query.Id,
              Timestamps: [],
              Values: [],
              StatusCode: 'Complete',
            };
          }
          const metric = stat.Metric as Input;
          const series = world.metrics.query({
            namespace: String(metric.Namespace),
            name: String(metric.MetricName),
            dimensions: Object.fromEntries(
              ((metric.Dimensions ?? []) as { Name: string; Value: string }[]).map((d) => [
                d.Name,
                d.Value,
              ]),
            ),
            stat: String(stat.Stat),
            periodSeconds: Number(stat.Period),
            startMs,
            endMs,
          });
          return {
            Id: query.Id,
            Label: String(metric.MetricName),
            Timestamps: series.timestamps.map((ms) => ms / 1000),
            Values: series.values,
            StatusCode: 'Complete',
          };
        });
      return json(200, { MetricDataResults: results, Messages: [] }, CW_JSON);
    }
    case 'DescribeAlarms': {
      const names = input.AlarmNames as string[] | undefined;
      const prefix = input.AlarmNamePrefix as string | undefined;
      const wanted = input.StateValue as string | undefined;
      const types = (input.AlarmTypes as string[] | undefined) ?? ['MetricAlarm'];
      const alarms = types.includes('MetricAlarm')
        ? world.alarms
            .filter((alarm) => alarm.region === region)
            .filter((alarm) => names === undefined || names.includes(alarm.name))
            .filter((alarm) => prefix === undefined || alarm.name.startsWith(prefix))
            .map((alarm) => ({ alarm, state: world.alarmState(alarm) }))
            .filter((entry) => wanted === undefined || entry.state.state === wanted)
            .map(({ alarm, state }) => ({
              AlarmName: alarm.name,
              AlarmArn: `arn:aws:cloudwatch:${region}:${world.accountId}:alarm:${alarm.name}`,
              StateValue: state.state,
              StateReason: state.reason,
              StateUpdatedTimestamp: Date.now() / 1000,
              Namespace: alarm.namespace,
              MetricName: alarm.metricName,
              Dimensions: Object.entries(alarm.dimensions).map(([Name, Value]) => ({
                Name,
                Value,
              })),
              ...(/^p\d/i.test(alarm.statistic)
                ? { ExtendedStatistic: alarm.statistic }
                : { Statistic: alarm.statistic }),
              Period: alarm.periodSeconds,
              EvaluationPeriods: alarm.evaluationPeriods,
              DatapointsToAlarm: alarm.datapointsToAlarm,
              Threshold: alarm.threshold,
              ComparisonOperator: alarm.comparison,
              TreatMissingData: alarm.treatMissingData,
            }))
        : [];
      return json(200, { MetricAlarms: alarms, CompositeAlarms: [] }, CW_JSON);
    }
    default:
      return cloudWatchError('InvalidAction', `the sandbox does not serve CloudWatch ${operation}`);
  }
}

/** Answer one Secrets Manager JSON request made in `region`. */
export function secretsRequest(
  world: JsonWorld,
  operation: string,
  region: string,
  input: Input,
): ApiResponse {
  if (operation !== 'GetSecretValue') {
    return json(
      400,
      {
        __type: 'InvalidRequestException',
        message: `the sandbox does not serve Secrets Manager ${operation}`,
      },
      SM_JSON,
    );
  }
  const id = String(input.SecretId ?? '');
  const name = id.startsWith('arn:') ? (id.split(':secret:')[1] ?? id) : id;
  const secret = world.secretValue(name, region);
  if (secret === undefined) {
    return json(
      400,
      {
        __type: 'ResourceNotFoundException',
        message: "Secrets Manager can't find the specified secret.",
      },
      SM_JSON,
    );
  }
  return json(
    200,
    {
      ARN: secret.arn,
      Name: secret.name,
      VersionId: 'sandbox-version-1',
      SecretString: secret.value,
      VersionStages: ['AWSCURRENT'],
      CreatedDate: Date.now() / 1000,
    },
    SM_JSON,
  );
}
