/**
 * The messages between the sandbox hub and a region host (one Node process per region, over the
 * child-process IPC channel). Plain JSON, no imports: both sides and the host bundle share it.
 */

/** The kinds of function a region runs. */
export type FunctionKind = 'api' | 'health' | 'authorizer' | 'conflictFeed' | 'heartbeat';

/** One function as deployed: its bundle and its environment from the template. */
export interface FunctionSpec {
  /** Logical id in the region template. */
  readonly logicalId: string;
  /** The function name the handler sees (`AWS_LAMBDA_FUNCTION_NAME`). */
  readonly functionName: string;
  /** Absolute path of the ESM bundle. */
  readonly bundle: string;
  /** `Environment.Variables` of the function in the synthesized template. */
  readonly environment: Readonly<Record<string, string>>;
  /** The function's timeout (template `Timeout`). */
  readonly timeoutMs: number;
  /** The function's memory (template `MemorySize`), reported in the Lambda context. */
  readonly memoryMb: number;
}

/** One route of the region's HTTP API (template `AWS::ApiGatewayV2::Route`). */
export interface RouteSpec {
  /** `GET`, `POST`, ... or `ANY`. */
  readonly method: string;
  /** Path template, e.g. `/v1/tenants/{tenant}/home` (or `$default`). */
  readonly path: string;
  /** The route key as API Gateway reports it, e.g. `GET /health`. */
  readonly routeKey: string;
  /** The integration's function. */
  readonly function: FunctionKind;
  /** Whether the route needs the Lambda authorizer (`AuthorizationType: CUSTOM`). */
  readonly authorized: boolean;
}

/** The region's Lambda authorizer (template `AWS::ApiGatewayV2::Authorizer`, type REQUEST). */
export interface AuthorizerSpec {
  /** Header names of the identity source, lower-case (`$request.header.Authorization`). */
  readonly identityHeaders: readonly string[];
  /** How long a verdict is cached per identity (template `AuthorizerResultTtlInSeconds`). */
  readonly cacheTtlMs: number;
  /** Simple responses (`{isAuthorized, context}`) rather than IAM policies. */
  readonly simpleResponses: boolean;
}

/** Everything a region host needs to start. */
export interface HostInit {
  readonly type: 'init';
  readonly region: string;
  readonly accountId: string;
  /** The HTTP API's id (what its `Ref` resolves to: the `ApiId` of its metrics). */
  readonly apiId: string;
  /** Port of the region's API on 127.0.0.1 (0: any free port). */
  readonly port: number;
  readonly functions: Readonly<Partial<Record<FunctionKind, FunctionSpec>>>;
  readonly routes: readonly RouteSpec[];
  readonly authorizer?: AuthorizerSpec;
  /** Environment every function gets besides its own (region, endpoints, credentials). */
  readonly baseEnv: Readonly<Record<string, string>>;
  /** DynamoDB Local's endpoint; the host's own proxy forwards to it. */
  readonly dynamoEndpoint: string;
  readonly network: NetworkState;
  readonly clockOffsetMs: number;
}

/** What the region can reach. */
export interface NetworkState {
  /** Cut off from everything: clients, health checkers and other regions. */
  readonly isolated: boolean;
  /** Other regions whose replicas this region cannot reach (partitions). */
  readonly blockedRegions: readonly string[];
}

/** Hub to host. */
export type HubMessage =
  | HostInit
  | { readonly type: 'clock'; readonly offsetMs: number }
  | { readonly type: 'network'; readonly network: NetworkState }
  | {
      readonly type: 'invoke';
      readonly id: number;
      readonly function: FunctionKind;
      readonly event: unknown;
    };

/** One CloudWatch embedded-metric-format document a function printed. */
export type EmfDocument = Readonly<Record<string, unknown>>;

/** Host to hub. */
export type HostMessage =
  | { readonly type: 'ready'; readonly port: number; readonly startMs: number }
  | { readonly type: 'result'; readonly id: number; readonly ok: true; readonly value: unknown }
  | { readonly type: 'result'; readonly id: number; readonly ok: false; readonly error: string }
  | { readonly type: 'metrics'; readonly documents: readonly EmfDocument[] }
  | { readonly type: 'fatal'; readonly error: string };
