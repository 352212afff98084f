import { Duration, Validations } from 'aws-cdk-lib';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import { Construct } from 'constructs';
import { CONTROL_PARTITION } from '../../lambda/contract/naming';
import { DEFAULT_HEALTH_PATH, routesOf } from '../../lambda/contract/routes';
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

/**
 * Concurrency reserved for the health function. At 50 requests/s of about 20-50 ms each, it
 * needs 1-3 concurrent executions; 5 leaves room for cold starts. Reserving it means an
 * overloaded API function (or any other function of the account) can never throttle the health
 * check into failing the region.
 */
export const DEFAULT_HEALTH_RESERVED_CONCURRENCY = 5;

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
   * is below 100 + this value, where Lambda refuses a reservation).
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
    this.path = props.path ?? DEFAULT_HEALTH_PATH;
    if (!/^\/[A-Za-z0-9._~\-/]*$/.test(this.path)) {
      throw new Error(
        `health path must be a URL path starting with '/', got ${JSON.stringify(this.path)}`,
      );
    }
    const reserved = props.reservedConcurrency ?? DEFAULT_HEALTH_RESERVED_CONCURRENCY;
    if (!Number.isInteger(reserved) || reserved < 0 || reserved > 100) {
      throw new Error(`health reserved concurrency must be an integer 0-100, got ${reserved}`);
    }
    const timeout = props.timeout ?? Duration.seconds(1);

    const { function: fn, role } = appFunction(this, {
      entry: LAMBDA_ENTRIES.health.entry,
      description: 'Active-active health check (drain flag of the local replica)',
      roleDescription: 'Health function: its own logs and the drain flag of the local replica',
      logs: props.logs,
      overrides: {
        memorySize: 256,
        timeout: Duration.seconds(5),
        ...(reserved > 0 ? { reservedConcurrentExecutions: reserved } : {}),
      },
      environment: {
        TABLE_NAME: props.tableName,
        HEALTH_PATH: this.path,
        HEALTH_TIMEOUT_MS: String(timeout.toMilliseconds()),
      },
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
