import {
  EU_CENTRAL_1_PRICES as P,
  LifecycleRule,
  UsageLevel,
  costTable,
  lifecycleRulesFromCfn,
  monthlyCost,
} from '../../lib/cost/lifecycle-cost';
import { storageBucketProperties } from '../../tools/cost';

const SMALL_TEAM: UsageLevel = { name: 'Small Team', storedGb: 100, requestsPerMonth: 10_000 };
const requests = (5_000 / 1000) * P.putPer1000 + (5_000 / 1000) * P.getPer1000;

function sessionsRule(iaDays: number, glacierDays: number): LifecycleRule {
  return {
    id: 's',
    prefix: 'sessions/',
    transitions: [
      { days: iaDays, storageClass: 'STANDARD_IA' },
      { days: glacierDays, storageClass: 'GLACIER' },
    ],
  };
}

describe('lifecycle rules read from CloudFormation', () => {
  test('prefix, Filter.Prefix, transitions, expirations and multipart abort are read; disabled rules are skipped', () => {
    const rules = lifecycleRulesFromCfn({
      LifecycleConfiguration: {
        Rules: [
          { Id: 'a', Prefix: 'sessions/', Status: 'Enabled', Transitions: [{ StorageClass: 'GLACIER', TransitionInDays: 90 }, { StorageClass: 'STANDARD_IA', TransitionInDays: 30 }] },
          { Id: 'b', Filter: { Prefix: 'logs/' }, Status: 'Enabled', ExpirationInDays: 90 },
          { Id: 'c', Status: 'Enabled', NoncurrentVersionExpiration: { NoncurrentDays: 30 }, AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 } },
          { Id: 'd', Prefix: 'tmp/', Status: 'Disabled', ExpirationInDays: 1 },
        ],
      },
    });
    expect(rules).toEqual([
      { id: 'a', prefix: 'sessions/', transitions: [{ days: 30, storageClass: 'STANDARD_IA' }, { days: 90, storageClass: 'GLACIER' }], expirationDays: undefined, noncurrentExpirationDays: undefined, abortMultipartDays: undefined },
      { id: 'b', prefix: 'logs/', transitions: [], expirationDays: 90, noncurrentExpirationDays: undefined, abortMultipartDays: undefined },
      { id: 'c', prefix: undefined, transitions: [], expirationDays: undefined, noncurrentExpirationDays: 30, abortMultipartDays: 7 },
    ]);
  });

  test('date-based transitions and unknown storage classes are refused with a clear message', () => {
    expect(() => lifecycleRulesFromCfn({ LifecycleConfiguration: { Rules: [{ Id: 'x', Transitions: [{ StorageClass: 'GLACIER', TransitionDate: '2030-01-01' }] }] } })).toThrow(
      'lifecycle rule x: date-based transitions cannot be costed; use TransitionInDays',
    );
    expect(() => lifecycleRulesFromCfn({ LifecycleConfiguration: { Rules: [{ Id: 'x', Transitions: [{ StorageClass: 'TAPE', TransitionInDays: 1 }] }] } })).toThrow(/unknown storage class "TAPE"/);
  });
});

describe('monthly cost responds to the lifecycle configuration', () => {
  test('without rules everything stays in STANDARD', () => {
    expect(monthlyCost(SMALL_TEAM, 'sessions/a', [], P).total).toBeCloseTo(100 * 0.0245 + requests, 10);
  });

  test('the seed sessions/ rule: 30 days STANDARD, 60 days STANDARD_IA, the rest of the year GLACIER, plus two transitions per object', () => {
    const c = monthlyCost(SMALL_TEAM, 'sessions/a', [sessionsRule(30, 90)], P);
    expect(c.storage).toBeCloseTo((100 * (30 * 0.0245 + 60 * 0.0135 + 275 * 0.0045)) / 365, 10);
    expect(c.transitions).toBeCloseTo(5 * (0.01 + 0.036), 10);
    expect(c.gbByClass).toEqual({ STANDARD: (100 * 30) / 365, STANDARD_IA: (100 * 60) / 365, GLACIER: (100 * 275) / 365 });
  });

  test('a later STANDARD_IA transition costs more', () => {
    expect(monthlyCost(SMALL_TEAM, 'sessions/a', [sessionsRule(60, 90)], P).storage).toBeGreaterThan(monthlyCost(SMALL_TEAM, 'sessions/a', [sessionsRule(30, 90)], P).storage);
  });

  test('an earlier GLACIER transition costs less', () => {
    expect(monthlyCost(SMALL_TEAM, 'sessions/a', [sessionsRule(30, 60)], P).storage).toBeLessThan(monthlyCost(SMALL_TEAM, 'sessions/a', [sessionsRule(30, 90)], P).storage);
  });

  test('logs/ expiration keeps only the data younger than the expiration', () => {
    const logs = (days: number): LifecycleRule[] => [{ id: 'l', prefix: 'logs/', transitions: [], expirationDays: days }];
    expect(monthlyCost(SMALL_TEAM, 'logs/a', logs(90), P).storage).toBeCloseTo((100 * 90 * 0.0245) / 365, 10);
    expect(monthlyCost(SMALL_TEAM, 'logs/a', logs(30), P).storage).toBeCloseTo((100 * 30 * 0.0245) / 365, 10);
  });

  test('a rule for another prefix does not change the cost', () => {
    expect(monthlyCost(SMALL_TEAM, 'datasets/a', [sessionsRule(30, 90)], P).total).toBeCloseTo(monthlyCost(SMALL_TEAM, 'datasets/a', [], P).total, 10);
  });

  test('transitions after expiration are never charged', () => {
    const r: LifecycleRule = { id: 'x', prefix: 'sessions/', transitions: [{ days: 90, storageClass: 'GLACIER' }], expirationDays: 60 };
    expect(monthlyCost(SMALL_TEAM, 'sessions/a', [r], P).transitions).toBe(0);
  });

  test('a class without a price is an error naming the file to fix', () => {
    const r: LifecycleRule = { id: 'x', transitions: [{ days: 1, storageClass: 'ONEZONE_IA' }] };
    expect(() => monthlyCost(SMALL_TEAM, 'a', [r], P)).toThrow('no storage price for ONEZONE_IA: add it to the price table in lib/cost/lifecycle-cost.ts');
  });
});

describe('npm run cost', () => {
  test('the table is computed from the synthesized storage template: the seed rules, all four usage levels', () => {
    const table = costTable(lifecycleRulesFromCfn(storageBucketProperties()), P);
    expect(table).toContain('sessions/ → STANDARD_IA at 30 d, GLACIER at 90 d; logs/ → expire at 90 d.');
    for (const level of ['| Personal | 10 GB | 1,000 |', '| Small Team | 100 GB | 10,000 |', '| Medium | 1 TB | 100,000 |', '| Large | 10 TB | 1,000,000 |']) {
      expect(table).toContain(level);
    }
    expect(table).toContain('| Small Team | 100 GB | 10,000 | $2.48 | $1.02 | 59% | $0.63 | 74% |');
  }, 180_000);
});
