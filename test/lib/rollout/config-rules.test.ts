import { buildApp } from '../../../lib/app';
import { ConfigError, type AppConfigInput } from '../../../lib/config';
import { testApp, testConfig } from '../../helpers/app';

describe('rollout rules stop synth as one config line', () => {
  const build = (rollout: AppConfigInput['rollout']) => () =>
    buildApp(testApp(), testConfig({ rollout }));

  test('a domain ahead of active-passive DNS', () => {
    // GIVEN counters at read-local while the global phase is active-passive
    const attempt = build({ phase: 'active-passive', domains: { counters: 'read-local' } });
    // THEN
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(
      'activeActive.rollout.domains.counters is read-local but rollout.phase is active-passive: while DNS is active-passive the secondaries are standbys and no domain may write there; promote rollout.phase to read-local first, or set rollout.domains.counters to active-passive',
    );
  });

  test('an owner-only class listed for limited-write', () => {
    expect(build({ phase: 'limited-write', limitedWriteClasses: ['profile.put'] })).toThrow(
      /^activeActive\.rollout\.limitedWriteClasses: limited write class 'profile\.put' is owner-only/,
    );
  });

  test('a domain behind the global phase is fine (e.g. the ledger held at active-passive)', () => {
    expect(build({ phase: 'active-active', domains: { ledger: 'active-passive' } })).not.toThrow();
  });
});
