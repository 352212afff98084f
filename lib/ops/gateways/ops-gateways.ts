import type { AlarmsGateway } from './alarms';
import type { DrainGateway } from './drain';
import type { DrillHistoryGateway } from './drill-history';
import type { MetricsGateway } from './metrics';
import type { Route53Gateway } from './route53';
import type { StacksGateway } from './stacks';
import type { TenantsGateway } from './tenants';

/** The gateways every command group gets. */
export interface OpsGateways {
  readonly route53: Route53Gateway;
  readonly drain: DrainGateway;
  readonly metrics: MetricsGateway;
  /** CloudFormation: deployed phase, stacks being deployed. */
  readonly stacks: StacksGateway;
  /** CloudWatch alarms: a drill's stop conditions. */
  readonly alarms: AlarmsGateway;
  /** The shared drill history in the table's control partition. */
  readonly history: DrillHistoryGateway;
  /** Tenant ownership: forced takeovers, moved tenants. @default - not available (fakes) */
  readonly tenants?: TenantsGateway;
}
