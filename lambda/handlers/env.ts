/** Reading a function's environment, shared by every Lambda entry (kept free of other imports). */

/** Thrown when a function's environment is incomplete: a deploy bug, reported at cold start. */
export class RuntimeConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RuntimeConfigError';
  }
}

/** One required environment variable of a function, trimmed; a missing one is a deploy bug. */
export function requiredEnv(env: Record<string, string | undefined>, name: string): string {
  const value = env[name];
  if (value === undefined || value.trim() === '') {
    throw new RuntimeConfigError(`environment variable ${name} is missing; redeploy the stack`);
  }
  return value.trim();
}
