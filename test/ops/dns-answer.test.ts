import { KNOWN_REGIONS } from '../../lib/config/regions';
import { answerExcludes, answerIncludes, regionsInAnswer } from '../../lib/ops/dns-answer';
import { vantagePointsFor, VANTAGE_SUBNETS } from '../../lib/ops/vantage-points';

const REGIONS = ['us-east-1', 'eu-west-1'];
const PRINTS = { 'us-east-1': ['3.3.3.3', '3.3.3.4'], 'eu-west-1': ['5.5.5.5'] };

describe('regionsInAnswer', () => {
  test('maps IP addresses through the fingerprints', () => {
    expect(regionsInAnswer(['3.3.3.4'], PRINTS, REGIONS)).toEqual({
      regions: ['us-east-1'],
      unknown: [],
    });
  });

  test('maps names that contain the region (CNAME targets)', () => {
    expect(
      regionsInAnswer(
        ['d-abc.execute-api.eu-west-1.amazonaws.com.', 'us-east-1.api.example.com'],
        {},
        REGIONS,
      ),
    ).toEqual({ regions: ['us-east-1', 'eu-west-1'], unknown: [] });
  });

  test('keeps unknown values apart, and an answer with unknowns never counts as excluding', () => {
    const answer = regionsInAnswer(['9.9.9.9', '3.3.3.3'], PRINTS, REGIONS);

    expect(answer).toEqual({ regions: ['us-east-1'], unknown: ['9.9.9.9'] });
    expect(answerExcludes(answer, 'eu-west-1')).toBe(false);
    expect(answerIncludes(answer, 'us-east-1')).toBe(true);
  });

  test('an empty answer neither includes nor excludes', () => {
    const answer = regionsInAnswer([], PRINTS, REGIONS);

    expect(answerExcludes(answer, 'eu-west-1')).toBe(false);
    expect(answerIncludes(answer, 'eu-west-1')).toBe(false);
  });
});

describe('vantage points', () => {
  test('every vantage is a known region with a /24 network address', () => {
    for (const [region, subnet] of Object.entries(VANTAGE_SUBNETS)) {
      expect(KNOWN_REGIONS).toContain(region);
      expect(subnet).toMatch(/^\d{1,3}\.\d{1,3}\.\d{1,3}\.0$/);
    }
  });

  test('regions without a vantage are listed apart', () => {
    expect(vantagePointsFor(['eu-west-1', 'xx-test-1'])).toEqual({
      vantages: [{ region: 'eu-west-1', clientSubnet: '54.246.90.0', mask: 24 }],
      missing: ['xx-test-1'],
    });
  });

  test('every region the config accepts has one (ap-east-2, ap-southeast-5/7, mx-central-1 too)', () => {
    expect(vantagePointsFor(KNOWN_REGIONS).missing).toEqual([]);
  });
});
