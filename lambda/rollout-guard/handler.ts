/**
 * The `Custom::RolloutGuard` handler: a Lambda-backed custom resource (no provider framework) in
 * the data stack. On Update it compares `OldResourceProperties` (what CloudFormation deployed
 * last) with `ResourceProperties` (what this deploy asks for) and answers FAILED when the step is
 * too big, so CloudFormation stops before the global table, and `cdk deploy --all` stops before
 * any region or DNS change. No state lives outside CloudFormation, so the check holds from a fresh
 * checkout.
 *
 * It always answers (a custom resource that never answers holds the stack for the service
 * timeout), and it never refuses while the stack rolls back: a rollback restores what was
 * deployed, and refusing it would leave the stack in UPDATE_ROLLBACK_FAILED.
 */
import type {
  CloudFormationCustomResourceEvent,
  CloudFormationCustomResourceResponse,
} from 'aws-lambda';
import { dataStackName, regionStackName } from '../contract/naming';
import { parseGuardProperties } from '../contract/rollout-guard-properties';
import { checkRolloutStep, describeVerdict, FORCE_FLAG } from '../contract/rollout-step';

/** Physical id of the guard: constant, so an update is never taken for a replacement. */
const ROLLOUT_GUARD_PHYSICAL_ID = 'rollout-guard';

/** CloudFormation accepts a response body of at most 4 KB; keep the reason well below it. */
const MAX_REASON_LENGTH = 2000;

/** What the handler needs from the outside world. */
export interface RolloutGuardDeps {
  /** PUT the response to the pre-signed URL CloudFormation gave. */
  respond(responseUrl: string, response: CloudFormationCustomResourceResponse): Promise<void>;
  /** The stack's current status, e.g. `UPDATE_ROLLBACK_IN_PROGRESS`. */
  stackStatus(stackId: string): Promise<string | undefined>;
  /** Whether a stack of this name exists (in any state but deleted) in `region`. */
  stackExists(region: string, stackName: string): Promise<boolean>;
  /** Whether a table of this name exists in the guard's own region. */
  tableExists(tableName: string): Promise<boolean>;
  /** One structured log line. */
  log(level: 'info' | 'warn' | 'error', message: string, fields?: Record<string, unknown>): void;
}

/** The outcome for one request, before it is sent. */
interface Outcome {
  readonly status: 'SUCCESS' | 'FAILED';
  readonly reason: string;
  readonly data?: Record<string, string>;
}

/** Build the handler. */
export function makeHandler(
  deps: RolloutGuardDeps,
): (event: CloudFormationCustomResourceEvent) => Promise<void> {
  return async (event) => {
    let outcome: Outcome;
    try {
      outcome = await decide(event, deps);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      outcome = {
        status: 'FAILED',
        reason: `rollout guard could not check this deploy: ${message}`,
      };
    }
    deps.log(outcome.status === 'SUCCESS' ? 'info' : 'warn', outcome.reason, {
      requestType: event.RequestType,
      logicalResourceId: event.LogicalResourceId,
      status: outcome.status,
    });
    await deps.respond(event.ResponseURL, responseOf(event, outcome));
  };
}

async function decide(
  event: CloudFormationCustomResourceEvent,
  deps: RolloutGuardDeps,
): Promise<Outcome> {
  if (event.RequestType === 'Delete') {
    return { status: 'SUCCESS', reason: 'rollout guard removed; nothing to check' };
  }
  const requested = parseGuardProperties(event.ResourceProperties);
  const data = { Phase: requested.state.phase };
  if (event.RequestType === 'Create') {
    // A data stack created where the table already exists is the data stack moving region
    // (primaryRegion changed without dataRegion): the table is a replica here, and creating it
    // would fail halfway. Refuse before anything else is created.
    if (requested.app !== undefined && (await deps.tableExists(requested.app.tableName))) {
      return {
        status: 'FAILED',
        reason: `table ${requested.app.tableName} already exists in this region as a replica of the global table, so this data stack would move it: the data stack never moves region. Set activeActive.dataRegion to the region where ${dataStackName(requested.app.name)} was deployed first, then deploy again (README, Changing the primary region)`,
      };
    }
    return {
      status: 'SUCCESS',
      reason: `rollout state recorded: phase ${requested.state.phase}, regions ${requested.state.regions.join(', ')}`,
      data,
    };
  }

  if (await isRollingBack(event.StackId, deps)) {
    return {
      status: 'SUCCESS',
      reason: 'stack is rolling back to the deployed rollout state; not checked',
      data,
    };
  }

  let deployed;
  try {
    deployed = parseGuardProperties(event.OldResourceProperties, 'OldResourceProperties');
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    if (requested.allowMultiStep) {
      return {
        status: 'SUCCESS',
        reason: `deployed rollout state unreadable (${why}); allowed because the deploy is forced`,
        data,
      };
    }
    return {
      status: 'FAILED',
      reason: `rollout step refused: the deployed rollout state is unreadable (${why}); check the step by hand and force it with ${FORCE_FLAG}`,
    };
  }

  const verdict = checkRolloutStep(deployed.state, requested.state, {
    allowMultiStep: requested.allowMultiStep,
  });
  // A replica loses its deletion protection only once nothing reads its stream any more.
  if (verdict.allowed && requested.app !== undefined) {
    for (const region of verdict.regionStacksMustBeGone) {
      const stackName = regionStackName(requested.app.name, region);
      if (await deps.stackExists(region, stackName)) {
        return {
          status: 'FAILED',
          reason: `rollout step refused: region stack ${stackName} still exists in ${region}; its conflict feed reads the replica's stream. Destroy it first (npx cdk destroy ${stackName}, while retiringRegion.step is out-of-dns), then deploy step unprotected again`,
        };
      }
    }
  }
  return {
    status: verdict.allowed ? 'SUCCESS' : 'FAILED',
    reason: describeVerdict(verdict),
    ...(verdict.allowed ? { data } : {}),
  };
}

async function isRollingBack(stackId: string, deps: RolloutGuardDeps): Promise<boolean> {
  try {
    const status = await deps.stackStatus(stackId);
    return status !== undefined && status.endsWith('ROLLBACK_IN_PROGRESS');
  } catch (error) {
    // Checking anyway is the safe side for a forward deploy; a rollback refused this way can be
    // finished with `aws cloudformation continue-update-rollback --resources-to-skip`.
    deps.log('warn', 'could not read the stack status; checking the step anyway', {
      error: error instanceof Error ? error.message : String(error),
    });
    return false;
  }
}

function responseOf(
  event: CloudFormationCustomResourceEvent,
  outcome: Outcome,
): CloudFormationCustomResourceResponse {
  const reason =
    outcome.reason.length > MAX_REASON_LENGTH
      ? `${outcome.reason.slice(0, MAX_REASON_LENGTH - 3)}...`
      : outcome.reason;
  const common = {
    PhysicalResourceId:
      event.RequestType === 'Create' ? ROLLOUT_GUARD_PHYSICAL_ID : event.PhysicalResourceId,
    StackId: event.StackId,
    RequestId: event.RequestId,
    LogicalResourceId: event.LogicalResourceId,
    ...(outcome.data !== undefined ? { Data: outcome.data } : {}),
  };
  return outcome.status === 'SUCCESS'
    ? { ...common, Status: 'SUCCESS', Reason: reason }
    : { ...common, Status: 'FAILED', Reason: reason };
}
