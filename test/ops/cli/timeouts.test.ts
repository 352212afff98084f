import { createServer, type Server, type Socket } from 'node:net';
import { defaultGateways } from '../../../lib/ops/cli/context';
import { runCli } from '../../../lib/ops/cli/program';
import { realSleep, realTimer, systemClock } from '../../../lib/ops/progress';
import { runAactl, testCliDeps, writeCdkJson } from '../support/cli-harness';
import { FakeWorld } from '../support/fake-world';

/** A TCP server on 127.0.0.1 that accepts connections and never answers. */
async function silentServer(): Promise<{ url: string; close: () => Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return {
    url: `http://127.0.0.1:${address.port}`,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

describe('every AWS call ends', () => {
  test('GIVEN AWS never answers WHEN aactl status runs THEN it exits 1 with one line, not hang', async () => {
    const world = new FakeWorld();
    world.unreachable = () => true;

    const run = await runAactl(world, ['status', '--no-dns']);

    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      'aactl: no answer to route53.listAppHealthChecks within 32s (network, endpoint or AWS not answering); check the network and AWS status, or raise --call-timeout\n',
    );
    expect(world.hung).toEqual(['listAppHealthChecks']);
    expect(world.pendingTimers).toBe(0);
  });

  test('--call-timeout sets the deadline', async () => {
    const world = new FakeWorld();
    world.unreachable = () => true;
    const start = world.now;

    const run = await runAactl(world, ['--call-timeout', '1s', 'status', '--no-dns']);

    expect(run.code).toBe(1);
    expect(run.stderr).toContain('within 5s');
    expect(world.now - start).toBe(5_000);
  });

  test('GIVEN an endpoint on 127.0.0.1 that accepts and never answers THEN the SDK gives up within the call timeout', async () => {
    const server = await silentServer();
    try {
      const { deps, stderr } = testCliDeps({
        clock: systemClock,
        sleep: realSleep,
        timer: realTimer,
        env: { AWS_ACCESS_KEY_ID: 'x', AWS_SECRET_ACCESS_KEY: 'x' },
        makeGateways: defaultGateways,
      });
      const started = Date.now();

      const code = await runCli(
        [
          '--cdk-json',
          writeCdkJson(),
          '--endpoint-url',
          server.url,
          '--call-timeout',
          '150ms',
          'status',
          '--no-dns',
          '--no-drain',
        ],
        deps,
      );

      expect(code).toBe(1);
      expect(stderr.text).toMatch(
        /^aactl: no answer from http:\/\/127\.0\.0\.1:\d+ within --call-timeout \(.*150 ms requestTimeout.*\); check the network and --endpoint-url, or raise --call-timeout\n$/,
      );
      // Three attempts of 150 ms plus the SDK's short backoff; never the 5 minute socket default.
      expect(Date.now() - started).toBeLessThan(2_600);
    } finally {
      await server.close();
    }
  });
});
