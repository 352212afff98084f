/**
 * One AWS-compatible endpoint for every call aactl makes, on 127.0.0.1: the wire protocol tells
 * the service (Route 53's REST XML paths, the query protocol's `Action=` forms for
 * CloudFormation, `X-Amz-Target` for CloudWatch, Secrets Manager, DynamoDB and DynamoDB Streams)
 * and the SigV4 credential scope tells the region. DynamoDB calls go on to DynamoDB Local, the
 * rest is answered from the sandbox's state. `/__sandbox/...` is the sandbox's own control API.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { StackSpec } from '../deployment';
import { forwardToDynamo, type DynamoForwardOptions } from '../dynamo-forward';
import { credentialScopeOf } from '../sigv4';
import { cloudFormationRequest, queryError } from './cloudformation-api';
import { cloudWatchRequest, secretsRequest, type JsonWorld } from './json-apis';
import { route53Request, type ApiResponse, type Route53World } from './route53-api';

/** Everything the endpoint serves. */
export interface EndpointWorld extends JsonWorld {
  readonly route53: Route53World;
  readonly stacks: readonly StackSpec[];
  readonly dynamo: DynamoForwardOptions;
  readonly startedAt: Date;
  /** The control API (`/__sandbox/<command>`, JSON in and out). */
  control(command: string, input: Record<string, unknown>): Promise<unknown>;
}

/** Start the endpoint on 127.0.0.1:`port` (0: any free port). */
export async function startEndpoint(
  world: EndpointWorld,
  port: number,
): Promise<{ server: Server; port: number }> {
  const server = createServer((request, response) => {
    handle(world, request, response).catch((error: unknown) => {
      if (!response.headersSent) {
        response.writeHead(500, { 'content-type': 'application/json' });
      }
      response.end(
        JSON.stringify({ message: error instanceof Error ? error.message : String(error) }),
      );
    });
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  return { server, port: typeof address === 'object' && address !== null ? address.port : port };
}

async function handle(
  world: EndpointWorld,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  const url = new URL(request.url ?? '/', 'http://sandbox');
  const target = headerOf(request, 'x-amz-target') ?? '';
  const scope = credentialScopeOf(headerOf(request, 'authorization'));
  const region = scope?.region ?? 'us-east-1';
  if (target.startsWith('DynamoDB_20120810.') || target.startsWith('DynamoDBStreams_20120810.')) {
    forwardToDynamo(request, response, world.dynamo);
    return;
  }
  const body = await readBody(request);
  if (url.pathname.startsWith('/__sandbox/')) {
    const input = body === '' ? {} : (JSON.parse(body) as Record<string, unknown>);
    try {
      const result = await world.control(url.pathname.slice('/__sandbox/'.length), input);
      send(response, {
        status: 200,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(result ?? {}),
      });
    } catch (error) {
      send(response, {
        status: 400,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ error: error instanceof Error ? error.message : String(error) }),
      });
    }
    return;
  }
  if (target.startsWith('GraniteServiceVersion20100801.')) {
    const operation = target.split('.')[1] ?? '';
    send(response, cloudWatchRequest(world, operation, region, parseJson(body)));
    return;
  }
  if (target.startsWith('secretsmanager.')) {
    send(response, secretsRequest(world, target.split('.')[1] ?? '', region, parseJson(body)));
    return;
  }
  if (url.pathname.startsWith('/2013-04-01/')) {
    send(
      response,
      route53Request(world.route53, request.method ?? 'GET', url.pathname, url.searchParams, body),
    );
    return;
  }
  const form = new URLSearchParams(body);
  if (
    form.has('Action') &&
    (scope?.service === 'cloudformation' || form.get('Version') === '2010-05-15')
  ) {
    send(response, cloudFormationRequest(world.stacks, region, form, world.startedAt));
    return;
  }
  send(
    response,
    queryError(
      400,
      'InvalidAction',
      `the sandbox does not serve ${request.method} ${url.pathname} (${target || scope?.service || 'unknown service'})`,
    ),
  );
}

function headerOf(request: IncomingMessage, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function parseJson(body: string): Record<string, unknown> {
  if (body.trim() === '') return {};
  return JSON.parse(body) as Record<string, unknown>;
}

function send(response: ServerResponse, answer: ApiResponse): void {
  const body = Buffer.from(answer.body);
  response.writeHead(answer.status, {
    ...answer.headers,
    'content-length': String(body.length),
    'x-amzn-requestid': 'sandbox',
  });
  response.end(body);
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}
