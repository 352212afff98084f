import { CfnOutput, Duration, Stack, Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import type * as route53 from 'aws-cdk-lib/aws-route53';
import { Construct } from 'constructs';
import { toEnvironment } from '../../lambda/contract/environment';
import {
  IDEMPOTENCY_PARTITION_PREFIX,
  apiTokenSecretName,
  CONTROL_PARTITION,
} from '../../lambda/contract/naming';
import { routesOf } from '../../lambda/contract/routes';
import { API_DEFAULTS, HEALTH_CHECK_DEFAULTS } from '../config/defaults';
import { ApiAuthorizer, type ApiJwtAuthorization } from './api-authorizer';
import { appFunction, replicaArns } from './app-function';
import { HealthEndpoint } from './health-endpoint';
import { LAMBDA_ENTRIES } from './lambda-bundling';
import { appLogGroup, type LogSettings } from './log-settings';
import { acknowledgeWildcardResources } from './nag-acknowledgments';
import { throttleRoutes, type RouteThrottle } from './route-throttle';
import { grantSessionKeyRead } from './session-key';
import { regionAmong } from './validation';

/** Stage throttling for the HTTP API. */
export interface ApiThrottle {
  /** Steady-state requests per second. */
  readonly rateLimit: number;
  /** Burst capacity in requests. */
  readonly burstLimit: number;
}

export type { ApiJwtAuthorization } from './api-authorizer';

/** What the API function may read on every replica (and its indexes). */
export const API_READ_ACTIONS = [
  'dynamodb:GetItem',
  'dynamodb:Query',
  'dynamodb:ConditionCheckItem',
] as const;

/**
 * What the API function may write on every replica: forwarded writes run against the tenant's
 * home replica. Only the local replica may also delete (the idempotency store releases its own
 * claims there); no replica's control partition may be written (see the Deny statement).
 */
export const API_WRITE_ACTIONS = ['dynamodb:PutItem', 'dynamodb:UpdateItem'] as const;

/** Writes no API statement may make in the control partition (drain flags, heartbeats, lag). */
export const CONTROL_PARTITION_WRITE_ACTIONS = [
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:BatchWriteItem',
] as const;

/** Properties of {@link RegionalApi}. */
export interface RegionalApiProps {
  /** App name (function environment: service name, and the handler's log context). */
  readonly appName: string;
  /** Global table name (same in every region); grants are built from it, never imported. */
  readonly tableName: string;
  /** Every region of the app, primary first (passed to the function). */
  readonly regions: readonly string[];
  /** The primary region. */
  readonly primaryRegion: string;
  /** Public API name, served by every region (e.g. api.example.com). */
  readonly publicName: string;
  /** This region's own API name (e.g. eu-west-1.api.example.com). */
  readonly regionalName: string;
  /** Hosted zone in which certificates are validated. */
  readonly zone: route53.IHostedZone;
  /** Name of the session-key secret; the function reads this region's replica by name. */
  readonly sessionKeySecretName: string;
  /**
   * How owner-only writes are fenced by the tenant's epoch: `transaction` (TransactWriteItems
   * with a ConditionCheck per ownership slot) or `read-then-write` (a strongly consistent read of
   * ownership, then the conditional put), for multi-region strong consistency tables, which do not
   * support transactions.
   * @default 'transaction'
   */
  readonly fencing?: 'transaction' | 'read-then-write';
  /**
   * Authorize with an external OIDC provider's JWTs instead of the app's own API tokens.
   * @default - the app's API tokens, signed with the replicated `<app>/api-token-key`
   */
  readonly jwt?: ApiJwtAuthorization;
  /**
   * Stage throttling.
   * @default - 1000 requests/s, burst 2000
   */
  readonly throttle?: ApiThrottle;
  /**
   * Path of the health route.
   * @default '/health'
   */
  readonly healthPath?: string;
  /**
   * How long the health route waits for the local replica.
   * @default Duration.seconds(1)
   */
  readonly healthTimeout?: Duration;
  /**
   * Concurrency reserved for the health function (0: none).
   * @default 5
   */
  readonly healthReservedConcurrency?: number;
  /**
   * Retention and encryption of the function and access logs.
   * @default - one month, CloudWatch Logs' own encryption
   */
  readonly logs?: LogSettings;
}

/**
 * Route throttling of the public routes (the OpenAPI document): it changes only with a deploy and
 * its answers are cacheable (`max-age=300`, an ETag), so 10 requests/s (burst 20) per region
 * serves many clients and caps what an unauthenticated flood of the API function can cost.
 */
export const PUBLIC_ROUTE_THROTTLE: RouteThrottle = { rateLimit: 10, burstLimit: 20 };

/**
 * One region's API: a Lambda function behind an HTTP API, reachable only through two custom
 * domains (the public name and the region's own name) with one DNS-validated certificate per
 * region. The execute-api endpoint is disabled so every call goes through a name we control.
 * Every route but the health route (its own function, {@link HealthEndpoint}) and the OpenAPI
 * document (`GET /openapi.json`, throttled on its own) needs authorization. The function may
 * read and write the local replica and every other region's replica (writes are forwarded to the
 * tenant's home region; strong and quorum reads read other replicas), by ARNs built from config;
 * it may delete only in the local replica, and write no replica's control partition.
 */
export class RegionalApi extends Construct {
  /** The API function. */
  readonly function: nodejs.NodejsFunction;
  /** The HTTP API. */
  readonly httpApi: apigwv2.HttpApi;
  /** The `$default` stage. */
  readonly stage: apigwv2.HttpStage;
  /** Custom domain for the public name. */
  readonly publicDomain: apigwv2.DomainName;
  /** Custom domain for this region's own name (health checks and pinned clients use it). */
  readonly regionalDomain: apigwv2.DomainName;
  /** The health route's own function. */
  readonly health: HealthEndpoint;
  /** The authorizer of every other route (never region-scoped). */
  readonly authorizer: ApiAuthorizer;

  constructor(scope: Construct, id: string, props: RegionalApiProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const throttle = props.throttle ?? API_DEFAULTS.throttle;
    const region = regionAmong(this, 'regional api', props.regions);
    const healthPath = props.healthPath ?? HEALTH_CHECK_DEFAULTS.path;

    // An explicit role instead of the AWSLambdaBasicExecutionRole managed policy.
    const { function: fn, role } = appFunction(this, {
      entry: LAMBDA_ENTRIES.api.entry,
      description: 'Active-active regional API',
      roleDescription:
        'Regional API function: its own logs, the table replicas and the session key',
      logs: props.logs,
      // WRITE_POLICY is added by the region stack
      environment: toEnvironment('api', {
        tableName: props.tableName,
        regions: props.regions,
        primaryRegion: props.primaryRegion,
        appName: props.appName,
        publicName: props.publicName,
        sessionKeySecretId: props.sessionKeySecretName,
        fencing: props.fencing ?? 'transaction',
        // what GET /openapi.json names besides the names above: the health path, the OIDC issuer
        healthPath,
        ...(props.jwt ? { jwtIssuer: props.jwt.issuer } : {}),
      }),
    });
    this.function = fn;

    // Least privilege by ARNs built from the configured name: no reference to the data stack,
    // which lives in another region.
    const localReplica = replicaArns(this, region, props.tableName);
    const otherReplicas = props.regions
      .filter((other) => other !== region)
      .map((other) => replicaArns(this, other, props.tableName));
    const allReplicas = [localReplica, ...otherReplicas];
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'ReadReplicas',
        actions: [...API_READ_ACTIONS],
        resources: allReplicas.flatMap((replica) => [replica.table, replica.indexes]),
      }),
    );
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'WriteReplicas',
        actions: [...API_WRITE_ACTIONS],
        resources: allReplicas.map((replica) => replica.table),
      }),
    );
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'DeleteInLocalReplica',
        actions: ['dynamodb:DeleteItem'],
        resources: [localReplica.table],
      }),
    );
    // An idempotency key is claimed in the tenant's home replica and released there after a
    // refused request (a delete, so a refusal leaves nothing behind): deletes elsewhere only of
    // claim items, whose partition keys start with `I#`.
    if (otherReplicas.length > 0) {
      role.addToPrincipalPolicy(
        new iam.PolicyStatement({
          sid: 'ReleaseClaimsInOtherReplicas',
          actions: ['dynamodb:DeleteItem'],
          resources: otherReplicas.map((replica) => replica.table),
          conditions: {
            'ForAllValues:StringLike': {
              'dynamodb:LeadingKeys': [`${IDEMPOTENCY_PARTITION_PREFIX}*`],
            },
          },
        }),
      );
    }
    // Drain flags, heartbeats and lag items belong to aactl, the probe and the conflict feed: an
    // explicit deny, so no later grant can let the API write them.
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'NoControlPartitionWrites',
        effect: iam.Effect.DENY,
        actions: [...CONTROL_PARTITION_WRITE_ACTIONS],
        resources: allReplicas.map((replica) => replica.table),
        conditions: {
          'ForAnyValue:StringEquals': { 'dynamodb:LeadingKeys': [CONTROL_PARTITION] },
        },
      }),
    );
    acknowledgeWildcardResources(
      role,
      allReplicas.map((replica) => replica.indexes),
      'index/* covers only the indexes of the app table (gsi1, the open reconciliation cases), so adding an index needs no IAM change; no other table is reachable.',
    );
    grantSessionKeyRead(this, role, props.sessionKeySecretName);

    const certificate = new acm.Certificate(this, 'Certificate', {
      domainName: props.publicName,
      subjectAlternativeNames: [props.regionalName],
      validation: acm.CertificateValidation.fromDns(props.zone),
    });
    this.publicDomain = new apigwv2.DomainName(this, 'PublicDomain', {
      domainName: props.publicName,
      certificate,
      endpointType: apigwv2.EndpointType.REGIONAL,
      securityPolicy: apigwv2.SecurityPolicy.TLS_1_2,
    });
    this.regionalDomain = new apigwv2.DomainName(this, 'RegionalDomain', {
      domainName: props.regionalName,
      certificate,
      endpointType: apigwv2.EndpointType.REGIONAL,
      securityPolicy: apigwv2.SecurityPolicy.TLS_1_2,
    });

    // Every route is authorized unless it opts out (only the health route and the OpenAPI
    // document do), and never with IAM: a SigV4 signature is refused by every region but the one
    // it was scoped to.
    this.authorizer = new ApiAuthorizer(this, 'Authorizer', {
      appName: props.appName,
      publicName: props.publicName,
      tokenSecretName: apiTokenSecretName(props.appName),
      ...(props.jwt === undefined ? {} : { jwt: props.jwt }),
      logs: props.logs,
    });
    this.httpApi = new apigwv2.HttpApi(this, 'HttpApi', {
      description: `Active-active API (${stack.region})`,
      createDefaultStage: false,
      disableExecuteApiEndpoint: true,
      defaultAuthorizer: this.authorizer.authorizer,
    });
    const accessLogs = appLogGroup(this, 'AccessLogs', props.logs);
    this.stage = new apigwv2.HttpStage(this, 'DefaultStage', {
      httpApi: this.httpApi,
      stageName: '$default',
      autoDeploy: true,
      throttle,
      accessLogSettings: {
        destination: new apigwv2.LogGroupLogDestination(accessLogs),
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            ip: '$context.identity.sourceIp',
            method: '$context.httpMethod',
            path: '$context.path',
            status: '$context.status',
            latencyMs: '$context.responseLatency',
            integrationError: '$context.integrationErrorMessage',
            domain: '$context.domainName',
          }),
        ),
      },
    });
    for (const [mappingId, domainName] of [
      ['PublicMapping', this.publicDomain],
      ['RegionalMapping', this.regionalDomain],
    ] as const) {
      new apigwv2.ApiMapping(this, mappingId, { api: this.httpApi, domainName, stage: this.stage });
    }

    this.health = new HealthEndpoint(this, 'Health', {
      httpApi: this.httpApi,
      stage: this.stage,
      tableName: props.tableName,
      region,
      path: healthPath,
      timeout: props.healthTimeout ?? Duration.seconds(HEALTH_CHECK_DEFAULTS.timeoutSeconds),
      ...(props.healthReservedConcurrency === undefined
        ? {}
        : { reservedConcurrency: props.healthReservedConcurrency }),
      logs: props.logs,
    });

    // One integration for every route of the API function (the contract's route table); each
    // route gets its own invoke permission scoped to its method and path (least privilege; about
    // 20 statements, far below the 20 KB resource-policy limit). Public routes (the OpenAPI
    // document) take no token and have their own throttle.
    const apiIntegration = new HttpLambdaIntegration('ApiIntegration', this.function);
    for (const route of routesOf('api')) {
      const routes = this.httpApi.addRoutes({
        path: route.path,
        methods: [apigwv2.HttpMethod[route.method]],
        integration: apiIntegration,
        ...(route.authorized ? {} : { authorizer: new apigwv2.HttpNoneAuthorizer() }),
      });
      if (route.authorized) continue;
      for (const added of routes) {
        Validations.of(added).acknowledge({
          id: 'AwsSolutions::AwsSolutions-APIG4',
          reason:
            'The OpenAPI document is public like any API reference: it names only routes, schemas and the public host names; it is cacheable and throttled on its own.',
        });
      }
      throttleRoutes(this.stage, routes, [`${route.method} ${route.path}`], PUBLIC_ROUTE_THROTTLE);
    }

    new CfnOutput(this, 'PublicUrl', { value: `https://${props.publicName}` });
    new CfnOutput(this, 'RegionalUrl', { value: `https://${props.regionalName}` });
    new CfnOutput(this, 'FunctionName', { value: this.function.functionName });
  }
}
