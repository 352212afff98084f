import { Duration } from 'aws-cdk-lib';
import type * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import {
  HttpJwtAuthorizer,
  HttpLambdaAuthorizer,
  HttpLambdaResponseType,
} from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import type * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import { Construct } from 'constructs';
import { toEnvironment } from '../../lambda/contract/environment';
import { FUNCTION_DEFAULTS } from '../config/defaults';
import { appFunction } from './app-function';
import { LAMBDA_ENTRIES } from './lambda-bundling';
import type { LogSettings } from './log-settings';
import { grantSessionKeyRead } from './session-key';

/**
 * JWT authorization by an external identity provider (OIDC).
 * @see https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-jwt-authorizer.html
 */
export interface ApiJwtAuthorization {
  /** Token issuer URL (https), e.g. a Cognito user pool or an OIDC provider. */
  readonly issuer: string;
  /** Accepted audiences (`aud` claims); at least one (config checks both, `api.jwt`). */
  readonly audience: readonly string[];
}

/** Properties of {@link ApiAuthorizer}. */
export interface ApiAuthorizerProps {
  /** App name: the issuer of the app's own API tokens. */
  readonly appName: string;
  /** The public API name: the audience of the app's own API tokens. */
  readonly publicName: string;
  /** Name of the API token key's secret (replicated; the authorizer reads its own region's). */
  readonly tokenSecretName: string;
  /**
   * Use an external OIDC provider instead of the app's own tokens.
   * @default - the app's own API tokens (a Lambda authorizer)
   */
  readonly jwt?: ApiJwtAuthorization;
  /**
   * How long API Gateway caches a token's verdict.
   * @default Duration.minutes(5)
   */
  readonly cacheTtl?: Duration;
  /**
   * Retention and encryption of the authorizer's logs.
   * @default - one month, CloudWatch Logs' own encryption
   */
  readonly logs?: LogSettings;
}

/**
 * The authorizer of every API route but the health route. Never IAM: a SigV4 signature is scoped
 * to one region, and API Gateway refuses it in any other ("Credential should be scoped to a valid
 * region"), so behind a latency or failover name every signed client would get 403 whenever DNS
 * picks another region. Both choices here verify the same in every region: the app's own API
 * tokens (HS256 JWTs signed with the replicated `<app>/api-token-key`, checked by a small Lambda
 * authorizer), or an external OIDC provider's JWTs (API Gateway's JWT authorizer).
 */
export class ApiAuthorizer extends Construct {
  /** The authorizer to put on routes. */
  readonly authorizer: apigwv2.IHttpRouteAuthorizer;
  /** The token authorizer's function (none with an external OIDC provider). */
  readonly function?: nodejs.NodejsFunction;

  constructor(scope: Construct, id: string, props: ApiAuthorizerProps) {
    super(scope, id);
    if (props.jwt !== undefined) {
      this.authorizer = new HttpJwtAuthorizer('JwtAuthorizer', props.jwt.issuer, {
        jwtAudience: [...props.jwt.audience],
      });
      return;
    }
    const { function: fn, role } = appFunction(this, {
      entry: LAMBDA_ENTRIES.authorizer.entry,
      description: 'Active-active API authorizer (the app API tokens)',
      roleDescription: 'API authorizer: its own logs and the API token key of this region',
      logs: props.logs,
      overrides: { memorySize: FUNCTION_DEFAULTS.smallMemoryMb, timeout: Duration.seconds(5) },
      environment: toEnvironment('authorizer', {
        tokenSecretId: props.tokenSecretName,
        issuer: props.appName,
        audience: props.publicName,
      }),
    });
    grantSessionKeyRead(this, role, props.tokenSecretName, 'ReadApiTokenKey');
    this.function = fn;
    this.authorizer = new HttpLambdaAuthorizer('TokenAuthorizer', fn, {
      responseTypes: [HttpLambdaResponseType.SIMPLE],
      identitySource: ['$request.header.Authorization'],
      resultsCacheTtl: props.cacheTtl ?? Duration.minutes(5),
    });
  }
}
