/**
 * Names and table keys shared by the CDK app, the Lambdas and the operator CLI, so `aactl` finds
 * what `cdk deploy` made without reading CloudFormation outputs.
 */

/** Stack holding the global table and the secrets (deployed in `dataRegion`, which never moves). */
export function dataStackName(appName: string): string {
  return `${appName}-data`;
}

/** Stack for one region's API, health check and DNS records. */
export function regionStackName(appName: string, region: string): string {
  return `${appName}-region-${region}`;
}

/** Stack holding the public DNS name and health-check alarms (always us-east-1). */
export function globalStackName(appName: string): string {
  return `${appName}-global`;
}

/** Region of the global stack: Route 53 health-check metrics exist only in us-east-1. */
export const GLOBAL_STACK_REGION = 'us-east-1';

/** Tags on every Route 53 health check; the CLI finds health checks by these. */
export const TAG_APP = 'aa:app';
export const TAG_REGION = 'aa:region';
/** Tag set on a health check while a drill holds it (the drill lock). */
export const TAG_DRILL_LOCK = 'aa:drill-lock';

/**
 * One region's origin name, e.g. `eu-west-1.origin.api.example.com`: a plain alias to the
 * region's public custom domain, owned by the region stack. The failover PRIMARY (global stack)
 * aliases the primary's origin, so changing the primary is one update of one record.
 */
export function originNameOf(publicName: string, region: string): string {
  return `${region}.origin.${publicName}`;
}

/** DNS names under the public name, e.g. for `api.example.com`. */
export function dnsNamesOf(publicName: string) {
  return {
    /** Latency-routed set: one record per region. */
    latency: `latency.${publicName}`,
    /** Failover pair: PRIMARY is the primary region, SECONDARY aliases the standby set. */
    failover: `failover.${publicName}`,
    /** Latency-routed set of the secondary regions (the failover SECONDARY target). */
    standby: `standby.${publicName}`,
  } as const;
}

/**
 * Name of the secret holding the API token key (replicated to every region): the app's API
 * tokens are signed with it (`npm run api-token`) and every region's authorizer verifies with it.
 */
export function apiTokenSecretName(appName: string): string {
  return `${appName}/api-token-key`;
}

/** CloudWatch namespace of the app's own metrics (EMF from the functions, read by alarms and gates). */
export const METRICS_NAMESPACE = 'ActiveActive';

/** Name of the table attribute DynamoDB TTL reads (epoch seconds). */
export const TTL_ATTRIBUTE = 'expiresAt';

/** Partition key of control items (drain flags, heartbeats); never a tenant id. */
export const CONTROL_PARTITION = '__control__';

/**
 * Key of a region's drain flag. While the item exists with `drained = true`, that region's
 * `/health` answers 503, so Route 53 moves traffic away without the Route 53 control plane.
 */
export function drainFlagKey(region: string): { pk: string; sk: string } {
  return { pk: CONTROL_PARTITION, sk: `drain#${region}` };
}

/**
 * Key of the observability config item (the critical entities the divergence probe compares),
 * written by the data stack and read by every region's probe from its local replica: a list from
 * config belongs in the table, not in a Lambda environment (4 KB in all).
 */
export const OBSERVABILITY_CONFIG_KEY = { pk: CONTROL_PARTITION, sk: 'config#observability' };

/** Attribute of the observability config item holding the critical entities (a JSON list). */
export const CRITICAL_ENTITIES_ATTRIBUTE = 'criticalEntities';

/** Sort-key prefix of the regions' replication heartbeats (control items). */
export const HEARTBEAT_PREFIX = 'heartbeat#';

/** Key of `region`'s replication heartbeat: written by `region` only, every minute. */
export function heartbeatKey(region: string): { pk: string; sk: string } {
  return { pk: CONTROL_PARTITION, sk: `${HEARTBEAT_PREFIX}${region}` };
}

/** Sort-key prefix of the lag `region` measured from the other regions. */
export function lagPrefix(region: string): string {
  return `lag#${region}#`;
}

/** Key of the lag `region` measured from `origin`: written by `region`'s conflict feed only. */
export function lagKey(region: string, origin: string): { pk: string; sk: string } {
  return { pk: CONTROL_PARTITION, sk: `${lagPrefix(region)}${origin}` };
}

/** Sort-key prefix of the shared drill history (control items, one per executed drill). */
export const DRILL_RECORD_PREFIX = 'drill#';

/** Key of one drill's record in the history; drill ids start with their UTC start time, so they sort. */
export function drillRecordKey(drillId: string): { pk: string; sk: string } {
  return { pk: CONTROL_PARTITION, sk: `${DRILL_RECORD_PREFIX}${drillId}` };
}

/** Name of a region's alarm `name` (e.g. `api-5xx`), as the region stack creates it. */
export function regionAlarmName(appName: string, region: string, name: string): string {
  return `${appName}-${region}-${name}`;
}

/** The custom resource that finds each region's health check by its tags (global stack). */
export const HEALTH_CHECK_LOOKUP_TYPE = 'Custom::HealthCheckIds';

/** Every idempotency claim's partition key starts with this (`I#<tenant>`). */
export const IDEMPOTENCY_PARTITION_PREFIX = 'I#';
