/**
 * Monthly S3 cost of the seed's usage levels, computed from a bucket's lifecycle rules as
 * CloudFormation states them (so the README table follows the synthesized template, not prose).
 * Pure: no AWS, no CDK; tools/cost.ts feeds it the real template.
 *
 * Model (steady state): a workload writes data evenly and keeps `horizonDays` of history. Without
 * lifecycle rules all of it sits in STANDARD. With them, data of age [a, b) days sits in the class
 * the rule assigns to that age, and data past the rule's expiration is gone. Each object is written
 * once (PUT) and makes one transition request per transition it reaches. Ignored, and said so in
 * the table's notes: minimum storage durations and object sizes of IA/Glacier, retrievals, KMS
 * requests (S3 Bucket Keys make them negligible) and noncurrent versions (no overwrites assumed).
 */

export type StorageClass = 'STANDARD' | 'STANDARD_IA' | 'ONEZONE_IA' | 'INTELLIGENT_TIERING' | 'GLACIER_IR' | 'GLACIER' | 'DEEP_ARCHIVE';
const STORAGE_CLASSES: readonly StorageClass[] = ['STANDARD', 'STANDARD_IA', 'ONEZONE_IA', 'INTELLIGENT_TIERING', 'GLACIER_IR', 'GLACIER', 'DEEP_ARCHIVE'];

export interface LifecycleRule {
  readonly id: string;
  /** Undefined: the rule applies to every key. */
  readonly prefix?: string;
  readonly transitions: ReadonlyArray<{ readonly days: number; readonly storageClass: StorageClass }>;
  readonly expirationDays?: number;
  readonly noncurrentExpirationDays?: number;
  readonly abortMultipartDays?: number;
}

export interface Prices {
  readonly region: string;
  readonly source: string;
  /** USD per GB-month. */
  readonly storage: Readonly<Partial<Record<StorageClass, number>>>;
  /** USD per 1,000 requests. */
  readonly putPer1000: number;
  readonly getPer1000: number;
  /** USD per 1,000 lifecycle transition requests into the class. */
  readonly transitionPer1000: Readonly<Partial<Record<StorageClass, number>>>;
}

/**
 * Amazon S3 list prices for EU (Frankfurt), eu-central-1, first 50 TB tier, as published on
 * https://aws.amazon.com/s3/pricing/ (Storage, Requests & data retrievals, Lifecycle transitions).
 * Prices change: re-check that page before quoting the table.
 */
export const EU_CENTRAL_1_PRICES: Prices = {
  region: 'eu-central-1',
  source: 'https://aws.amazon.com/s3/pricing/ (EU (Frankfurt))',
  storage: { STANDARD: 0.0245, STANDARD_IA: 0.0135, GLACIER: 0.0045, DEEP_ARCHIVE: 0.0018 },
  putPer1000: 0.0054,
  getPer1000: 0.00043,
  transitionPer1000: { STANDARD_IA: 0.01, GLACIER: 0.036, DEEP_ARCHIVE: 0.06 },
};

export interface UsageLevel {
  readonly name: string;
  readonly storedGb: number;
  /** Requests per month, half PUT (new objects) and half GET. */
  readonly requestsPerMonth: number;
}

/** The seed's usage levels ("Cost-Benefit Analysis"). */
export const SEED_USAGE_LEVELS: readonly UsageLevel[] = [
  { name: 'Personal', storedGb: 10, requestsPerMonth: 1_000 },
  { name: 'Small Team', storedGb: 100, requestsPerMonth: 10_000 },
  { name: 'Medium', storedGb: 1_000, requestsPerMonth: 100_000 },
  { name: 'Large', storedGb: 10_000, requestsPerMonth: 1_000_000 },
];

type Json = Record<string, unknown>;

function positiveInt(v: unknown, what: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) throw new Error(`lifecycle rule: ${what} must be a whole number of days, got ${JSON.stringify(v)}`);
  return v;
}

function storageClass(v: unknown): StorageClass {
  if (!STORAGE_CLASSES.includes(v as StorageClass)) throw new Error(`lifecycle rule: unknown storage class ${JSON.stringify(v)}; expected one of ${STORAGE_CLASSES.join(', ')}`);
  return v as StorageClass;
}

/** Reads `LifecycleConfiguration.Rules` of an AWS::S3::Bucket's Properties; disabled rules are skipped. */
export function lifecycleRulesFromCfn(bucketProperties: Json): LifecycleRule[] {
  const config = bucketProperties.LifecycleConfiguration as { Rules?: Json[] } | undefined;
  return (config?.Rules ?? [])
    .filter((r) => r.Status !== 'Disabled')
    .map((r) => {
      const filter = r.Filter as { Prefix?: string } | undefined;
      const prefix = (r.Prefix as string | undefined) ?? filter?.Prefix;
      const transitions = ((r.Transitions as Json[] | undefined) ?? []).map((t) => {
        if (t.TransitionDate !== undefined) throw new Error(`lifecycle rule ${String(r.Id)}: date-based transitions cannot be costed; use TransitionInDays`);
        return { days: positiveInt(t.TransitionInDays, 'TransitionInDays'), storageClass: storageClass(t.StorageClass) };
      });
      const nc = r.NoncurrentVersionExpiration as { NoncurrentDays?: number } | undefined;
      const abort = r.AbortIncompleteMultipartUpload as { DaysAfterInitiation?: number } | undefined;
      return {
        id: String(r.Id ?? ''),
        prefix: prefix || undefined,
        transitions: [...transitions].sort((a, b) => a.days - b.days),
        expirationDays: r.ExpirationInDays === undefined ? undefined : positiveInt(r.ExpirationInDays, 'ExpirationInDays'),
        noncurrentExpirationDays: nc?.NoncurrentDays === undefined ? undefined : positiveInt(nc.NoncurrentDays, 'NoncurrentDays'),
        abortMultipartDays: abort?.DaysAfterInitiation === undefined ? undefined : positiveInt(abort.DaysAfterInitiation, 'DaysAfterInitiation'),
      };
    });
}

/** The storage-class timeline of a key: the most specific matching rules' transitions and expiration. */
export function timelineFor(key: string, rules: readonly LifecycleRule[]): { transitions: LifecycleRule['transitions']; expirationDays?: number } {
  const matching = rules.filter((r) => r.prefix === undefined || key.startsWith(r.prefix));
  const transitions = matching.flatMap((r) => r.transitions).sort((a, b) => a.days - b.days);
  const expirations = matching.map((r) => r.expirationDays).filter((d): d is number => d !== undefined);
  return { transitions, expirationDays: expirations.length ? Math.min(...expirations) : undefined };
}

export interface CostBreakdown {
  readonly storage: number;
  readonly requests: number;
  readonly transitions: number;
  readonly total: number;
  /** GB actually stored in steady state, per class. */
  readonly gbByClass: Readonly<Partial<Record<StorageClass, number>>>;
}

/**
 * Monthly cost of `usage` for data written under `key` (for example `sessions/x.json`). `rules`
 * empty means no lifecycle: everything stays in STANDARD for the whole horizon.
 */
export function monthlyCost(usage: UsageLevel, key: string, rules: readonly LifecycleRule[], prices: Prices, horizonDays = 365): CostBreakdown {
  const { transitions, expirationDays } = timelineFor(key, rules);
  const end = Math.min(expirationDays ?? horizonDays, horizonDays);
  const stages: Array<{ from: number; cls: StorageClass }> = [{ from: 0, cls: 'STANDARD' }, ...transitions.map((t) => ({ from: t.days, cls: t.storageClass }))];
  const gbByClass: Partial<Record<StorageClass, number>> = {};
  let storage = 0;
  stages.forEach((s, i) => {
    const to = Math.min(stages[i + 1]?.from ?? end, end);
    const days = Math.max(0, to - Math.min(s.from, end));
    if (days === 0) return;
    const gb = (usage.storedGb * days) / horizonDays;
    gbByClass[s.cls] = (gbByClass[s.cls] ?? 0) + gb;
    storage += gb * priceOf(prices.storage, s.cls, 'storage');
  });
  const puts = usage.requestsPerMonth / 2;
  const gets = usage.requestsPerMonth - puts;
  const requests = (puts / 1000) * prices.putPer1000 + (gets / 1000) * prices.getPer1000;
  const transitionCost = transitions
    .filter((t) => t.days < end)
    .reduce((sum, t) => sum + (puts / 1000) * priceOf(prices.transitionPer1000, t.storageClass, 'transition'), 0);
  return { storage, requests, transitions: transitionCost, total: storage + requests + transitionCost, gbByClass };
}

function priceOf(table: Prices['storage'], cls: StorageClass, what: string): number {
  const p = table[cls];
  if (p === undefined) throw new Error(`no ${what} price for ${cls}: add it to the price table in lib/cost/lifecycle-cost.ts`);
  return p;
}

const usd = (n: number) => (n < 10 ? `$${n.toFixed(2)}` : `$${n.toFixed(0)}`);
const gb = (n: number) => (n >= 1000 ? `${n / 1000} TB` : `${n} GB`);

/** The README table: each level without lifecycle, and with the rules for sessions/ and logs/. */
export function costTable(rules: readonly LifecycleRule[], prices: Prices, levels: readonly UsageLevel[] = SEED_USAGE_LEVELS): string {
  const describe = (key: string) => {
    const t = timelineFor(key, rules);
    const steps = t.transitions.map((x) => `${x.storageClass} at ${x.days} d`);
    if (t.expirationDays !== undefined) steps.push(`expire at ${t.expirationDays} d`);
    return steps.join(', ') || 'no rule';
  };
  const lines = [
    `| Usage level | Stored | Requests/month | Without lifecycle | sessions/ with lifecycle | Saving | logs/ with lifecycle | Saving |`,
    `|---|---:|---:|---:|---:|---:|---:|---:|`,
  ];
  for (const level of levels) {
    const plain = monthlyCost(level, 'sessions/x', [], prices).total;
    const sessions = monthlyCost(level, 'sessions/x', rules, prices).total;
    const logs = monthlyCost(level, 'logs/x', rules, prices).total;
    const pct = (v: number) => `${Math.round((1 - v / plain) * 100)}%`;
    lines.push(`| ${level.name} | ${gb(level.storedGb)} | ${level.requestsPerMonth.toLocaleString('en-US')} | ${usd(plain)} | ${usd(sessions)} | ${pct(sessions)} | ${usd(logs)} | ${pct(logs)} |`);
  }
  lines.push(
    '',
    `Rules read from the synthesized template: sessions/ → ${describe('sessions/x')}; logs/ → ${describe('logs/x')}.`,
    `Prices: ${prices.region}, ${prices.source}. Steady state with one year of history; requests half PUT, half GET; ` +
      'excludes retrievals, minimum storage durations, KMS requests (Bucket Keys) and noncurrent versions.',
  );
  return lines.join('\n');
}
