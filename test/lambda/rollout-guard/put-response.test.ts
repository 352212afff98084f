import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { putResponse } from '../../../lambda/rollout-guard/index';

describe('putResponse', () => {
  test('PUTs the JSON body with an empty content type (what the pre-signed URL expects)', async () => {
    // GIVEN a local server standing in for the pre-signed S3 URL
    let received: { method?: string; url?: string; headers: IncomingHttpHeaders; body: string } = {
      headers: {},
      body: '',
    };
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        received = { method: req.method, url: req.url, headers: req.headers, body };
        res.end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const response = {
      Status: 'SUCCESS' as const,
      Reason: 'ok',
      PhysicalResourceId: 'rollout-guard',
      StackId: 'stack',
      RequestId: 'req',
      LogicalResourceId: 'RolloutGuard',
    };
    try {
      // WHEN the response is sent
      await putResponse(`http://127.0.0.1:${port}/signed?X-Amz-Signature=abc`, response);
    } finally {
      server.close();
    }
    // THEN
    expect(received.method).toBe('PUT');
    expect(received.url).toBe('/signed?X-Amz-Signature=abc');
    expect(received.headers['content-type']).toBe('');
    expect(JSON.parse(received.body)).toEqual(response);
  });

  test('rejects when the upload is refused', async () => {
    const server = createServer((_req, res) => {
      res.statusCode = 403;
      res.end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      await expect(
        putResponse(`http://127.0.0.1:${port}/signed`, {
          Status: 'FAILED',
          Reason: 'x',
          PhysicalResourceId: 'p',
          StackId: 's',
          RequestId: 'r',
          LogicalResourceId: 'l',
        }),
      ).rejects.toThrow('response upload answered HTTP 403');
    } finally {
      server.close();
    }
  });
});
