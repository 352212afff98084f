import type { AwsStub } from 'aws-sdk-client-mock';

/**
 * Exact assertions on aws-sdk-client-mock calls: `toHaveReceivedCommandWith` matches partially,
 * these return the whole inputs so tests can `toEqual` them.
 */

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- AwsStub's type parameters vary per client
type AnyStub = AwsStub<any, any, any>;

/** Names of the commands sent, in order. */
export function commandNames(stub: AnyStub): string[] {
  return stub.calls().map((call) => (call.args[0] as object).constructor.name);
}

/** Inputs of every call of one command, in order. */
export function inputsOf(
  stub: AnyStub,
  command: abstract new (...args: never[]) => unknown,
): unknown[] {
  return stub
    .calls()
    .filter((call) => call.args[0] instanceof command)
    .map((call) => (call.args[0] as { input: unknown }).input);
}
