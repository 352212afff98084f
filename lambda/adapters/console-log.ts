/**
 * Logs of the functions kept small on purpose (the health function, the authorizer, the custom
 * resources): one JSON line per event, in the shape Powertools' Logger writes (`level`, `message`,
 * then the details) without its weight, through the console method of that level so Lambda's own
 * JSON log format files it under the same level. Functions that publish metrics log through
 * ./observability.ts instead.
 */
import type { Log } from '../app/ports';

function line(
  write: (text: string) => void,
  level: 'INFO' | 'WARN' | 'ERROR',
): (message: string, details?: Record<string, unknown>) => void {
  return (message, details = {}) => write(JSON.stringify({ level, message, ...details }));
}

/** Structured logging on the console. */
export const consoleLog: Log = {
  info: line((text) => console.info(text), 'INFO'),
  warn: line((text) => console.warn(text), 'WARN'),
  error: line((text) => console.error(text), 'ERROR'),
};
