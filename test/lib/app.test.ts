import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import type { ActiveActiveStacks } from '../../lib/app';
import { REGION_ALARM_NAMES } from '../../lib/constructs/region-alarms';
import { ALARMS_PER_REGION, billedResourcesOf } from '../../lib/ops/cost/billed-resources';
import { buildTestApp, testConfig } from '../helpers/app';
import { billedResourcesIn } from '../helpers/billed-resources';

/** Every statement of every IAM policy document in a template. */
function policyStatements(template: Template): Array<Record<string, unknown>> {
  const documents: unknown[] = [];
  for (const resource of Object.values(template.findResources('AWS::IAM::Policy'))) {
    documents.push(resource.Properties.PolicyDocument);
  }
  for (const resource of Object.values(template.findResources('AWS::IAM::Role'))) {
    documents.push(resource.Properties.AssumeRolePolicyDocument);
    for (const policy of (resource.Properties.Policies ?? []) as Array<{
      PolicyDocument: unknown;
    }>) {
      documents.push(policy.PolicyDocument);
    }
  }
  return documents.flatMap(
    (document) => (document as { Statement: Array<Record<string, unknown>> }).Statement,
  );
}

describe('the app', () => {
  let stacks: ActiveActiveStacks;
  let all: Array<{ name: string; template: Template }>;
  beforeAll(() => {
    stacks = buildTestApp(testConfig()).stacks;
    all = [stacks.data, ...stacks.regions, stacks.global].map((stack) => ({
      name: stack.stackName,
      template: Template.fromStack(stack),
    }));
  });

  test('one data stack, one stack per region, one global stack', () => {
    expect(all.map((entry) => entry.name)).toEqual([
      'active-active-data',
      'active-active-region-us-east-1',
      'active-active-region-eu-west-1',
      'active-active-region-ap-southeast-2',
      'active-active-global',
    ]);
  });

  test('region stacks depend on the data stack; the global stack on every region stack', () => {
    for (const region of stacks.regions) {
      expect(region.dependencies).toEqual([stacks.data]);
    }
    expect(stacks.global.dependencies).toEqual(stacks.regions);
  });

  test('every stack has a concrete account and region', () => {
    for (const stack of [stacks.data, ...stacks.regions, stacks.global]) {
      expect(stack.account).toBe('123456789012');
      expect(stack.region).toMatch(/^[a-z]{2}-[a-z]+-\d$/);
    }
  });

  test('no cross-region reference machinery anywhere', () => {
    for (const { template } of all) {
      const text = JSON.stringify(template.toJSON());
      expect(text).not.toContain('Custom::CrossRegionExportReader');
      expect(text).not.toContain('Custom::CrossRegionExportWriter');
      expect(text).not.toContain('Fn::ImportValue');
    }
  });

  // What cdk-nag does not check:
  test('every latency or failover record carries a health check or evaluates target health', () => {
    for (const { template } of all) {
      const records = Object.values(template.findResources('AWS::Route53::RecordSet'));
      for (const record of records) {
        const properties = record.Properties as Record<string, unknown>;
        if (properties.Region !== undefined) expect(properties.HealthCheckId).toBeDefined();
        if (properties.Failover === 'PRIMARY') expect(properties.HealthCheckId).toBeDefined();
        if (properties.Failover === 'SECONDARY') {
          expect(properties.AliasTarget).toMatchObject({ EvaluateTargetHealth: true });
        }
      }
    }
  });

  test('every latency set has exactly one record per member region', () => {
    const latency = all.flatMap(({ template }) =>
      Object.values(template.findResources('AWS::Route53::RecordSet')).filter(
        (record) => record.Properties.Name === 'latency.api.example.com.',
      ),
    );
    expect(latency.map((record) => record.Properties.SetIdentifier).sort()).toEqual(
      ['ap-southeast-2', 'eu-west-1', 'us-east-1'].sort(),
    );
  });

  test('every record with a TTL has one of at most 60 s', () => {
    let withTtl = 0;
    for (const { template } of all) {
      for (const record of Object.values(template.findResources('AWS::Route53::RecordSet'))) {
        const ttl = record.Properties.TTL as string | undefined;
        if (ttl === undefined) continue;
        withTtl += 1;
        expect(Number(ttl)).toBeLessThanOrEqual(60);
      }
    }
    expect(withTtl).toBeGreaterThan(0);
  });

  test('no IAM statement allows action "*" or a service-wide wildcard', () => {
    for (const { template } of all) {
      for (const statement of policyStatements(template)) {
        const actions = [statement.Action ?? []].flat() as string[];
        for (const action of actions) {
          expect(action).not.toBe('*');
          expect(action).not.toMatch(/:\*$/);
        }
      }
    }
  });

  test('no route reachable through the public domain uses a region-scoped authorizer', () => {
    // A SigV4 signature is scoped to one region; behind the latency or failover name API Gateway
    // refuses it in every other region, so IAM must never authorize a publicly mapped route.
    for (const stack of stacks.regions) {
      const template = Template.fromStack(stack);
      const publicDomains = Object.keys(
        template.findResources('AWS::ApiGatewayV2::DomainName', {
          Properties: { DomainName: 'api.example.com' },
        }),
      );
      const publicApis = Object.values(template.findResources('AWS::ApiGatewayV2::ApiMapping'))
        .filter((mapping) =>
          publicDomains.includes((mapping.Properties.DomainName as { Ref: string }).Ref),
        )
        .map((mapping) => JSON.stringify(mapping.Properties.ApiId));
      expect(publicApis).toHaveLength(1);
      const routes = Object.values(template.findResources('AWS::ApiGatewayV2::Route')).filter(
        (route) => publicApis.includes(JSON.stringify(route.Properties.ApiId)),
      );
      expect(routes.length).toBeGreaterThan(15);
      for (const route of routes) {
        expect({
          route: route.Properties.RouteKey,
          type: route.Properties.AuthorizationType,
        }).toEqual({
          route: route.Properties.RouteKey,
          type: expect.stringMatching(/^(CUSTOM|JWT|NONE)$/),
        });
        // only the health route (Route 53 cannot authenticate) and the API's own description
        // (public like any API reference) are open
        if (route.Properties.AuthorizationType === 'NONE') {
          expect(route.Properties.RouteKey).toMatch(/^((GET|HEAD) \/health|GET \/openapi\.json)$/);
        }
      }
      const authorizers = Object.values(template.findResources('AWS::ApiGatewayV2::Authorizer'));
      expect(authorizers.map((authorizer) => authorizer.Properties.AuthorizerType)).toEqual([
        'REQUEST',
      ]);
    }
  });

  test('every alarm links a runbook section that starts from that alarm', () => {
    const runbooks = readFileSync(path.join(__dirname, '..', '..', 'docs', 'runbooks.md'), 'utf8');
    let alarms = 0;
    for (const { template } of all) {
      for (const alarm of Object.values(template.findResources('AWS::CloudWatch::Alarm'))) {
        alarms += 1;
        const description = alarm.Properties.AlarmDescription as string;
        const anchor = /Runbook: docs\/runbooks\.md#([a-z0-9-]+)$/.exec(description)?.[1];
        expect({ alarm: alarm.Properties.AlarmName, anchor }).toEqual({
          alarm: alarm.Properties.AlarmName,
          anchor: expect.any(String),
        });
        const section = runbooks.split(`\n## ${anchor}\n`)[1]?.split('\n## ')[0] ?? '';
        // the section names the alarm it starts from (with <app>, <region> placeholders)
        const generic = (alarm.Properties.AlarmName as string)
          .replace(/^active-active-global-health-.*/, '<app>-global-health-<region>')
          .replace(/^active-active-[a-z]+-[a-z]+-\d-/, '<app>-<region>-')
          .replace(/from-[a-z]+-[a-z]+-\d$/, 'from-<other region>');
        expect({ anchor, names: section.includes('Alarm:') }).toEqual({ anchor, names: true });
        if (anchor !== 'open-case-age') expect(section).toContain(generic);
      }
    }
    expect(alarms).toBeGreaterThan(30);
  });

  test('the cost model prices what the templates create (alarms, health checks, dashboards, keys, functions)', () => {
    expect(billedResourcesIn(stacks)).toEqual(billedResourcesOf({ regions: 3 }));
    expect(ALARMS_PER_REGION).toBe(REGION_ALARM_NAMES.length);
  });

  test('PITR and deletion protection on every replica', () => {
    const table = Object.values(all[0]!.template.findResources('AWS::DynamoDB::GlobalTable'))[0];
    const replicas = table?.Properties.Replicas as Array<Record<string, unknown>>;
    expect(replicas).toHaveLength(3);
    expect(
      replicas.every(
        (replica) =>
          (replica.PointInTimeRecoverySpecification as { PointInTimeRecoveryEnabled?: boolean })
            ?.PointInTimeRecoveryEnabled === true && replica.DeletionProtectionEnabled === true,
      ),
    ).toBe(true);
  });

  test('every region uses the same Lambda asset for the same function (bundled once per entry)', () => {
    // Logical ids never contain the region, so the same function has the same id in every region.
    const keysByFunction = new Map<string, Set<string>>();
    for (const stack of stacks.regions) {
      const functions = Template.fromStack(stack).findResources('AWS::Lambda::Function');
      // the API, its authorizer, the health check, the conflict feed, the heartbeat and the
      // custom-resource provider (stream ARN lookup)
      expect(Object.keys(functions)).toHaveLength(6);
      for (const [id, fn] of Object.entries(functions)) {
        const key = JSON.stringify((fn.Properties.Code as { S3Key: unknown }).S3Key);
        keysByFunction.set(id, (keysByFunction.get(id) ?? new Set()).add(key));
      }
    }
    expect(keysByFunction.size).toBe(6);
    for (const keys of keysByFunction.values()) expect(keys.size).toBe(1);
  });
});
