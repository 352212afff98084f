/**
 * What the sandbox reads from a SigV4 `Authorization` header: the credential scope (access key,
 * region, service). Signatures are not checked: the sandbox holds no secrets worth guarding and
 * listens on 127.0.0.1 only.
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-create-signed-request.html
 */

/** The credential scope of a signed request. */
export interface CredentialScope {
  readonly accessKeyId: string;
  readonly date: string;
  readonly region: string;
  readonly service: string;
}

const CREDENTIAL = /Credential=([^/,\s]+)\/(\d{8})\/([^/,\s]+)\/([^/,\s]+)\/aws4_request/;

/** The credential scope of an `Authorization` header, or undefined when it has none. */
export function credentialScopeOf(authorization: string | undefined): CredentialScope | undefined {
  const match = CREDENTIAL.exec(authorization ?? '');
  if (match === null) return undefined;
  const [, accessKeyId, date, region, service] = match as unknown as [
    string,
    string,
    string,
    string,
    string,
  ];
  return { accessKeyId, date, region, service };
}

/** The header with its access key replaced (DynamoDB Local keeps one database per key). */
export function withAccessKey(authorization: string, accessKeyId: string): string {
  return authorization.replace(/Credential=[^/,\s]+\//, `Credential=${accessKeyId}/`);
}
