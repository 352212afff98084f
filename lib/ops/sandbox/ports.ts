import { createServer } from 'node:net';

/** A free TCP port on 127.0.0.1 (for a process that cannot be told to take port 0). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        if (typeof address === 'object' && address !== null) resolve(address.port);
        else reject(new Error('could not find a free port'));
      });
    });
  });
}

/** The ports of one sandbox. */
export interface PortPlan {
  /** The AWS endpoint (0: a free port). */
  readonly endpoint: number;
  /** DNS, UDP and TCP (0: a free port). */
  readonly dns: number;
  /** DynamoDB Local (always a real port: it cannot be told to take port 0). */
  readonly dynamo: number;
  /** Each region's API, in region order (0: a free port). */
  readonly regions: readonly number[];
}

/** The ports from a base port (the endpoint, DNS next, DynamoDB Local, regions from +10), or free ones (base 0). */
export async function portPlan(base: number, regions: number): Promise<PortPlan> {
  if (base === 0) {
    return {
      endpoint: 0,
      dns: 0,
      dynamo: await freePort(),
      regions: Array.from({ length: regions }, () => 0),
    };
  }
  return {
    endpoint: base,
    dns: base + 1,
    dynamo: base + 2,
    regions: Array.from({ length: regions }, (_, index) => base + 10 + index),
  };
}
