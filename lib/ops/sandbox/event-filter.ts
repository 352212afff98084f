/**
 * Lambda event filtering, as an event source mapping applies its `FilterCriteria` to stream
 * records: a record passes when it matches any pattern; a pattern matches when every key it names
 * matches (nested objects recurse, a list lists the accepted values or matchers).
 * @see https://docs.aws.amazon.com/lambda/latest/dg/invocation-eventfiltering.html
 */

/** Whether `event` matches any of `patterns` (no patterns: everything passes). */
export function passesFilters(event: unknown, patterns: readonly unknown[]): boolean {
  return patterns.length === 0 || patterns.some((pattern) => matchesPattern(event, pattern));
}

/** Whether `event` matches one pattern. */
export function matchesPattern(event: unknown, pattern: unknown): boolean {
  if (typeof pattern !== 'object' || pattern === null || Array.isArray(pattern)) return false;
  return Object.entries(pattern as Record<string, unknown>).every(([key, rule]) => {
    const value =
      typeof event === 'object' && event !== null
        ? (event as Record<string, unknown>)[key]
        : undefined;
    if (Array.isArray(rule)) return rule.some((matcher) => matchesValue(value, matcher));
    return value !== undefined && matchesPattern(value, rule);
  });
}

function matchesValue(value: unknown, matcher: unknown): boolean {
  if (matcher === null || typeof matcher !== 'object') {
    return Array.isArray(value) ? value.includes(matcher) : value === matcher;
  }
  const [operator, argument] = Object.entries(matcher as Record<string, unknown>)[0] ?? [];
  switch (operator) {
    case 'exists':
      return argument === true ? value !== undefined : value === undefined;
    case 'prefix':
      return typeof value === 'string' && value.startsWith(String(argument));
    case 'suffix':
      return typeof value === 'string' && value.endsWith(String(argument));
    case 'equals-ignore-case':
      return typeof value === 'string' && value.toLowerCase() === String(argument).toLowerCase();
    case 'anything-but': {
      const excluded = Array.isArray(argument) ? argument : [argument];
      return value !== undefined && !excluded.includes(value);
    }
    case 'numeric': {
      const conditions = argument as (string | number)[];
      if (typeof value !== 'number') return false;
      for (let index = 0; index + 1 < conditions.length; index += 2) {
        const limit = Number(conditions[index + 1]);
        const ok = {
          '<': value < limit,
          '<=': value <= limit,
          '=': value === limit,
          '>': value > limit,
          '>=': value >= limit,
        }[String(conditions[index]) as '<'];
        if (ok !== true) return false;
      }
      return true;
    }
    default:
      return false;
  }
}
