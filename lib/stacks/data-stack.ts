import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { apiTokenSecretName, type AppConfig } from '../config';
import { GlobalTable } from '../constructs/global-table';
import { logSettingsOf } from '../constructs/log-settings';
import { ObservabilityConfig } from '../constructs/observability-config';
import { ProgressiveRollout } from '../constructs/progressive-rollout';
import { SessionKey, sessionKeySecretName } from '../constructs/session-key';

/** Properties of {@link DataStack}. */
export interface DataStackProps extends StackProps {
  /** Validated app config. */
  readonly config: AppConfig;
}

/** The global table and the session-token key, owned by the primary region, replicated to every other region. */
export class DataStack extends Stack {
  /** The global table. */
  readonly globalTable: GlobalTable;
  /** The session-token signing key, replicated to every region. */
  readonly sessionKey: SessionKey;
  /** The API token key, replicated to every region (the authorizers verify with it). */
  readonly apiTokenKey: SessionKey;
  /** The item holding the critical entities every region's divergence probe compares. */
  readonly observability: ObservabilityConfig;
  /** The rollout: validates the phases, and its guard refuses a deploy that moves too far. */
  readonly rollout: ProgressiveRollout;

  constructor(scope: Construct, id: string, props: DataStackProps) {
    super(scope, id, props);
    const { config } = props;
    this.rollout = new ProgressiveRollout(this, 'Rollout', {
      ...config.rollout,
      regions: config.regions,
      primaryRegion: config.primaryRegion,
      logs: logSettingsOf(config),
    });
    this.globalTable = new GlobalTable(this, 'GlobalTable', {
      tableName: config.tableName,
      replicaRegions: config.secondaryRegions,
      multiRegionStrongConsistency: config.multiRegionStrongConsistency,
    });
    new CfnOutput(this, 'TableName', { value: config.tableName });
    this.observability = new ObservabilityConfig(this, 'ObservabilityConfig', {
      table: this.globalTable.table,
      criticalEntities: config.observability.criticalEntities,
      logs: logSettingsOf(config),
    });
    this.sessionKey = new SessionKey(this, 'SessionKey', {
      secretName: sessionKeySecretName(config.appName),
      replicaRegions: config.secondaryRegions,
    });
    this.apiTokenKey = new SessionKey(this, 'ApiTokenKey', {
      secretName: apiTokenSecretName(config.appName),
      replicaRegions: config.secondaryRegions,
      description:
        'Signs the API tokens every region authorizer accepts (npm run api-token; same key in every region)',
    });
    // A refused rollout step (or a second replica region) fails the stack before these change.
    this.rollout.protect(this.globalTable, this.sessionKey, this.apiTokenKey);
  }
}
