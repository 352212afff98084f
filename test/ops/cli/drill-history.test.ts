import { runAactl } from '../support/cli-harness';
import { awsError, FakeWorld } from '../support/fake-world';

/** The shared drill history: every executed drill, who ran it; `drill list` and `drill show`. */

const DRILL = ['drill', 'fail', '--region', 'eu-west-1', '--execute', '--yes', '--hold', '30s'];
const ID = '20250301T120000Z-eu-west-1-4242';

describe('shared drill history', () => {
  test('an executed drill is recorded in the primary replica with who ran it', async () => {
    const world = new FakeWorld();

    const run = await runAactl(world, ['--json', ...DRILL], {
      env: { USER: 'alice', AWS_PROFILE: 'prod-oncall' },
    });

    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout).history).toEqual({ region: 'us-east-1' });
    expect(world.drillHistory.get('us-east-1')).toEqual([
      expect.objectContaining({
        drillId: ID,
        region: 'eu-west-1',
        method: 'invert',
        outcome: 'passed',
        failoverSeconds: 40,
        ranBy: { user: 'alice', host: 'oncall', pid: 4242, awsProfile: 'prod-oncall' },
        report: expect.objectContaining({ drillId: ID, outcome: 'passed' }),
      }),
    ]);
  });

  test('failed and interrupted drills are recorded too; dry runs are not', async () => {
    const world = new FakeWorld();
    world.dnsDelayMs = 3_600_000;

    await runAactl(world, ['drill', 'fail', '--region', 'eu-west-1']);
    const failed = await runAactl(world, [...DRILL, '--observe-timeout', '1m']);

    expect(failed.code).toBe(1);
    expect(world.drillHistory.get('us-east-1')?.map((record) => record.outcome)).toEqual([
      'failed',
    ]);
  });

  test('when the primary replica does not answer, another region records it', async () => {
    const world = new FakeWorld();
    world.faults.putRecord = [awsError('ServiceUnavailable', 'primary is down')];

    const run = await runAactl(world, ['--json', ...DRILL]);

    expect(JSON.parse(run.stdout).history).toEqual({ region: 'ap-southeast-2' });
  });

  test('a history that cannot be written is a note, not a failed drill', async () => {
    const world = new FakeWorld();
    world.faults.putRecord = [1, 2, 3].map(() => awsError('AccessDeniedException', 'denied'));

    const run = await runAactl(world, DRILL);

    expect(run.code).toBe(0);
    expect(run.stderr).toContain(
      `› Could not write the shared drill history (us-east-1: denied; ap-southeast-2: denied; eu-west-1: denied); the report is only in /work/drills/.drills/${ID}.json`,
    );
  });

  test('drill list shows the newest drills of the whole team; drill show one report', async () => {
    const world = new FakeWorld();
    await runAactl(world, DRILL, { env: { USER: 'alice' } });
    world.now += 3_600_000;
    await runAactl(world, [...DRILL, '--method', 'drain'], { env: { USER: 'bob' } });

    const list = await runAactl(world, ['drill', 'list']);
    const json = await runAactl(world, ['--json', 'drill', 'list', '--limit', '1']);
    const show = await runAactl(world, ['drill', 'show', ID]);

    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(
      /DRILL\s+REGION\s+METHOD\s+OUTCOME\s+FAILOVER S\s+RAN BY\s+STARTED/,
    );
    expect(list.stdout.trimEnd().split('\n').slice(1)).toEqual([
      expect.stringMatching(
        /^20250301T130150Z-eu-west-1-4242\s+eu-west-1\s+drain\s+passed\s+60\s+bob@oncall\s+2025-03-01T13:01:50Z$/,
      ),
      expect.stringMatching(
        new RegExp(
          `^${ID}\\s+eu-west-1\\s+invert\\s+passed\\s+40\\s+alice@oncall\\s+2025-03-01T12:00:00Z$`,
        ),
      ),
    ]);
    expect(
      JSON.parse(json.stdout).drills.map((drill: { drillId: string }) => drill.drillId),
    ).toEqual(['20250301T130150Z-eu-west-1-4242']);
    expect(show.code).toBe(0);
    expect(show.stdout).toContain('Ran by alice@oncall (pid 4242)');
    expect(show.stdout).toContain(`Drill ${ID}: eu-west-1 (invert) passed`);
  });

  test('drill show of an unknown id: exit 1 naming drill list', async () => {
    const run = await runAactl(new FakeWorld(), ['drill', 'show', 'nope']);

    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      'aactl: no drill nope in the shared history (replica us-east-1); aactl drill list shows the ids\n',
    );
  });
});
