/**
 * EventBridge schedule expressions: rate(value unit) and the six-field cron(min hour day-of-month
 * month day-of-week year), evaluated in UTC as EventBridge does. moto stores schedules but never
 * fires them; the local runtime asks `nextFire` when to.
 */
export interface Schedule {
  readonly expression: string;
  /** First firing strictly after `after`. */
  nextFire(after: Date): Date;
}

export class ScheduleError extends Error {
  constructor(expression: string, reason: string) {
    super(`schedule "${expression}": ${reason}`);
    this.name = 'ScheduleError';
  }
}

const UNIT_MS: Record<string, number> = { minute: 60_000, hour: 3_600_000, day: 86_400_000 };
const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const DAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

function field(expr: string, text: string, min: number, max: number, names: string[] = [], nameBase = min): Set<number> | null {
  if (text === '*' || text === '?') return null;
  const out = new Set<number>();
  const value = (v: string) => {
    const idx = names.indexOf(v.toUpperCase());
    const n = idx >= 0 ? idx + nameBase : Number(v);
    if (!Number.isInteger(n) || n < min || n > max) throw new ScheduleError(expr, `"${v}" is out of range ${min}-${max}`);
    return n;
  };
  for (const part of text.split(',')) {
    if (/[LW#]/.test(part)) throw new ScheduleError(expr, `"${part}" (L, W, #) is not supported locally; fire the rule with --tick`);
    const [range, stepText] = part.split('/');
    const step = stepText === undefined ? 1 : Number(stepText);
    if (!Number.isInteger(step) || step < 1) throw new ScheduleError(expr, `bad step in "${part}"`);
    let lo: number;
    let hi: number;
    if (range === '*') [lo, hi] = [min, max];
    else if (range?.includes('-')) {
      const [a, b] = range.split('-');
      [lo, hi] = [value(a as string), value(b as string)];
    } else {
      lo = value(range as string);
      hi = stepText === undefined ? lo : max;
    }
    for (let v = lo; v <= hi; v += step) out.add(v);
  }
  return out;
}

export function parseSchedule(expression: string): Schedule {
  const rate = /^rate\((\d+)\s+(minute|minutes|hour|hours|day|days)\)$/.exec(expression.trim());
  if (rate) {
    const n = Number(rate[1]);
    const unit = (rate[2] as string).replace(/s$/, '');
    if (n < 1) throw new ScheduleError(expression, 'rate must be at least 1');
    if ((n === 1) !== (unit === rate[2])) throw new ScheduleError(expression, `use "${n} ${n === 1 ? unit : `${unit}s`}"`);
    const period = n * (UNIT_MS[unit] as number);
    return { expression, nextFire: (after) => new Date(after.getTime() + period) };
  }
  const cron = /^cron\((.+)\)$/.exec(expression.trim());
  if (!cron) throw new ScheduleError(expression, 'expected rate(<n> <unit>) or cron(<6 fields>)');
  const parts = (cron[1] as string).trim().split(/\s+/);
  if (parts.length !== 6) throw new ScheduleError(expression, `cron needs 6 fields (minutes hours day-of-month month day-of-week year), got ${parts.length}`);
  const [mi, ho, dom, mo, dow, yr] = parts as [string, string, string, string, string, string];
  if ((dom === '?') === (dow === '?')) throw new ScheduleError(expression, 'exactly one of day-of-month and day-of-week must be "?"');
  const minutes = field(expression, mi, 0, 59);
  const hours = field(expression, ho, 0, 23);
  const days = field(expression, dom, 1, 31);
  const months = field(expression, mo, 1, 12, MONTHS, 1);
  // EventBridge numbers days of the week 1-7 from Sunday.
  const weekdays = field(expression, dow, 1, 7, DAYS, 1);
  const years = field(expression, yr, 1970, 2199);
  const ok = (set: Set<number> | null, v: number) => set === null || set.has(v);
  return {
    expression,
    nextFire(after) {
      const t = new Date(after.getTime());
      t.setUTCSeconds(0, 0);
      t.setUTCMinutes(t.getUTCMinutes() + 1);
      // Minute steps over at most ~5 years: enough for any expression that can fire at all.
      const limit = t.getTime() + 5 * 366 * 86_400_000;
      while (t.getTime() <= limit) {
        if (!ok(years, t.getUTCFullYear()) || !ok(months, t.getUTCMonth() + 1)) {
          t.setUTCMonth(t.getUTCMonth() + 1, 1);
          t.setUTCHours(0, 0, 0, 0);
          continue;
        }
        if (!ok(days, t.getUTCDate()) || !ok(weekdays, t.getUTCDay() + 1)) {
          t.setUTCDate(t.getUTCDate() + 1);
          t.setUTCHours(0, 0, 0, 0);
          continue;
        }
        if (!ok(hours, t.getUTCHours())) {
          t.setUTCHours(t.getUTCHours() + 1, 0, 0, 0);
          continue;
        }
        if (ok(minutes, t.getUTCMinutes())) return new Date(t.getTime());
        t.setUTCMinutes(t.getUTCMinutes() + 1);
      }
      throw new ScheduleError(expression, 'never fires');
    },
  };
}
