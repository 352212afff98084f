/**
 * Forwarding DynamoDB requests to DynamoDB Local, as they are (the region of the replica is the
 * request's credential scope: DynamoDB Local keeps one database per access key and region), with
 * the access key replaced by the sandbox's namespace so every caller sees the same replicas.
 */
import {
  request as httpRequest,
  type Agent,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http';
import { withAccessKey } from './sigv4';

/** Where and how to forward. */
export interface DynamoForwardOptions {
  /** DynamoDB Local, e.g. `http://127.0.0.1:8000`. */
  readonly endpoint: string;
  /** The access key (letters and digits) naming the sandbox's databases. */
  readonly namespace: string;
  readonly agent: Agent;
}

/** Forward one request and pipe the answer back; a DynamoDB Local failure is a 503. */
export function forwardToDynamo(
  incoming: IncomingMessage,
  outgoing: ServerResponse,
  options: DynamoForwardOptions,
): void {
  const target = new URL(options.endpoint);
  const headers = { ...incoming.headers, host: target.host };
  if (typeof headers.authorization === 'string') {
    headers.authorization = withAccessKey(headers.authorization, options.namespace);
  }
  const upstream = httpRequest(
    {
      host: target.hostname,
      port: target.port,
      method: incoming.method,
      path: incoming.url,
      headers,
      agent: options.agent,
    },
    (answer) => {
      outgoing.writeHead(answer.statusCode ?? 500, answer.headers);
      answer.pipe(outgoing);
    },
  );
  upstream.on('error', (error) => {
    if (outgoing.headersSent) {
      outgoing.destroy(error);
      return;
    }
    outgoing.writeHead(503, { 'content-type': 'application/x-amz-json-1.0' });
    outgoing.end(
      JSON.stringify({
        __type: 'com.amazonaws.dynamodb.v20120810#ServiceUnavailable',
        message: `DynamoDB Local did not answer: ${error.message}`,
      }),
    );
  });
  incoming.pipe(upstream);
}
