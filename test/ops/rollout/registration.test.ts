import type { CliDeps } from '../../../lib/ops/cli/context';
import { registerCostCommands } from '../../../lib/ops/cli/cost-commands';
import { COMMAND_GROUPS, runCli } from '../../../lib/ops/cli/program';
import { registerRolloutCommands } from '../../../lib/ops/cli/rollout-commands';
import { CapturedStream } from '../support/cli-harness';

describe('aactl program', () => {
  test('registers rollout and cost', async () => {
    expect(COMMAND_GROUPS).toContain(registerRolloutCommands);
    expect(COMMAND_GROUPS).toContain(registerCostCommands);
    const stdout = new CapturedStream();
    const code = await runCli(['--help'], {
      stdout: stdout as unknown as CliDeps['stdout'],
      stderr: new CapturedStream() as unknown as CliDeps['stderr'],
      version: '0.0.0',
    } as CliDeps);
    expect(code).toBe(0);
    expect(stdout.text).toMatch(/\n\s+rollout\s+Progressive rollout/);
    expect(stdout.text).toMatch(/\n\s+cost \[options\]\s+Estimate the monthly cost/);
  });
});
