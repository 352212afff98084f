import * as path from 'node:path';
import { Annotations, Aws, CfnOutput, CustomResource, Duration, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import { Construct } from 'constructs';
import { toEnvironment } from '../../lambda/contract/environment';
import { regionStackName } from '../../lambda/contract/naming';
import type {
  DataDomain,
  RolloutPhase,
  WriteClass,
  RetiringRegion,
  RolloutState,
} from '../../lambda/contract/rollout';
import { guardPropertiesOf, ROLLOUT_GUARD_TYPE } from '../../lambda/contract/rollout';
import { FUNCTION_DEFAULTS } from '../config/defaults';
import {
  frontDoorOf,
  ROLLOUT_STATE_OUTPUT,
  rolloutStateOf,
  rolloutWarnings,
  type FrontDoor,
  type RolloutConfig,
} from '../rollout/model';
import { functionDefaults, LAMBDA_ROOT } from './lambda-bundling';
import { appLogGroup, type LogSettings } from './log-settings';
import { acknowledgeWildcardResources } from './nag-acknowledgments';

/** Properties of {@link ProgressiveRollout}. */
export interface ProgressiveRolloutProps {
  /**
   * The global phase. It decides DNS (failover pair in active-passive, latency set later) and the
   * phase of every domain without an override.
   */
  readonly phase: RolloutPhase;
  /**
   * Per-domain phases. A domain may be ahead of or behind the global phase once the global phase
   * is read-local or later; in active-passive every domain must be active-passive too.
   * @default - every domain follows `phase`
   */
  readonly domains?: Partial<Record<DataDomain, RolloutPhase>>;
  /**
   * Write classes that run in any region while their domain is in limited-write. Owner-only
   * classes (`profile.put`, `ledger.entry`) are refused: they always run in the tenant's home.
   * @default []
   */
  readonly limitedWriteClasses?: readonly WriteClass[];
  /**
   * Let this deploy move the global phase or a domain by more than one step. Meant for one deploy
   * (`-c activeActive.rollout.allowMultiStep=true`); it never lifts the one-replica-region limit.
   * @default false
   */
  readonly allowMultiStep?: boolean;
  /** Every region of the app (the global table's replicas and the primary). */
  readonly regions: readonly string[];
  /** The primary region (the only writer in active-passive); must be in `regions`. */
  readonly primaryRegion: string;
  /**
   * The region being taken out, one step per deploy (out of DNS, then unprotected).
   * @default - none
   */
  readonly retiringRegion?: RetiringRegion;
  /** App name: the guard checks that a retiring region's stack `<appName>-region-<r>` is gone. */
  readonly appName: string;
  /** The global table's name: the guard refuses to create a data stack where it already exists. */
  readonly tableName: string;
  /**
   * How long CloudFormation waits for the guard before the deploy fails.
   * @default Duration.minutes(5)
   * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-cloudformation-customresource.html
   */
  readonly guardTimeout?: Duration;
  /**
   * Retention and encryption of the function's logs.
   * @default - one month, CloudWatch Logs' own encryption
   */
  readonly logs?: LogSettings;
}

/**
 * Progressive rollout from active-passive to active-active, one safe step per deploy.
 *
 * Lives in the data stack, which every deploy updates first. It validates the rollout config, and
 * its `Custom::RolloutGuard` compares the phases and replica regions CloudFormation deployed last
 * with the ones this deploy asks for: more than one phase per deploy (unless forced) or more than
 * one replica region is answered FAILED, so the stack rolls back before anything it protects
 * changes, and `cdk deploy --all` stops before any region or DNS change. The deployed state lives in
 * CloudFormation, so the rule holds from a fresh checkout.
 *
 * For inspection it also exposes what the phase means for DNS (`frontDoor`). The other stacks, in
 * other regions, compute what they need from lib/rollout/model.ts (`publicAliasTargetOf`,
 * `writePolicyOf`) rather than referencing this construct. The phases are config's, validated
 * there (the schema, and buildApp for the rules that span rollout keys); soft problems are
 * warnings with stable ids here.
 */
export class ProgressiveRollout extends Construct {
  /** The global phase. */
  readonly phase: RolloutPhase;
  /** The rollout state this deploy asks for (resolved domain phases, regions primary first). */
  readonly state: RolloutState;
  /** What the public name aliases in this phase. */
  readonly frontDoor: FrontDoor;
  /** The guard custom resource; resources that must not change on a refused step depend on it. */
  readonly guard: CustomResource;
  /** The guard's function. */
  readonly guardFunction: nodejs.NodejsFunction;

  private readonly config: RolloutConfig;

  constructor(scope: Construct, id: string, props: ProgressiveRolloutProps) {
    super(scope, id);
    this.config = {
      rollout: {
        phase: props.phase,
        domains: props.domains ?? {},
        limitedWriteClasses: props.limitedWriteClasses ?? [],
        allowMultiStep: props.allowMultiStep ?? false,
      },
      primaryRegion: props.primaryRegion,
      regions: props.regions,
      ...(props.retiringRegion === undefined ? {} : { retiringRegion: props.retiringRegion }),
    };
    for (const warning of rolloutWarnings(this.config.rollout)) {
      Annotations.of(this).addWarningV2(`activeActive:rollout:${warningId(warning)}`, warning);
    }

    this.phase = props.phase;
    this.state = rolloutStateOf(this.config);
    this.frontDoor = frontDoorOf(props.phase);

    const guardLogs = appLogGroup(this, 'GuardLogs', props.logs);
    const role = new iam.Role(this, 'GuardRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description:
        'Rollout guard: its own logs, its own stack status, the region stacks and the table',
    });
    guardLogs.grantWrite(role);
    // The guard lets a rollback through without checking; it reads the status of its own stack
    // (and of nothing else) to know.
    role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'ReadOwnStackStatus',
        actions: ['cloudformation:DescribeStacks'],
        resources: [Aws.STACK_ID],
      }),
    );
    // Before a replica loses its deletion protection, the guard checks that its region stack
    // (whose conflict feed reads the replica's stream) is gone; and it refuses to create a data
    // stack where the table already exists (the data stack moving region).
    const regionStacks = Stack.of(this).formatArn({
      service: 'cloudformation',
      region: '*',
      resource: 'stack',
      resourceName: `${regionStackName(props.appName, '*')}/*`,
    });
    role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'ReadRegionStacks',
        actions: ['cloudformation:DescribeStacks'],
        resources: [regionStacks],
      }),
    );
    acknowledgeWildcardResources(
      role,
      [regionStacks],
      'The region stacks are named <app>-region-<region> in every region of the app; the guard only reads whether one exists.',
    );
    role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'DescribeOwnTable',
        actions: ['dynamodb:DescribeTable'],
        resources: [
          Stack.of(this).formatArn({
            service: 'dynamodb',
            resource: 'table',
            resourceName: props.tableName,
          }),
        ],
      }),
    );
    this.guardFunction = new nodejs.NodejsFunction(this, 'GuardFunction', {
      ...functionDefaults(),
      memorySize: FUNCTION_DEFAULTS.smallMemoryMb,
      timeout: Duration.seconds(30),
      role,
      logGroup: guardLogs,
      entry: path.join(LAMBDA_ROOT, 'rollout-guard', 'index.ts'),
      description: 'Custom::RolloutGuard: one rollout step and one replica region per deploy',
      environment: toEnvironment('rollout guard', {}),
    });

    this.guard = new CustomResource(this, 'Guard', {
      resourceType: ROLLOUT_GUARD_TYPE,
      serviceToken: this.guardFunction.functionArn,
      serviceTimeout: props.guardTimeout ?? Duration.minutes(5),
      properties: {
        ...guardPropertiesOf(this.state, {
          allowMultiStep: this.config.rollout.allowMultiStep,
          limitedWriteClasses: this.config.rollout.limitedWriteClasses,
        }),
        App: props.appName,
        TableName: props.tableName,
      },
    });

    // `aactl rollout` reads the deployed state from here (updated only by a successful deploy).
    const output = new CfnOutput(this, 'State', {
      description: 'Deployed rollout state (the properties of Custom::RolloutGuard), for aactl',
      value: JSON.stringify(
        guardPropertiesOf(this.state, {
          allowMultiStep: false,
          limitedWriteClasses: this.config.rollout.limitedWriteClasses,
        }),
      ),
    });
    output.overrideLogicalId(ROLLOUT_STATE_OUTPUT);
  }

  /**
   * Make `targets` wait for the guard, so a refused step fails the stack before they change (and
   * the rollback leaves them as deployed).
   */
  protect(...targets: Construct[]): void {
    for (const target of targets) target.node.addDependency(this.guard);
  }
}

/** A stable id for a warning (its first words), so `--strict` users can acknowledge it. */
function warningId(message: string): string {
  return message
    .split(/[^A-Za-z0-9.]+/)
    .slice(0, 4)
    .join('-');
}
