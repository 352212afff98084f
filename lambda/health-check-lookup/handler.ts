/**
 * `Custom::HealthCheckIds`: finds each region's Route 53 health check by its `aa:app` and
 * `aa:region` tags, for the global stack in us-east-1 (where health-check metrics live). The
 * health checks belong to the region stacks, in other regions, so the global stack cannot
 * reference them. The resource's properties carry the deploy id, so the lookup runs on every
 * deploy and a health check that was replaced is found again.
 */
import type {
  CloudFormationCustomResourceEvent,
  CloudFormationCustomResourceResponse,
} from 'aws-lambda';
import { TAG_APP, TAG_REGION } from '../contract/naming';

/** Physical id of the lookup (constant: the ids are attributes, not the identity). */
const HEALTH_CHECK_LOOKUP_PHYSICAL_ID = 'health-check-ids';

/** A health check with its tags. */
export interface TaggedHealthCheck {
  readonly id: string;
  readonly tags: Readonly<Record<string, string>>;
}

/** What the handler needs from the outside world. */
export interface HealthCheckLookupDeps {
  /** Every health check of the account with its tags. */
  listTaggedHealthChecks(): Promise<TaggedHealthCheck[]>;
  respond(responseUrl: string, response: CloudFormationCustomResourceResponse): Promise<void>;
  log(level: 'info' | 'error', message: string, fields?: Record<string, unknown>): void;
}

/**
 * The health-check id of each region, or the problems (one sentence each, with the fix).
 * Pure, so the matching rule is tested without Route 53.
 */
export function healthCheckIdsOf(
  checks: readonly TaggedHealthCheck[],
  app: string,
  regions: readonly string[],
): { ids: Record<string, string>; problems: string[] } {
  const ids: Record<string, string> = {};
  const problems: string[] = [];
  for (const region of regions) {
    const matches = checks.filter(
      (check) => check.tags[TAG_APP] === app && check.tags[TAG_REGION] === region,
    );
    if (matches.length === 1) ids[region] = matches[0]!.id;
    else if (matches.length === 0) {
      problems.push(
        `no health check tagged ${TAG_APP}=${app}, ${TAG_REGION}=${region}; deploy that region's stack first`,
      );
    } else {
      problems.push(
        `${matches.length} health checks are tagged ${TAG_APP}=${app}, ${TAG_REGION}=${region} (${matches.map((check) => check.id).join(', ')}); delete the ones no stack owns`,
      );
    }
  }
  return { ids, problems };
}

/** Build the handler. */
export function makeHandler(
  deps: HealthCheckLookupDeps,
): (event: CloudFormationCustomResourceEvent) => Promise<void> {
  return async (event) => {
    const common = {
      PhysicalResourceId:
        event.RequestType === 'Create' ? HEALTH_CHECK_LOOKUP_PHYSICAL_ID : event.PhysicalResourceId,
      StackId: event.StackId,
      RequestId: event.RequestId,
      LogicalResourceId: event.LogicalResourceId,
    };
    let response: CloudFormationCustomResourceResponse;
    try {
      if (event.RequestType === 'Delete') {
        response = { ...common, Status: 'SUCCESS', Reason: 'nothing to delete' };
      } else {
        const app = String(event.ResourceProperties.App ?? '');
        const regions = event.ResourceProperties.Regions;
        if (app === '' || !Array.isArray(regions) || regions.length === 0) {
          throw new Error('properties App and Regions (a non-empty list) are required');
        }
        const { ids, problems } = healthCheckIdsOf(
          await deps.listTaggedHealthChecks(),
          app,
          regions.map(String),
        );
        response =
          problems.length > 0
            ? { ...common, Status: 'FAILED', Reason: problems.join('; ').slice(0, 2000) }
            : { ...common, Status: 'SUCCESS', Reason: 'health checks found', Data: ids };
      }
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      response = {
        ...common,
        Status: 'FAILED',
        Reason: `health check lookup failed: ${message}`.slice(0, 2000),
      };
    }
    deps.log(response.Status === 'SUCCESS' ? 'info' : 'error', response.Reason ?? '', {
      requestType: event.RequestType,
      data: response.Data,
    });
    await deps.respond(event.ResponseURL, response);
  };
}
