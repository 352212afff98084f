/**
 * What the sandbox's AWS endpoint serves, assembled from the running sandbox: Route 53 from the
 * health checkers and the records (TestDNSAnswer answered by the sandbox's DNS), CloudFormation
 * from the stacks' outputs, CloudWatch from the metric store and the templates' alarms, Secrets
 * Manager from the generated secrets, DynamoDB forwarded to DynamoDB Local.
 */
import { Agent } from 'node:http';
import type { SandboxDeployment } from '../deployment';
import type { HealthCheckers } from '../health-checks';
import { evaluateAlarm, type MetricStore } from '../metric-store';
import type { GeneratedSecret } from '../provision';
import type { SandboxDns } from '../sandbox-dns';
import type { EndpointWorld } from './server';

/** Assemble the endpoint's world. */
export function endpointWorldOf(options: {
  readonly deployment: SandboxDeployment;
  readonly hostedZoneId: string;
  readonly checkers: HealthCheckers;
  readonly dns: SandboxDns;
  readonly metrics: MetricStore;
  readonly secrets: ReadonlyMap<string, GeneratedSecret>;
  readonly dynamoEndpoint: string;
  readonly namespace: string;
  readonly scale: number;
  readonly startedAt: Date;
  control(command: string, input: Record<string, unknown>): Promise<unknown>;
}): EndpointWorld {
  const { deployment, metrics, scale } = options;
  const accountId = deployment.accountId;
  return {
    route53: {
      checks: options.checkers,
      records: deployment.records,
      hostedZoneId: options.hostedZoneId,
      answer: (name, type, subnet) =>
        options.dns.answer(name, type, subnet) ?? {
          code: 'NXDOMAIN',
          type,
          values: [],
          ttlSeconds: 0,
          path: [],
        },
    },
    stacks: deployment.stacks,
    dynamo: {
      endpoint: options.dynamoEndpoint,
      namespace: options.namespace,
      agent: new Agent({ keepAlive: true }),
    },
    startedAt: options.startedAt,
    metrics,
    alarms: deployment.alarms,
    alarmState: (alarm) => evaluateAlarm(metrics, alarm, Date.now(), scale),
    secretValue: (name, region) => {
      const secret = options.secrets.get(name);
      if (secret === undefined || !secret.spec.regions.includes(region)) return undefined;
      return {
        arn: `arn:aws:secretsmanager:${region}:${accountId}:secret:${name}-sandbx`,
        name,
        value: secret.value,
      };
    },
    accountId,
    control: options.control,
  };
}
