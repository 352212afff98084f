import { CustomResource, Duration } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { toEnvironment } from '../../lambda/contract/environment';
import { HEALTH_CHECK_LOOKUP_TYPE } from '../../lambda/contract/naming';
import { FUNCTION_DEFAULTS } from '../config/defaults';
import { appFunction } from './app-function';
import { LAMBDA_ENTRIES } from './lambda-bundling';
import type { LogSettings } from './log-settings';
import { acknowledgeWildcardResources } from './nag-acknowledgments';
import { ConstructValidationError } from './validation';

/** Properties of {@link HealthCheckLookup}. */
export interface HealthCheckLookupProps {
  /** App name: health checks are found by the tag `aa:app` with this value. */
  readonly appName: string;
  /** Regions whose health checks to find (tag `aa:region`). */
  readonly regions: readonly string[];
  /**
   * A value that changes on every deploy (config `deployId`), so the lookup runs again and a
   * replaced health check is found.
   * @default 'static' - the lookup runs on create and when the regions change
   */
  readonly deployId?: string;
  /**
   * Retention and encryption of the function's logs.
   * @default - one month, CloudWatch Logs' own encryption
   */
  readonly logs?: LogSettings;
}

/**
 * The Route 53 health-check id of each region, found at deploy time by the tags the region
 * stacks put on them (`Custom::HealthCheckIds`). The health checks live in the region stacks, in
 * other regions, so the global stack (us-east-1, where their metrics are) cannot reference them
 * without cross-region references, which break on updates.
 */
export class HealthCheckLookup extends Construct {
  /** The custom resource. */
  readonly resource: CustomResource;

  constructor(scope: Construct, id: string, props: HealthCheckLookupProps) {
    super(scope, id);
    if (props.regions.length === 0) {
      throw new ConstructValidationError(
        this,
        'health check lookup needs at least one region, got none; pass the serving regions',
      );
    }
    const { function: fn, role } = appFunction(this, {
      entry: LAMBDA_ENTRIES['health check lookup'].entry,
      description: 'Custom::HealthCheckIds: finds each region health check by its tags',
      roleDescription: 'Health-check lookup: its own logs, and listing health checks with tags',
      logs: props.logs,
      overrides: { memorySize: FUNCTION_DEFAULTS.smallMemoryMb, timeout: Duration.seconds(60) },
      environment: toEnvironment('health check lookup', {}),
    });
    const healthChecks = 'arn:aws:route53:::healthcheck/*';
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'ListHealthChecks',
        actions: ['route53:ListHealthChecks'],
        resources: ['*'],
      }),
    );
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'ReadHealthCheckTags',
        actions: ['route53:ListTagsForResources'],
        resources: [healthChecks],
      }),
    );
    acknowledgeWildcardResources(
      role,
      ['*', healthChecks],
      'route53:ListHealthChecks has no resource-level permissions, and the tags of every health check must be read to find the tagged ones; both only read.',
    );
    this.resource = new CustomResource(this, 'Resource', {
      resourceType: HEALTH_CHECK_LOOKUP_TYPE,
      serviceToken: fn.functionArn,
      serviceTimeout: Duration.minutes(2),
      properties: {
        App: props.appName,
        Regions: [...props.regions],
        DeployId: props.deployId ?? 'static',
      },
    });
  }

  /** The health-check id of `region` (resolved at deploy time). */
  healthCheckIdOf(region: string): string {
    return this.resource.getAttString(region);
  }
}
