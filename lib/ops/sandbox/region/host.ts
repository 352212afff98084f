/**
 * A region host: one Node process per sandbox region, running that region's bundled handlers
 * (the same bundles `cdk synth` builds) with the region's own clock and each function's own
 * environment. It serves the region's HTTP API on 127.0.0.1 through an API Gateway HTTP API
 * (payload 2.0) adapter with the Lambda authorizer in front, forwards the handlers' DynamoDB calls
 * to DynamoDB Local through a proxy that drops calls across a partition, and runs the conflict
 * feed and the heartbeat when the hub invokes them. The hub starts it with an IPC channel and
 * stops it by pid; when the channel closes (the hub died) it exits.
 */
import { randomUUID } from 'node:crypto';
import {
  createServer as createHttpServer,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http';
import { createServer as createNetServer, type Socket } from 'node:net';
import { pathToFileURL } from 'node:url';
import {
  buildAuthorizerEvent,
  buildEvent,
  gatewayError,
  selectRoute,
  toResponse,
  type OutgoingResponse,
} from './apigw';
import { installOffsetClock } from './clock';
import { listenLocal, startDynamoProxy } from './dynamo-proxy';
import {
  importWithEnvironment,
  installFunctionEnvironments,
  runWithEnvironment,
} from './function-env';
import { apiGatewayMetrics, lambdaMetrics, MetricsOutbox } from './host-metrics';
import type {
  FunctionKind,
  FunctionSpec,
  HostInit,
  HostMessage,
  HubMessage,
  NetworkState,
} from './protocol';

const clock = installOffsetClock();
installFunctionEnvironments();
const metrics = new MetricsOutbox((documents) => send({ type: 'metrics', documents }));
metrics.captureStdout();
/** AWS's time, not the region's (AWS stamps its own metrics). */
const awsNow = () => Date.now() - clock.offset();

let init: HostInit | undefined;
let network: NetworkState = { isolated: false, blockedRegions: [] };
const heldSockets = new Set<Socket>();
const liveSockets = new Set<Socket>();
const handlers = new Map<FunctionKind, (event: unknown, context: unknown) => Promise<unknown>>();
const verdicts = new Map<
  string,
  { allowed: boolean; context: Record<string, unknown>; until: number }
>();

function send(message: HostMessage): void {
  process.send?.(message);
}

process.on('message', (raw) => {
  const message = raw as HubMessage;
  switch (message.type) {
    case 'init':
      start(message).catch((error: unknown) => {
        send({ type: 'fatal', error: describe(error) });
        process.exit(1);
      });
      break;
    case 'clock':
      clock.setOffset(message.offsetMs);
      break;
    case 'network':
      applyNetwork(message.network);
      break;
    case 'invoke':
      invoke(message.function, message.event).then(
        (value) => send({ type: 'result', id: message.id, ok: true, value }),
        (error: unknown) =>
          send({ type: 'result', id: message.id, ok: false, error: describe(error) }),
      );
      break;
  }
});
// The hub holds the only handle on this process: when it goes, so does the region.
process.on('disconnect', () => process.exit(0));

async function start(message: HostInit): Promise<void> {
  init = message;
  clock.setOffset(message.clockOffsetMs);
  network = message.network;
  const proxyPort = await startDynamoProxy({
    region: message.region,
    dynamoEndpoint: message.dynamoEndpoint,
    namespace: message.baseEnv.AWS_ACCESS_KEY_ID ?? 'sandbox',
    reachable: (region) => !network.isolated && !network.blockedRegions.includes(region),
  });
  Object.assign(process.env, message.baseEnv, {
    AWS_ENDPOINT_URL_DYNAMODB: `http://127.0.0.1:${proxyPort}`,
  });
  const started = Date.now();
  // Cold starts up front, one bundle at a time (a bundle's top level reads its environment).
  for (const kind of Object.keys(message.functions) as FunctionKind[]) await load(kind);
  const port = await startApi(message);
  send({ type: 'ready', port, startMs: Date.now() - started });
}

function functionEnv(spec: FunctionSpec): Record<string, string> {
  return {
    ...spec.environment,
    AWS_LAMBDA_FUNCTION_NAME: spec.functionName,
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(spec.memoryMb),
  };
}

async function load(kind: FunctionKind) {
  const known = handlers.get(kind);
  if (known !== undefined) return known;
  const spec = init?.functions[kind];
  if (spec === undefined) throw new Error(`this region runs no ${kind} function`);
  const module = (await importWithEnvironment(
    functionEnv(spec),
    pathToFileURL(spec.bundle).href,
  )) as { handler?: unknown };
  if (typeof module.handler !== 'function') {
    throw new Error(`${spec.bundle} exports no handler function`);
  }
  const handler = module.handler as (event: unknown, context: unknown) => Promise<unknown>;
  handlers.set(kind, handler);
  return handler;
}

/** Invoke a function as Lambda would: its environment, a context, and its timeout. */
async function invoke(kind: FunctionKind, event: unknown): Promise<unknown> {
  const spec = init?.functions[kind];
  if (spec === undefined) throw new Error(`this region runs no ${kind} function`);
  const handler = await load(kind);
  const deadline = Date.now() + spec.timeoutMs;
  const context = {
    functionName: spec.functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${init?.region}:${init?.accountId}:function:${spec.functionName}`,
    memoryLimitInMB: String(spec.memoryMb),
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${spec.functionName}`,
    logStreamName: 'sandbox',
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
  };
  let timer: NodeJS.Timeout | undefined;
  const started = awsNow();
  let failed = true;
  try {
    const result = await Promise.race([
      runWithEnvironment(functionEnv(spec), () => handler(event, context)),
      new Promise((_, reject) => {
        timer = setTimeout(
          () =>
            reject(new Error(`Task timed out after ${(spec.timeoutMs / 1000).toFixed(2)} seconds`)),
          spec.timeoutMs,
        );
      }),
    ]);
    failed = false;
    return result;
  } finally {
    clearTimeout(timer);
    metrics.add(
      lambdaMetrics(spec.functionName, { durationMs: awsNow() - started, failed }, awsNow()),
    );
  }
}

async function startApi(message: HostInit): Promise<number> {
  const http = createHttpServer({ keepAliveTimeout: 5_000 }, (request, response) => {
    serve(request, response).catch((error: unknown) => {
      write(response, gatewayError(500, 'Internal Server Error'));
      console.error(
        JSON.stringify({ level: 'ERROR', message: 'sandbox api adapter', error: describe(error) }),
      );
    });
  });
  // Connections arrive here first: an isolated region never answers (a black hole, as when its
  // network is cut), so clients and health checkers time out.
  const server = createNetServer((socket) => {
    if (network.isolated) {
      hold(socket);
      return;
    }
    liveSockets.add(socket);
    socket.on('close', () => liveSockets.delete(socket));
    http.emit('connection', socket);
  });
  return listenLocal(server, message.port);
}

function hold(socket: Socket): void {
  heldSockets.add(socket);
  socket.pause();
  socket.on('error', () => undefined);
  socket.on('close', () => heldSockets.delete(socket));
  // A real black hole holds nothing; the host lets go after a while so sockets do not pile up.
  socket.setTimeout(120_000, () => socket.destroy());
}

function applyNetwork(next: NetworkState): void {
  network = next;
  if (next.isolated) {
    for (const socket of liveSockets) socket.destroy();
  } else {
    for (const socket of heldSockets) socket.destroy();
  }
}

/** Answer one request as API Gateway would, and publish API Gateway's metrics for it. */
async function serve(request: IncomingMessage, response: ServerResponse): Promise<void> {
  const started = awsNow();
  const answer = await respond(request);
  write(response, answer.result, answer.requestId);
  metrics.add(
    apiGatewayMetrics(
      (init as HostInit).apiId,
      {
        statusCode: answer.result.statusCode,
        latencyMs: awsNow() - started,
        ...(answer.integrationMs === undefined
          ? {}
          : { integrationLatencyMs: answer.integrationMs }),
      },
      awsNow(),
    ),
  );
}

async function respond(request: IncomingMessage): Promise<{
  result: OutgoingResponse;
  requestId?: string;
  integrationMs?: number;
}> {
  const body = await readBody(request);
  const current = init as HostInit;
  const matched = selectRoute(current.routes, request.method ?? 'GET', request.url ?? '/');
  if (matched === undefined) return { result: gatewayError(404, 'Not Found') };
  const requestId = randomUUID();
  const facts = {
    accountId: current.accountId,
    apiId: current.apiId,
    requestId,
    nowMs: Date.now(),
  };
  const incoming = {
    method: request.method ?? 'GET',
    url: request.url ?? '/',
    headers: request.headers,
    body,
    sourceIp: request.socket.remoteAddress ?? '127.0.0.1',
  };
  let authorizerContext: Record<string, unknown> | undefined;
  if (matched.route.authorized) {
    const verdict = await authorize(buildEvent(incoming, matched, facts), matched.route.routeKey);
    if (verdict === 'unauthorized') return { result: gatewayError(401, 'Unauthorized'), requestId };
    if (verdict === 'forbidden') return { result: gatewayError(403, 'Forbidden'), requestId };
    if (verdict === 'error')
      return { result: gatewayError(500, 'Internal Server Error'), requestId };
    authorizerContext = verdict;
  }
  const event = buildEvent(incoming, matched, facts, authorizerContext);
  const integrationStarted = awsNow();
  let result: OutgoingResponse;
  try {
    result = toResponse(await invoke(matched.route.function, event));
  } catch (error) {
    console.error(
      JSON.stringify({
        level: 'ERROR',
        message: 'integration failed',
        requestId,
        error: describe(error),
      }),
    );
    result = /timed out/.test(describe(error))
      ? gatewayError(503, 'Service Unavailable')
      : gatewayError(500, 'Internal Server Error');
  }
  return { result, requestId, integrationMs: awsNow() - integrationStarted };
}

async function authorize(
  event: ReturnType<typeof buildEvent>,
  routeKey: string,
): Promise<Record<string, unknown> | 'unauthorized' | 'forbidden' | 'error'> {
  const spec = init?.authorizer;
  if (spec === undefined) return 'error';
  const identity = spec.identityHeaders.map((name) => event.headers[name]);
  if (identity.some((value) => value === undefined || value === '')) return 'unauthorized';
  const cacheKey = identity.join('\u0000');
  const cached = verdicts.get(cacheKey);
  const now = Date.now();
  if (cached !== undefined && cached.until > now)
    return cached.allowed ? cached.context : 'forbidden';
  const routeArn = `arn:aws:execute-api:${init?.region}:${init?.accountId}:${init?.apiId}/$default/${routeKey.replace(' ', '')}`;
  let answer: unknown;
  try {
    answer = await invoke(
      'authorizer',
      buildAuthorizerEvent(event, identity as string[], routeArn),
    );
  } catch {
    return 'error';
  }
  const verdict = answer as { isAuthorized?: unknown; context?: Record<string, unknown> };
  const allowed = verdict.isAuthorized === true;
  if (spec.cacheTtlMs > 0) {
    verdicts.set(cacheKey, {
      allowed,
      context: verdict.context ?? {},
      until: now + spec.cacheTtlMs,
    });
  }
  return allowed ? (verdict.context ?? {}) : 'forbidden';
}

function write(response: ServerResponse, result: OutgoingResponse, requestId?: string): void {
  if (response.headersSent) return;
  response.writeHead(result.statusCode, {
    ...result.headers,
    ...(requestId === undefined ? {} : { 'apigw-requestid': requestId }),
    'content-length': String(result.body.length),
  });
  response.end(result.body);
}

function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
