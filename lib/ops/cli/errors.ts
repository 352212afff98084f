import { ConfigError } from '../../config/load';
import { CallTimeoutError } from '../call-guard';
import { LockHeldError } from '../drill/lock';
import { CliError, ExitCode } from './exit-codes';

/**
 * Turn any error into one line for people (what went wrong and what to do) and an exit code.
 * AWS SDK errors are recognised by name, so this module needs no SDK import.
 */
export function describeError(
  error: unknown,
  context: { endpointUrl?: string } = {},
): { message: string; exitCode: number } {
  if (error instanceof CliError)
    return { message: oneLine(error.message), exitCode: error.exitCode };
  if (error instanceof ConfigError)
    return { message: oneLine(error.message), exitCode: ExitCode.Usage };
  if (error instanceof LockHeldError) {
    return { message: oneLine(error.message), exitCode: ExitCode.LockHeld };
  }
  if (error instanceof CallTimeoutError) {
    return {
      message: `${oneLine(error.message)}; check the network and ${context.endpointUrl !== undefined ? `that ${context.endpointUrl} answers` : 'AWS status'}, or raise --call-timeout`,
      exitCode: ExitCode.Failed,
    };
  }
  const name = error instanceof Error ? error.name : '';
  const message = error instanceof Error ? error.message : String(error);
  const code = (error as { code?: unknown } | undefined)?.code;
  const where = context.endpointUrl ?? 'AWS';
  const known: Record<string, string> = {
    CredentialsProviderError:
      'no AWS credentials found; set AWS_PROFILE (or run aws sso login), or pass --endpoint-url for a local emulator',
    ExpiredToken: 'your AWS session has expired; log in again (aws sso login) and retry',
    ExpiredTokenException: 'your AWS session has expired; log in again (aws sso login) and retry',
    AccessDenied: `access denied: ${firstLine(message)}; use a role that may call Route 53 (route53:*HealthCheck*, route53:TestDNSAnswer, route53:*Tags*)`,
    AccessDeniedException: `access denied: ${firstLine(message)}; use a role with the permissions listed in docs/drills.md`,
    HealthCheckVersionMismatch:
      'the health check was changed by someone else meanwhile (HealthCheckVersionMismatch); run aactl status and retry',
    NoSuchHealthCheck: `a health check no longer exists (${firstLine(message)}); run aactl status or redeploy the region stack`,
    Throttling: 'Route 53 is throttling requests; wait a minute, or poll less often with --poll',
    ThrottlingException:
      'AWS is throttling requests; wait a minute, or poll less often with --poll',
    ResourceNotFoundException: `${firstLine(message)}; check tableName in cdk.json and that the table has a replica in that region`,
  };
  const hint = known[name];
  if (hint !== undefined) return { message: hint, exitCode: ExitCode.Failed };
  if (name === 'TimeoutError' || code === 'ETIMEDOUT') {
    return {
      message: `no answer from ${where} within --call-timeout (${firstLine(message).replace(/^@smithy\/node-http-handler - \[ERROR\] /, '')}); check the network and --endpoint-url, or raise --call-timeout`,
      exitCode: ExitCode.Failed,
    };
  }
  if (code === 'ECONNREFUSED' || /ECONNREFUSED/.test(message)) {
    return {
      message: `cannot connect to ${where} (connection refused); start the emulator or fix --endpoint-url / AACTL_ENDPOINT_URL`,
      exitCode: ExitCode.Failed,
    };
  }
  if (code === 'ENOTFOUND' || /ENOTFOUND|getaddrinfo/.test(message)) {
    return {
      message: `cannot resolve the ${where} endpoint (${firstLine(message)}); check your network or --endpoint-url`,
      exitCode: ExitCode.Failed,
    };
  }
  const label = name && name !== 'Error' ? `${name}: ` : '';
  return {
    message: `unexpected error: ${label}${firstLine(message)}; rerun, and if it persists report it with this line`,
    exitCode: ExitCode.Failed,
  };
}

function firstLine(text: string): string {
  return text.split('\n')[0]?.trim() ?? '';
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim();
}
