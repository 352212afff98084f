/** Ways a drill takes a region out of DNS. */
export const DRILL_METHODS = ['invert', 'drain'] as const;

/**
 * `invert`: UpdateHealthCheck `Inverted` (Route 53 control plane, us-east-1).
 * `drain`: the region's DynamoDB drain flag makes its `/health` answer 503 (data plane only).
 */
export type DrillMethod = (typeof DRILL_METHODS)[number];

/** Whether a string names a drill method. */
export function isDrillMethod(value: string): value is DrillMethod {
  return (DRILL_METHODS as readonly string[]).includes(value);
}
