import type { AppConfig } from '../../config/schema';
import { isDrillMethod, type DrillMethod } from './method';
import type { DrillPlan } from './planner';

/**
 * A drill plan written by `aactl drill fail --plan-out plan.json` and carried out exactly by
 * `aactl drill run plan.json` (after the preflight is checked again): reviewed in a change
 * request, then run by whoever is on call. It pins the settings and the health check it was made
 * for, and expires, so an old plan is never run against a changed world.
 */

/** Marker of a plan file. */
export const PLAN_KIND = 'aactl-drill-plan';
/** Format version. */
export const PLAN_VERSION = 1;
/** A plan older than this is refused: make a new one. */
export const PLAN_LIFETIME_MS = 7 * 24 * 60 * 60_000;

/** The drill's settings, as `drill fail` takes them. */
export interface DrillSettings {
  readonly target: string;
  readonly method: DrillMethod;
  readonly holdMs: number;
  readonly pollMs: number;
  readonly observeTimeoutMs: number;
  readonly restoreTimeoutMs: number;
  readonly metric: boolean;
  readonly reason?: string;
  /** Stop-condition alarm names; `null`: the defaults. */
  readonly stopOnAlarms: readonly string[] | null;
}

/** The file. */
export interface DrillPlanFile {
  readonly kind: typeof PLAN_KIND;
  readonly version: typeof PLAN_VERSION;
  readonly createdAt: string;
  readonly createdBy: string;
  readonly appName: string;
  readonly regions: readonly string[];
  /** The target's health check when planned: a different one now refuses the plan. */
  readonly healthCheckId: string;
  readonly settings: DrillSettings;
  /** What the planner predicted (for the reviewer; the run predicts again). */
  readonly predicted: Pick<
    DrillPlan,
    'matrix' | 'healthyNow' | 'healthyAfter' | 'minHealthyRegions'
  >;
}

/** Build the file's content. */
export function planFileOf(input: {
  readonly config: Pick<AppConfig, 'appName' | 'regions'>;
  readonly settings: DrillSettings;
  readonly plan: DrillPlan;
  readonly healthCheckId: string;
  readonly now: Date;
  readonly createdBy: string;
}): DrillPlanFile {
  return {
    kind: PLAN_KIND,
    version: PLAN_VERSION,
    createdAt: input.now.toISOString(),
    createdBy: input.createdBy,
    appName: input.config.appName,
    regions: input.config.regions,
    healthCheckId: input.healthCheckId,
    settings: input.settings,
    predicted: {
      matrix: input.plan.matrix,
      healthyNow: input.plan.healthyNow,
      healthyAfter: input.plan.healthyAfter,
      minHealthyRegions: input.plan.minHealthyRegions,
    },
  };
}

/** Read a plan file for this config at `now`: the plan, or one line saying what is wrong. */
export function parsePlanFile(
  text: string,
  config: Pick<AppConfig, 'appName' | 'regions'>,
  now: Date,
): { ok: true; plan: DrillPlanFile } | { ok: false; error: string } {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    return { ok: false, error: `is not JSON (${(error as Error).message})` };
  }
  const file = raw as Partial<DrillPlanFile> | null;
  if (file === null || typeof file !== 'object' || file.kind !== PLAN_KIND) {
    return { ok: false, error: 'is not an aactl drill plan (make one with drill fail --plan-out)' };
  }
  if (file.version !== PLAN_VERSION) {
    return {
      ok: false,
      error: `has plan version ${String(file.version)}; this aactl reads ${PLAN_VERSION}`,
    };
  }
  const settings = file.settings as Partial<DrillSettings> | undefined;
  const durations = ['holdMs', 'pollMs', 'observeTimeoutMs', 'restoreTimeoutMs'] as const;
  if (
    settings === undefined ||
    typeof settings.target !== 'string' ||
    typeof settings.method !== 'string' ||
    !isDrillMethod(settings.method) ||
    durations.some((key) => typeof settings[key] !== 'number' || !Number.isFinite(settings[key])) ||
    typeof file.healthCheckId !== 'string' ||
    typeof file.createdAt !== 'string'
  ) {
    return {
      ok: false,
      error: 'is incomplete or was edited by hand; make a new one with drill fail --plan-out',
    };
  }
  if (file.appName !== config.appName) {
    return {
      ok: false,
      error: `was made for app ${String(file.appName)}, but cdk.json configures ${config.appName}`,
    };
  }
  if (JSON.stringify(file.regions) !== JSON.stringify(config.regions)) {
    return {
      ok: false,
      error: `was made for regions ${(file.regions ?? []).join(', ')}, but cdk.json configures ${config.regions.join(', ')}; make a new plan`,
    };
  }
  const age = now.getTime() - Date.parse(file.createdAt);
  if (!Number.isFinite(age) || age > PLAN_LIFETIME_MS) {
    return { ok: false, error: `is older than 7 days (made ${file.createdAt}); make a new plan` };
  }
  return { ok: true, plan: file as DrillPlanFile };
}
