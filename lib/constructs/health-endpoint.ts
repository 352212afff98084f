import { Duration, Validations } from 'aws-cdk-lib';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import { Construct } from 'constructs';
import { toEnvironment } from '../../lambda/contract/environment';
import { CONTROL_PARTITION } from '../../lambda/contract/naming';
import { routesOf } from '../../lambda/contract/routes';
import { FUNCTION_DEFAULTS, HEALTH_CHECK_DEFAULTS } from '../config/defaults';
import { appFunction, replicaArns } from './app-function';
import { LAMBDA_ENTRIES } from './lambda-bundling';
import type { LogSettings } from './log-settings';
import { throttleRoutes } from './route-throttle';

/**
 * Route throttling of the health route. Route 53 probes from up to 8 checker regions, each with
 * a few checkers, every 10 s: about 2-3 requests a second. 50/s (burst 100) is 15-20 times that,
 * and caps what an unauthenticated flood of the route can cost.
 */
export const HEALTH_ROUTE_THROTTLE = { rateLimit: 50, burstLimit: 100 } as const;

/** Properties of {@link HealthEndpoint}. */
export interface HealthEndpointProps {
  /** The HTTP API that routes the health path. */
  readonly httpApi: apigwv2.HttpApi;
  /** The stage whose route settings get the health route's throttling. */
  readonly stage: apigwv2.HttpStage;
  /** Global table name; the function reads this region's drain flag from the local replica. */
  readonly tableName: string;
  /** This region. */
  readonly region: string;
  /**
   * Path Route 53 probes; the function gets the same value (`HEALTH_PATH`).
   * @default '/health'
   */
  readonly path?: string;
  /**
   * How long the drain-flag read may take.
   * @default Duration.seconds(1)
   */
  readonly timeout?: Duration;
  /**
   * Concurrency reserved for the function; 0 reserves none (for accounts whose concurrency quota
   * is below 100 + this value, where Lambda refuses a reservation). At 50 requests/s of about
   * 20-50 ms each, the function needs 1-3 concurrent executions; 5 leaves room for cold starts.
   * Reserving it means an overloaded API function (or any other function of the account) can
   * never throttle the health check into failing the region.
   * @default 5
   */
  readonly reservedConcurrency?: number;
  /**
   * Retention and encryption of the function's logs.
   * @default - one month, CloudWatch Logs' own encryption
   */
  readonly logs?: LogSettings;
}

/**
 * The region's health route in its own small function (GET and HEAD on the configured path, no
 * authorization: Route 53 checkers cannot sign requests), with reserved concurrency and its own
 * route throttling, so API overload never fails the health check and cascades load to the next
 * region. The function may read only the drain flag's partition of the local replica.
 */
export class HealthEndpoint extends Construct {
  /** The health function. */
  readonly function: nodejs.NodejsFunction;
  /** The health path. */
  readonly path: string;

  constructor(scope: Construct, id: string, props: HealthEndpointProps) {
    super(scope, id);
    this.path = props.path ?? HEALTH_CHECK_DEFAULTS.path;
    const reserved = props.reservedConcurrency ?? HEALTH_CHECK_DEFAULTS.reservedConcurrency;
    const timeout = props.timeout ?? Duration.seconds(HEALTH_CHECK_DEFAULTS.timeoutSeconds);

    const { function: fn, role } = appFunction(this, {
      entry: LAMBDA_ENTRIES.health.entry,
      description: 'Active-active health check (drain flag of the local replica)',
      roleDescription: 'Health function: its own logs and the drain flag of the local replica',
      logs: props.logs,
      overrides: {
        memorySize: FUNCTION_DEFAULTS.smallMemoryMb,
        timeout: Duration.seconds(5),
        ...(reserved > 0 ? { reservedConcurrentExecutions: reserved } : {}),
      },
      environment: toEnvironment('health', {
        tableName: props.tableName,
        healthPath: this.path,
        timeoutMs: timeout.toMilliseconds(),
      }),
    });
    this.function = fn;
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'ReadDrainFlag',
        actions: ['dynamodb:GetItem'],
        resources: [replicaArns(this, props.region, props.tableName).table],
        conditions: {
          'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': [CONTROL_PARTITION] },
        },
      }),
    );

    // the health function's entries of the contract's route table (GET and HEAD)
    const methods = routesOf('health').map((entry) => apigwv2.HttpMethod[entry.method]);
    const routes = props.httpApi.addRoutes({
      path: this.path,
      methods,
      integration: new HttpLambdaIntegration('HealthIntegration', fn),
      authorizer: new apigwv2.HttpNoneAuthorizer(),
    });
    for (const route of routes) {
      Validations.of(route).acknowledge({
        id: 'AwsSolutions::AwsSolutions-APIG4',
        reason:
          'Route 53 health checkers cannot sign requests or send tokens; the route reveals only status and region name, and is throttled on its own.',
      });
    }
    throttleRoutes(
      props.stage,
      routes,
      methods.map((method) => `${method} ${this.path}`),
      HEALTH_ROUTE_THROTTLE,
    );
  }
}
