/**
 * One environment per function inside one process: Lambda gives each function its own
 * environment (the template's `Environment.Variables`), while a region host runs all of a
 * region's functions. `process.env` becomes a view that shows, to code running for a function
 * (an invocation, or the import of its bundle), that function's variables over the host's base
 * environment; the async context carries which function that is.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

type Env = Record<string, string | undefined>;

const current = new AsyncLocalStorage<Env>();
/** The environment of the bundle being imported (module evaluation may not carry the context). */
let importing: Env | undefined;

function overlay(): Env | undefined {
  return current.getStore() ?? importing;
}

/** Make `process.env` per-function. Call once, before any bundle is loaded. */
export function installFunctionEnvironments(): void {
  const base = process.env as Env;
  process.env = new Proxy(base, {
    get(target, key) {
      if (typeof key !== 'string') return undefined;
      const own = overlay();
      return own !== undefined && Object.hasOwn(own, key) ? own[key] : target[key];
    },
    set(target, key, value) {
      if (typeof key !== 'string') return false;
      (overlay() ?? target)[key] = String(value);
      return true;
    },
    deleteProperty(target, key) {
      if (typeof key !== 'string') return false;
      const own = overlay();
      if (own !== undefined) delete own[key];
      else delete target[key];
      return true;
    },
    has(target, key) {
      if (typeof key !== 'string') return false;
      const own = overlay();
      return (own !== undefined && Object.hasOwn(own, key)) || key in target;
    },
    ownKeys(target) {
      return [...new Set([...Object.keys(target), ...Object.keys(overlay() ?? {})])];
    },
    getOwnPropertyDescriptor(target, key) {
      if (typeof key !== 'string') return undefined;
      const own = overlay();
      const value = own !== undefined && Object.hasOwn(own, key) ? own[key] : target[key];
      if (value === undefined) return undefined;
      return { value, writable: true, enumerable: true, configurable: true };
    },
  }) as NodeJS.ProcessEnv;
}

/** Run `fn` (and everything it starts) with `env` as the function's environment. */
export function runWithEnvironment<T>(env: Env, fn: () => T): T {
  return current.run(env, fn);
}

/** Import a bundle with `env` visible to its top-level code. Imports must not overlap. */
export async function importWithEnvironment(env: Env, url: string): Promise<unknown> {
  importing = env;
  try {
    return await current.run(env, () => import(url));
  } finally {
    importing = undefined;
  }
}
