/**
 * Durations as people type them on the command line (`90s`, `5m`, `1h30m`, `250ms`), kept as
 * milliseconds inside the CLI.
 */

const UNIT_MS: Readonly<Record<string, number>> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
};
const PART = /(\d+(?:\.\d+)?)(ms|s|m|h|d)/g;
const WHOLE = /^(?:\d+(?:\.\d+)?(?:ms|s|m|h|d))+$/;

/** Parse `250ms`, `30s`, `5m`, `1h30m`, `7d` (or a bare number of seconds) into milliseconds. */
export function parseDuration(text: string): number | undefined {
  const value = text.trim();
  if (/^\d+(\.\d+)?$/.test(value)) return Math.round(Number(value) * 1000);
  if (!WHOLE.test(value)) return undefined;
  let total = 0;
  for (const match of value.matchAll(PART)) {
    const [, amount, unit] = match;
    total += Number(amount) * (UNIT_MS[unit ?? 's'] ?? 1000);
  }
  return Math.round(total);
}

/** Seconds with one decimal, for reports: 12345 ms -> 12.3. */
export function toSeconds(ms: number): number {
  return Math.round(ms / 100) / 10;
}

/** A short human duration: `45s`, `5m`, `1h2m`, `250ms`. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  const totalSeconds = Math.round(ms / 1000);
  const hours = Math.floor(totalSeconds / 3600);
  const minutes = Math.floor((totalSeconds % 3600) / 60);
  const seconds = totalSeconds % 60;
  const parts = [
    hours > 0 ? `${hours}h` : '',
    minutes > 0 ? `${minutes}m` : '',
    seconds > 0 || (hours === 0 && minutes === 0) ? `${seconds}s` : '',
  ];
  return parts.join('');
}

/** A timestamp without milliseconds: `2025-01-01T12:00:00Z`. */
export function isoSeconds(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
