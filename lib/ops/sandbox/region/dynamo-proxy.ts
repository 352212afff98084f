/**
 * A region host's way to DynamoDB: its handlers' DynamoDB calls go to this proxy on 127.0.0.1,
 * which forwards each to DynamoDB Local (the database of the call's credential-scope region)
 * unless the network says that region cannot be reached, in which case nothing answers, as across
 * a cut link: the SDK's own timeout ends the call.
 */
import { Agent, createServer } from 'node:http';
import { forwardToDynamo } from '../dynamo-forward';
import { credentialScopeOf } from '../sigv4';

/** Start the proxy on a free port; resolves with the port. */
export function startDynamoProxy(options: {
  /** The host's own region (always reachable: its replica is local). */
  readonly region: string;
  readonly dynamoEndpoint: string;
  /** The access key naming the sandbox's databases. */
  readonly namespace: string;
  /** Whether another region's replica can be reached now. */
  reachable(region: string): boolean;
}): Promise<number> {
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  const server = createServer((request, response) => {
    const target = credentialScopeOf(request.headers.authorization)?.region ?? options.region;
    if (target !== options.region && !options.reachable(target)) {
      request.resume();
      request.socket.setTimeout(60_000, () => request.socket.destroy());
      return;
    }
    forwardToDynamo(request, response, {
      endpoint: options.dynamoEndpoint,
      namespace: options.namespace,
      agent,
    });
  });
  return listenLocal(server, 0);
}

/** Listen on 127.0.0.1:`port` (0: a free port); resolves with the port. */
export function listenLocal(
  server: {
    listen: (port: number, host: string, cb: () => void) => unknown;
    address: () => unknown;
    on: (event: 'error', cb: (error: Error) => void) => unknown;
  },
  port: number,
): Promise<number> {
  return new Promise((resolve, reject) => {
    server.on('error', reject);
    server.listen(port, '127.0.0.1', () => {
      const address = server.address() as { port: number } | null;
      resolve(address?.port ?? port);
    });
  });
}
