import * as path from 'node:path';
import { CfnOutput, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as route53 from 'aws-cdk-lib/aws-route53';
import { Construct } from 'constructs';
import { functionDefaults, LAMBDA_ROOT } from './lambda-bundling';

/** Stage throttling for the HTTP API. */
export interface ApiThrottle {
  /** Steady-state requests per second. */
  readonly rateLimit: number;
  /** Burst capacity in requests. */
  readonly burstLimit: number;
}

/** Properties of {@link RegionalApi}. */
export interface RegionalApiProps {
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
   * How long `/health` waits for the local replica.
   * @default Duration.seconds(1)
   */
  readonly healthTimeout?: Duration;
  /**
   * Retention of the function and access logs.
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly logRetention?: logs.RetentionDays;
}

/** Default stage throttling: generous enough for tests, low enough to cap a runaway client. */
export const DEFAULT_THROTTLE: ApiThrottle = { rateLimit: 1000, burstLimit: 2000 };

/**
 * One region's API: a Lambda function behind an HTTP API, reachable only through two custom
 * domains (the public name and the region's own name) with one DNS-validated certificate per
 * region. The execute-api endpoint is disabled so every call goes through a name we control.
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

  constructor(scope: Construct, id: string, props: RegionalApiProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const healthPath = props.healthPath ?? '/health';
    const throttle = props.throttle ?? DEFAULT_THROTTLE;
    validateThrottle(throttle);
    const retention = props.logRetention ?? logs.RetentionDays.ONE_MONTH;

    const functionLogs = new logs.LogGroup(this, 'FunctionLogs', {
      retention,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    // An explicit role instead of the AWSLambdaBasicExecutionRole managed policy: the function may
    // write only to its own log group.
    const role = new iam.Role(this, 'FunctionRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'Regional API function: its own logs and the local table replica',
    });
    functionLogs.grantWrite(role);
    this.function = new nodejs.NodejsFunction(this, 'Function', {
      ...functionDefaults(),
      role,
      entry: path.join(LAMBDA_ROOT, 'handlers', 'api.ts'),
      description: 'Active-active regional API',
      logGroup: functionLogs,
      environment: {
        TABLE_NAME: props.tableName,
        APP_REGIONS: props.regions.join(','),
        PRIMARY_REGION: props.primaryRegion,
        HEALTH_TIMEOUT_MS: String((props.healthTimeout ?? Duration.seconds(1)).toMilliseconds()),
      },
    });

    // Least privilege on the local replica, by ARN built from the configured name: no reference
    // to the data stack, which lives in another region.
    this.function.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'ReadLocalReplica',
        actions: ['dynamodb:GetItem'],
        resources: [
          stack.formatArn({
            service: 'dynamodb',
            resource: 'table',
            resourceName: props.tableName,
          }),
        ],
      }),
    );

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

    this.httpApi = new apigwv2.HttpApi(this, 'HttpApi', {
      description: `Active-active API (${stack.region})`,
      createDefaultStage: false,
      disableExecuteApiEndpoint: true,
    });
    const accessLogs = new logs.LogGroup(this, 'AccessLogs', {
      retention,
      removalPolicy: RemovalPolicy.DESTROY,
    });
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

    const healthRoutes = this.httpApi.addRoutes({
      path: healthPath,
      methods: [apigwv2.HttpMethod.GET, apigwv2.HttpMethod.HEAD],
      integration: new HttpLambdaIntegration('HealthIntegration', this.function),
    });
    for (const route of healthRoutes) {
      Validations.of(route).acknowledge({
        id: 'AwsSolutions::AwsSolutions-APIG4',
        reason:
          'Route 53 health checkers cannot sign requests; /health reveals only status and region name.',
      });
    }

    new CfnOutput(this, 'PublicUrl', { value: `https://${props.publicName}` });
    new CfnOutput(this, 'RegionalUrl', { value: `https://${props.regionalName}` });
    new CfnOutput(this, 'FunctionName', { value: this.function.functionName });
  }
}

function validateThrottle(throttle: ApiThrottle): void {
  if (!Number.isInteger(throttle.rateLimit) || throttle.rateLimit < 1) {
    throw new Error(`api throttle rateLimit must be a positive integer, got ${throttle.rateLimit}`);
  }
  if (!Number.isInteger(throttle.burstLimit) || throttle.burstLimit < 1) {
    throw new Error(
      `api throttle burstLimit must be a positive integer, got ${throttle.burstLimit}`,
    );
  }
}
