/**
 * Snapshot serializer that replaces asset hashes (64 hex characters, alone or inside S3 keys and
 * asset parameter names) with a stable marker, so snapshots change only when the template does.
 */
const ASSET_HASH = /[0-9a-f]{64}/g;

function hasAssetHash(value: unknown): value is string {
  return typeof value === 'string' && /[0-9a-f]{64}/.test(value);
}

const serializer = {
  test: (value: unknown): boolean => hasAssetHash(value),
  serialize: (value: string): string => JSON.stringify(value.replace(ASSET_HASH, '[ASSET-HASH]')),
};

export = serializer;
