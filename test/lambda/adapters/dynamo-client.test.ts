import { createServer, type Server, type Socket } from 'node:net';
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { dynamoClientConfig } from '../../../lambda/adapters/dynamo-client';

/** A server that accepts connections and never answers (a partitioned region's endpoint). */
function silentServer(): Promise<{ server: Server; port: number; sockets: Set<Socket> }> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      resolve({ server, port: typeof address === 'object' && address ? address.port : 0, sockets });
    }),
  );
}

describe('DynamoDB client settings', () => {
  test('a request that gets no answer fails with a TimeoutError after the request timeout', async () => {
    const { server, port, sockets } = await silentServer();
    const client = new DynamoDBClient({
      ...dynamoClientConfig('eu-west-1', {
        maxAttempts: 1,
        connectionTimeoutMs: 200,
        requestTimeoutMs: 300,
      }),
      endpoint: `http://127.0.0.1:${port}`,
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    });
    const started = Date.now();
    try {
      await expect(
        client.send(new GetItemCommand({ TableName: 't', Key: { pk: { S: 'a' } } })),
      ).rejects.toMatchObject({ name: 'TimeoutError' });
      // bounded by the request timeout, not by the Lambda's (without throwOnRequestTimeout the SDK
      // only warns and waits for ever)
      expect(Date.now() - started).toBeLessThan(5_000);
    } finally {
      client.destroy();
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  test('every call is bounded: both timeouts set and the request timeout throws', () => {
    expect(
      dynamoClientConfig('us-east-1', {
        maxAttempts: 2,
        connectionTimeoutMs: 1_000,
        requestTimeoutMs: 2_000,
      }),
    ).toEqual({
      region: 'us-east-1',
      maxAttempts: 2,
      requestHandler: {
        connectionTimeout: 1_000,
        requestTimeout: 2_000,
        throwOnRequestTimeout: true,
      },
    });
  });
});
