import { execFile } from 'node:child_process';
import { join } from 'node:path';

/** The CLI as a child process, as a user runs it: `node --import tsx bin/aactl.ts`. */
const ROOT = join(__dirname, '..', '..');
const BIN = join(ROOT, 'bin', 'aactl.ts');
const childEnv = {
  ...process.env,
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  AWS_ACCESS_KEY_ID: 'testing',
  AWS_SECRET_ACCESS_KEY: 'testing',
  NO_COLOR: '1',
};

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function run(args: readonly string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', BIN, ...args],
      { cwd: ROOT, env: childEnv, encoding: 'utf8', timeout: 30_000 },
      (error, stdout, stderr) =>
        resolve({ code: error ? ((error.code as number | undefined) ?? null) : 0, stdout, stderr }),
    );
  });
}

const BAD_ARGUMENTS = [
  ['drill', 'fail', '--region'],
  ['drill', 'fail', '--region', 'eu-west-1', '--method', 'nope'],
  ['--nope'],
  ['drill', 'fail', '--region', 'mars-north-1'],
];

describe('bin/aactl.ts', () => {
  // Every child process starts at once: each pays Node.js and tsx start-up, so run them together.
  const runs = new Map<string, Promise<Run>>();
  const runOf = (args: readonly string[]) => runs.get(JSON.stringify(args))!;
  beforeAll(() => {
    for (const args of [...BAD_ARGUMENTS, ['--help']]) runs.set(JSON.stringify(args), run(args));
  });

  test.each(BAD_ARGUMENTS.map((args) => [args]))(
    'bad arguments %j exit 2 with exactly one line',
    async (args) => {
      const result = await runOf(args);

      expect(result.code).toBe(2);
      expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
      expect(result.stderr).toMatch(/^aactl: .+; .+\n$/);
      expect(result.stdout).toBe('');
    },
  );

  test('--help exits 0 and documents the exit codes', async () => {
    const result = await runOf(['--help']);

    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Exit codes:');
    expect(result.stdout).toContain('drill');
  });
});
