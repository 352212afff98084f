import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { AppConfig } from '../config';
import { GlobalTable } from '../constructs/global-table';

/** Properties of {@link DataStack}. */
export interface DataStackProps extends StackProps {
  /** Validated app config. */
  readonly config: AppConfig;
}

/** The global table, owned by the primary region, with a replica in every other region. */
export class DataStack extends Stack {
  /** The global table. */
  readonly globalTable: GlobalTable;

  constructor(scope: Construct, id: string, props: DataStackProps) {
    super(scope, id, props);
    const { config } = props;
    this.globalTable = new GlobalTable(this, 'GlobalTable', {
      tableName: config.tableName,
      replicaRegions: config.secondaryRegions,
      multiRegionStrongConsistency: config.multiRegionStrongConsistency,
    });
    new CfnOutput(this, 'TableName', { value: config.tableName });
  }
}
