import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import { TTL_ATTRIBUTE } from '../../lambda/contract/naming';
import { ConstructValidationError } from './validation';

/**
 * The open-cases index: a sparse GSI holding only items that carry `gsi1pk` (the reconciliation
 * queue writes `gsi1pk = 'case#open'` while a case is open and removes it on resolve), so
 * listing open cases is one Query instead of a table scan.
 */
export const OPEN_CASES_INDEX = {
  indexName: 'gsi1',
  partitionKey: 'gsi1pk',
  sortKey: 'gsi1sk',
} as const;

/** Properties of {@link GlobalTable}. */
export interface GlobalTableProps {
  /** Physical table name, the same in every region (handlers and the CLI find it by name). */
  readonly tableName: string;
  /** Regions that get a replica besides the stack's own region. */
  readonly replicaRegions: readonly string[];
  /**
   * Replicas whose deletion protection is off: the deploy before their removal (a protected
   * replica cannot be removed; the update would fail and roll back).
   * @default - none: every replica is protected
   */
  readonly unprotectedReplicaRegions?: readonly string[];
  /**
   * Use DynamoDB multi-Region strong consistency (MRSC). Needs exactly three regions of one
   * region set; config validation enforces it.
   * @default false
   * @see https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/multi-region-strong-consistency-gt.html
   */
  readonly multiRegionStrongConsistency?: boolean;
  /**
   * What happens to the table when it leaves the stack.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * The app's DynamoDB global table: pk/sk strings, on-demand, NEW_AND_OLD_IMAGES streams (the
 * conflict feed reads both images), a TTL attribute, the sparse open-cases index
 * ({@link OPEN_CASES_INDEX}), and PITR plus deletion protection set on every replica explicitly
 * (cdk-nag does not check global-table replicas); a replica loses its protection only in the
 * deploy before its removal.
 */
export class GlobalTable extends Construct {
  /** The underlying TableV2. */
  readonly table: dynamodb.TableV2;

  constructor(scope: Construct, id: string, props: GlobalTableProps) {
    super(scope, id);
    validateReplicaRegions(this, props.replicaRegions);
    const unprotected = props.unprotectedReplicaRegions ?? [];
    const stranger = unprotected.find((region) => !props.replicaRegions.includes(region));
    if (stranger !== undefined) {
      throw new ConstructValidationError(
        this,
        `global table unprotected replica ${stranger} is not one of the replica regions (${props.replicaRegions.join(', ')}); only a replica may lose its protection`,
      );
    }

    const replicaDefaults = {
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: true,
    } as const;

    this.table = new dynamodb.TableV2(this, 'Table', {
      tableName: props.tableName,
      partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
      sortKey: { name: 'sk', type: dynamodb.AttributeType.STRING },
      billing: dynamodb.Billing.onDemand(),
      dynamoStream: dynamodb.StreamViewType.NEW_AND_OLD_IMAGES,
      timeToLiveAttribute: TTL_ATTRIBUTE,
      ...replicaDefaults,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
      multiRegionConsistency: props.multiRegionStrongConsistency
        ? dynamodb.MultiRegionConsistency.STRONG
        : dynamodb.MultiRegionConsistency.EVENTUAL,
      replicas: props.replicaRegions.map((region) => ({
        region,
        ...replicaDefaults,
        deletionProtection: !unprotected.includes(region),
      })),
      globalSecondaryIndexes: [
        {
          indexName: OPEN_CASES_INDEX.indexName,
          partitionKey: {
            name: OPEN_CASES_INDEX.partitionKey,
            type: dynamodb.AttributeType.STRING,
          },
          sortKey: { name: OPEN_CASES_INDEX.sortKey, type: dynamodb.AttributeType.STRING },
          projectionType: dynamodb.ProjectionType.ALL,
        },
      ],
    });
  }
}

function validateReplicaRegions(scope: Construct, regions: readonly string[]): void {
  if (regions.length === 0) {
    throw new ConstructValidationError(
      scope,
      'global table needs at least one replica region, got none; list 2 or more regions in config',
    );
  }
  const duplicate = regions.find((region, index) => regions.indexOf(region) !== index);
  if (duplicate !== undefined) {
    throw new ConstructValidationError(
      scope,
      `global table replica region ${duplicate} is listed twice; list each region once`,
    );
  }
}
