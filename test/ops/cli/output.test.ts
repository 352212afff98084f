import { ConfigError } from '../../../lib/config/load';
import { resolveEndpointUrl } from '../../../lib/ops/cli/aws-clients';
import { describeError } from '../../../lib/ops/cli/errors';
import { CliError } from '../../../lib/ops/cli/exit-codes';
import { colorEnabled, COLORS, formatTable, visibleWidth } from '../../../lib/ops/cli/output';
import { LockHeldError } from '../../../lib/ops/drill/lock';
import { awsError } from '../support/fake-world';

describe('formatTable', () => {
  test('aligns columns, ignoring colour codes', () => {
    const table = formatTable(
      ['A', 'LONG HEADER'],
      [
        [COLORS.red('xx'), '1'],
        ['y', '22'],
      ],
    );

    // eslint-disable-next-line no-control-regex -- stripping ANSI colour codes
    expect(table.replace(/\u001b\[[0-9;]*m/g, '')).toBe('A   LONG HEADER\nxx  1\ny   22');
    expect(visibleWidth(COLORS.green('abc'))).toBe(3);
  });
});

describe('colorEnabled', () => {
  const tty = { write: () => true, isTTY: true };
  const pipe = { write: () => true, isTTY: false };

  test.each([
    [tty, {}, true, true],
    [pipe, {}, true, false],
    [tty, { NO_COLOR: '1' }, true, false],
    [tty, {}, false, false],
    [tty, { TERM: 'dumb' }, true, false],
    [pipe, { FORCE_COLOR: '1' }, true, true],
    [pipe, { FORCE_COLOR: '0' }, true, false],
  ])('%#', (stream, env, flag, expected) => {
    expect(colorEnabled(stream, env, flag)).toBe(expected);
  });
});

describe('resolveEndpointUrl', () => {
  test('the flag wins over AACTL_ENDPOINT_URL; blank means none', () => {
    expect(resolveEndpointUrl('http://a', { AACTL_ENDPOINT_URL: 'http://b' })).toBe('http://a');
    expect(resolveEndpointUrl(undefined, { AACTL_ENDPOINT_URL: 'http://b' })).toBe('http://b');
    expect(resolveEndpointUrl(undefined, { AACTL_ENDPOINT_URL: ' ' })).toBeUndefined();
  });
});

describe('describeError', () => {
  test.each([
    [new CliError('x; do y', 3), 'x; do y', 3],
    [
      new ConfigError('activeActive.regions needs at least 2 regions, got ["a"]'),
      'activeActive.regions needs at least 2 regions, got ["a"]',
      2,
    ],
    [new LockHeldError('held'), 'held', 4],
    [
      awsError('HealthCheckVersionMismatch'),
      'the health check was changed by someone else meanwhile (HealthCheckVersionMismatch); run aactl status and retry',
      1,
    ],
    [
      Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5000'), { code: 'ECONNREFUSED' }),
      'cannot connect to http://127.0.0.1:5000 (connection refused); start the emulator or fix --endpoint-url / AACTL_ENDPOINT_URL',
      1,
    ],
    [
      new TypeError('boom\nstack'),
      'unexpected error: TypeError: boom; rerun, and if it persists report it with this line',
      1,
    ],
  ])('%#', (error, message, exitCode) => {
    expect(describeError(error, { endpointUrl: 'http://127.0.0.1:5000' })).toEqual({
      message,
      exitCode,
    });
  });
});
