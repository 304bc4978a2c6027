import { randomUUID } from 'node:crypto';
import { LOCAL_ACCOUNT_ID } from '../emulator/clients';
import type { LocalRule } from '../provision';
import type { Activity } from './activity';
import type { DeliveryOutcome, Invoker } from './invoker';
import { parseSchedule, Schedule } from './schedule';

/** Matches a rule by logical id, physical name, or a unique substring of either. */
export function findRule(rules: LocalRule[], query: string): LocalRule {
  const exact = rules.filter((r) => r.logicalId === query || r.name === query);
  const candidates = exact.length ? exact : rules.filter((r) => r.logicalId.includes(query) || r.name.includes(query));
  const describe = () => rules.filter((r) => r.schedule).map((r) => `${r.logicalId} (${r.schedule})`).join(', ') || 'none';
  if (candidates.length === 0) throw new Error(`no rule matches "${query}"; scheduled rules: ${describe()}`);
  if (candidates.length > 1) throw new Error(`"${query}" matches ${candidates.length} rules (${candidates.map((r) => r.logicalId).join(', ')}); be more specific`);
  return candidates[0] as LocalRule;
}

/**
 * EventBridge schedules, which moto stores but never fires: a timer per enabled scheduled rule,
 * each firing the "Scheduled Event" envelope at every function the rule targets; tick() fires one
 * on demand.
 */
export class Scheduler {
  private readonly timers = new Set<NodeJS.Timeout>();
  private running = true;

  constructor(
    private readonly rules: LocalRule[],
    private readonly invoker: Invoker,
    private readonly activity: Activity,
    private readonly output: (line: string) => void,
  ) {}

  start(): void {
    for (const rule of this.rules.filter((r) => r.schedule && r.enabled)) this.arm(rule);
  }

  private arm(rule: LocalRule): void {
    let schedule: Schedule;
    try {
      schedule = parseSchedule(rule.schedule as string);
    } catch (err) {
      this.output(`[schedule] ${rule.logicalId}: ${(err as Error).message}`);
      return;
    }
    const next = (after: Date) => {
      if (!this.running) return;
      const at = schedule.nextFire(after);
      // setTimeout caps at ~24.8 days; re-arm in steps for schedules further out.
      const wait = Math.min(at.getTime() - Date.now(), 2 ** 31 - 1);
      const t = setTimeout(() => {
        this.timers.delete(t);
        if (Date.now() < at.getTime()) return next(after);
        void this.fire(rule).catch((err: Error) => this.output(`[schedule] ${rule.logicalId}: ${err.message}`));
        next(at);
      }, Math.max(0, wait));
      this.timers.add(t);
    };
    next(new Date());
  }

  /** Sends the "Scheduled Event" envelope EventBridge sends to every target of the rule. */
  private async fire(rule: LocalRule): Promise<DeliveryOutcome[]> {
    const event = {
      version: '0',
      id: randomUUID(),
      'detail-type': 'Scheduled Event',
      source: 'aws.events',
      account: LOCAL_ACCOUNT_ID,
      time: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
      region: rule.region,
      resources: [rule.arn],
      detail: {},
    };
    this.activity.begin();
    try {
      return await Promise.all(rule.functions.map((fn) => this.invoker.deliver(fn, event)));
    } finally {
      this.activity.end();
    }
  }

  /** Fires a scheduled rule now and waits until its invocations (with retries) have finished. */
  async tick(query: string): Promise<DeliveryOutcome[]> {
    const rule = findRule(this.rules, query);
    if (!rule.schedule) throw new Error(`rule ${rule.logicalId} has an event pattern, not a schedule; trigger it with a matching event`);
    return this.fire(rule);
  }

  stop(): void {
    this.running = false;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }
}
