import { CfnOutput, Stack, Token, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { apiTokenSecretName, type AppConfig } from '../config';
import { GlobalTable } from '../constructs/global-table';
import { logSettingsOf } from '../constructs/log-settings';
import { ObservabilityConfig } from '../constructs/observability-config';
import { ProgressiveRollout } from '../constructs/progressive-rollout';
import { SessionKey, sessionKeySecretName } from '../constructs/session-key';
import { ConstructValidationError } from '../constructs/validation';

/** Properties of {@link DataStack}. */
export interface DataStackProps extends StackProps {
  /** Validated app config. */
  readonly config: AppConfig;
}

/**
 * The global table and the signing keys, owned by the data region (`dataRegion`, which never
 * changes; by default the first primary) and replicated to every other region. The primary may
 * change without this stack moving: the table has no primary, only the write policy does.
 */
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
    if (!Token.isUnresolved(this.region) && this.region !== config.dataRegion) {
      throw new ConstructValidationError(
        this,
        `data stack must be in the data region ${config.dataRegion}, got ${this.region}; build it with env.region = config.dataRegion`,
      );
    }
    const replicaRegions = config.regions.filter((region) => region !== config.dataRegion);
    const retiring = config.retiringRegion;
    this.rollout = new ProgressiveRollout(this, 'Rollout', {
      ...config.rollout,
      regions: config.regions,
      primaryRegion: config.primaryRegion,
      ...(retiring === undefined ? {} : { retiringRegion: retiring }),
      appName: config.appName,
      tableName: config.tableName,
      logs: logSettingsOf(config),
    });
    this.globalTable = new GlobalTable(this, 'GlobalTable', {
      tableName: config.tableName,
      replicaRegions,
      // the step before a replica's removal: its stack is gone, its protection comes off
      unprotectedReplicaRegions: retiring?.step === 'unprotected' ? [retiring.region] : [],
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
      replicaRegions,
    });
    this.apiTokenKey = new SessionKey(this, 'ApiTokenKey', {
      secretName: apiTokenSecretName(config.appName),
      replicaRegions,
      description:
        'Signs the API tokens every region authorizer accepts (npm run api-token; same key in every region)',
    });
    // A refused rollout step (or a second replica region) fails the stack before these change.
    this.rollout.protect(this.globalTable, this.sessionKey, this.apiTokenKey);
  }
}
