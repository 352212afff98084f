import { ArnFormat, CfnOutput, RemovalPolicy, Stack, Token, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { ConstructValidationError } from './validation';

/** Name of the secret holding the session-token signing key, the same in every region. */
export function sessionKeySecretName(appName: string): string {
  return `${appName}/session-key`;
}

/**
 * ARN pattern of the session key's replica in the scope's region, built from the name (Secrets
 * Manager appends `-` and six random characters), so a region stack can grant access without a
 * reference to the data stack in another region.
 */
export function sessionKeySecretArnPattern(scope: Construct, secretName: string): string {
  return Stack.of(scope).formatArn({
    service: 'secretsmanager',
    resource: 'secret',
    resourceName: `${secretName}-??????`,
    arnFormat: ArnFormat.COLON_RESOURCE_NAME,
  });
}

/**
 * Allow `grantee` to read the session key's replica in the scope's region, by name.
 * @returns the statement added
 */
export function grantSessionKeyRead(
  scope: Construct,
  grantee: iam.IGrantable,
  secretName: string,
  sid = 'ReadSessionKey',
): iam.PolicyStatement {
  const statement = new iam.PolicyStatement({
    sid,
    actions: ['secretsmanager:GetSecretValue'],
    resources: [sessionKeySecretArnPattern(scope, secretName)],
  });
  grantee.grantPrincipal.addToPrincipalPolicy(statement);
  return statement;
}

/** Minimum generated key length: 48 alphanumerics is about 285 bits of entropy. */
export const MIN_SESSION_KEY_LENGTH = 48;

/** Properties of {@link SessionKey}. */
export interface SessionKeyProps {
  /** Secret name, the same in every region (functions read the local replica by name). */
  readonly secretName: string;
  /** Regions that get a replica besides the stack's own region. */
  readonly replicaRegions: readonly string[];
  /**
   * Length of the generated key, letters and digits only.
   * @default 64
   */
  readonly keyLength?: number;
  /**
   * What the key signs (the secret's description).
   * @default 'Signs session tokens of the active-active API (same key in every region)'
   */
  readonly description?: string;
  /**
   * What happens to the secret when it leaves the stack. Losing it only invalidates live session
   * tokens (clients fall back to a fresh session), so it is not retained like the table.
   * @default RemovalPolicy.DESTROY
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * A signing key (session tokens' read-your-writes watermarks, or the API tokens): one Secrets
 * Manager secret in the stack's region (the data stack's, which never moves) with a replica in
 * every other region, so each region's functions read the same key locally, by name, with no
 * cross-region call or reference.
 *
 * Not rotated automatically: rotation would invalidate every live session token at once. Tokens
 * carry a key id, so a planned rotation is a manual runbook step (add the new key, let old tokens
 * expire, drop the old key).
 */
export class SessionKey extends Construct {
  /** The secret (primary copy). */
  readonly secret: secretsmanager.Secret;
  /** The secret's name. */
  readonly secretName: string;

  constructor(scope: Construct, id: string, props: SessionKeyProps) {
    super(scope, id);
    const keyLength = props.keyLength ?? 64;
    validateKeyLength(this, keyLength);
    validateReplicaRegions(this, props.replicaRegions);
    this.secretName = props.secretName;

    this.secret = new secretsmanager.Secret(this, 'Secret', {
      secretName: props.secretName,
      description:
        props.description ??
        'Signs session tokens of the active-active API (same key in every region)',
      generateSecretString: {
        passwordLength: keyLength,
        excludePunctuation: true,
        includeSpace: false,
      },
      replicaRegions: props.replicaRegions.map((region) => ({ region })),
      removalPolicy: props.removalPolicy ?? RemovalPolicy.DESTROY,
    });
    Validations.of(this.secret).acknowledge({
      id: 'AwsSolutions::AwsSolutions-SMG4',
      reason:
        'Automatic rotation would invalidate every live token signed with the key at once. Tokens carry a key id, so a planned rotation is a manual runbook step (add a key, let old tokens expire, drop the old key).',
    });

    new CfnOutput(this, 'SecretName', { value: props.secretName });
  }
}

function validateKeyLength(scope: Construct, keyLength: number): void {
  if (Token.isUnresolved(keyLength)) return;
  if (!Number.isInteger(keyLength) || keyLength < MIN_SESSION_KEY_LENGTH || keyLength > 4096) {
    throw new ConstructValidationError(
      scope,
      `session key length must be an integer ${MIN_SESSION_KEY_LENGTH}-4096, got ${keyLength}`,
    );
  }
}

function validateReplicaRegions(scope: Construct, regions: readonly string[]): void {
  const ownRegion = Stack.of(scope).region;
  const duplicate = regions.find((region, index) => regions.indexOf(region) !== index);
  if (duplicate !== undefined) {
    throw new ConstructValidationError(
      scope,
      `session key replica region ${duplicate} is listed twice; list each region once`,
    );
  }
  if (!Token.isUnresolved(ownRegion) && regions.includes(ownRegion)) {
    throw new ConstructValidationError(
      scope,
      `session key replica region ${ownRegion} is the stack's own region; list only the other regions`,
    );
  }
}
