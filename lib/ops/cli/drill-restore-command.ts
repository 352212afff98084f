import { TAG_DRILL_LOCK } from '../../../lambda/contract/naming';
import { restoreTargetOf, type RestoreTarget } from '../drill/action';
import { lockObserver } from '../drill/lock';
import { restoreRegion } from '../drill/restore';
import { isoSeconds } from '../duration';
import { findHealthChecks, findLocks, readRegionHealth } from '../live';
import type { CommandContext } from './context';
import { checkRegion, drillContextOf } from './drill-run';
import { ExitCode } from './exit-codes';
import { paintState } from './render';

/** One region's restore, as shown. */
interface RestoreResultView {
  readonly region: string;
  readonly healthCheckId: string;
  readonly drillId?: string;
  readonly restored: boolean;
  readonly detail: string;
  /** The aws commands that finish it by hand, when it could not be verified. */
  readonly manualCommands?: readonly string[];
}

/**
 * `aactl drill restore`: undo drills left behind (a killed aactl), through the same restore path
 * as a drill's own end (drill/restore.ts, the target read from the lock the drill left), then read every restored region's health again (with the health check as it
 * is now, not as it was before the restore).
 */
export async function drillRestore(
  ctx: CommandContext,
  options: { readonly region?: string; readonly force?: boolean; readonly timeout: number },
): Promise<number> {
  if (options.region !== undefined) checkRegion(ctx, options.region);
  const drillCtx = drillContextOf(ctx);
  const step = ctx.progress.start('Looking for drill locks');
  const index = await findHealthChecks(ctx.gateways.route53, ctx.config);
  const locks = findLocks(index, lockObserver(drillCtx)).filter(
    (finding) =>
      options.region === undefined || (finding.region ?? finding.lock?.region) === options.region,
  );
  step.succeed(`Found ${locks.length} drill lock${locks.length === 1 ? '' : 's'}`);

  const results: RestoreResultView[] = [];
  let exitCode: number = ExitCode.Ok;
  // The same restore as a drill's own end, without waiting for DNS (status shows health after).
  const restoreOne = async (
    target: RestoreTarget,
    removeLock: boolean,
    drillId: string,
    label?: string,
  ) => {
    const restored = await restoreRegion(drillCtx, {
      target,
      deadlineMs: ctx.deps.clock.now() + options.timeout,
      removeLock,
      drillId,
      ...(label !== undefined ? { label } : {}),
    });
    const ok = !restored.failed;
    if (!ok) exitCode = ExitCode.RestoreFailed;
    return { ok, restored };
  };

  for (const finding of locks) {
    const region = finding.region ?? finding.lock?.region ?? finding.healthCheckId;
    if (finding.lock === undefined) {
      results.push({
        region,
        healthCheckId: finding.healthCheckId,
        restored: false,
        detail: `unreadable lock (${finding.reason}); check Inverted by hand, then remove tag ${TAG_DRILL_LOCK} from ${finding.healthCheckId}`,
      });
      exitCode = ExitCode.RestoreFailed;
      continue;
    }
    if (finding.liveness === 'running' && options.force !== true) {
      results.push({
        region,
        healthCheckId: finding.healthCheckId,
        restored: false,
        detail: `drill ${finding.lock.drillId} still runs (${finding.reason}); wait, or pass --force if its process is gone`,
      });
      if (exitCode === ExitCode.Ok) exitCode = ExitCode.LockHeld;
      continue;
    }
    const { lock } = finding;
    const { ok, restored } = await restoreOne(
      restoreTargetOf(lock, finding.healthCheckId),
      true,
      lock.drillId,
    );
    results.push({
      region,
      healthCheckId: finding.healthCheckId,
      drillId: lock.drillId,
      restored: ok,
      detail: ok
        ? `${lock.method} undone and verified; lock removed`
        : `restore not verified (${restored.error ?? 'unknown error'})`,
      ...(ok ? {} : { manualCommands: restored.manualCommands }),
    });
  }

  // A drain flag set by a drill whose lock is gone (e.g. removed by hand): clear it too.
  if (options.region !== undefined && !locks.some((finding) => finding.lock?.method === 'drain')) {
    const flag = await ctx.gateways.drain.getDrain(options.region).catch(() => undefined);
    if (flag?.drillId !== undefined) {
      const healthCheckId = index.byRegion.get(options.region)?.id ?? '';
      const { ok, restored } = await restoreOne(
        { method: 'drain', region: options.region, healthCheckId, originalInverted: false },
        false,
        flag.drillId,
        `Clearing the drain flag of ${options.region} (drill ${flag.drillId}, no lock)`,
      );
      results.push({
        region: options.region,
        healthCheckId,
        drillId: flag.drillId,
        restored: ok,
        detail: ok
          ? 'drain flag left by a drill cleared'
          : `could not clear the drain flag (${restored.error ?? 'unknown error'})`,
        ...(ok ? {} : { manualCommands: restored.manualCommands }),
      });
    }
  }

  // Health as it is now: read the health checks again (Inverted changed by the restore).
  const restoredRegions = results
    .filter((result) => result.restored)
    .map((result) => result.region);
  const fresh =
    restoredRegions.length > 0 ? await findHealthChecks(ctx.gateways.route53, ctx.config) : index;
  const health = await readRegionHealth(
    ctx.gateways.route53,
    restoredRegions.filter((region) => fresh.byRegion.has(region)),
    fresh,
  );
  if (ctx.output.json) {
    ctx.output.printJson({
      restored: results,
      health: health.map((row) => ({ region: row.region, state: row.reading.state })),
      checkedAt: isoSeconds(new Date(ctx.deps.clock.now())),
    });
  } else if (results.length === 0) {
    ctx.output.line(
      `No drill lock found${options.region ? ` for ${options.region}` : ''}: nothing to restore.`,
    );
  } else {
    for (const result of results) {
      const mark = result.restored ? ctx.output.palette.green('✔') : ctx.output.palette.red('✖');
      ctx.output.line(`${mark} ${result.region}: ${result.detail}`);
      for (const command of result.manualCommands ?? []) ctx.output.line(`    ${command}`);
    }
    for (const row of health) {
      ctx.output.line(
        `  ${row.region} is ${paintState(row.reading.state, ctx.output.palette)} now (Route 53 may take a few health-check intervals to agree)`,
      );
    }
  }
  if (exitCode !== ExitCode.Ok) {
    const failed = results.find((result) => !result.restored);
    ctx.output.errLine(`aactl: ${failed?.region ?? ''}: ${failed?.detail ?? 'restore failed'}`);
    for (const command of failed?.manualCommands ?? []) ctx.output.errLine(`  ${command}`);
  }
  return exitCode;
}
