import { CliError, EXIT } from '../shared/cli-errors';

/**
 * `--since`: a point in time, given as an ISO date/time, a relative duration (7d, 24h, 30m), or an
 * English phrase chrono-node understands in full ("7 days ago", "yesterday", "last monday").
 * Anything else is refused rather than guessed: chrono would happily read "last tuesday banana"
 * as last Tuesday, and a typo such as "7 dayz ago" would otherwise list nothing and exit 0.
 */
export const SINCE_FORMS = 'an ISO date (2025-11-15 or 2025-11-15T08:00:00Z), a duration (30m, 24h, 7d, 2w) or a phrase like "7 days ago", "yesterday", "last monday"';

const UNIT_MS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

export async function parseSince(input: string | undefined, now = new Date()): Promise<Date | undefined> {
  if (input === undefined) return undefined;
  const text = input.trim();
  const when = isoDate(text, input) ?? relative(text, now) ?? (await phrase(text, now));
  if (!when) throw new CliError(`--since "${input}" names no point in time`, EXIT.USAGE, `give ${SINCE_FORMS}`);
  if (when.getTime() > now.getTime()) {
    throw new CliError(`--since "${input}" is in the future (${when.toISOString()}), so nothing could match`, EXIT.USAGE, `give a past time: ${SINCE_FORMS}`);
  }
  return when;
}

/** YYYY-MM-DD[THH:MM[:SS][Z|±HH:MM]]; a date that does not exist (2025-02-30) is refused, not rolled over. */
function isoDate(text: string, input: string): Date | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/i.exec(text);
  if (!m) return undefined;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const daysInMonth = new Date(Date.UTC(y, mo, 0)).getUTCDate();
  const [h, mi, s] = [Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0)];
  if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth || h > 23 || mi > 59 || s > 59) {
    throw new CliError(`--since "${input}" is not a real date`, EXIT.USAGE, `give ${SINCE_FORMS}`);
  }
  // A date alone means its start in UTC, as S3's LastModified is UTC.
  const date = new Date(m[4] === undefined ? `${m[1]}-${m[2]}-${m[3]}T00:00:00Z` : text.replace(' ', 'T'));
  return Number.isNaN(date.getTime()) ? undefined : date;
}

function relative(text: string, now: Date): Date | undefined {
  const m = /^(\d+)\s*([smhdw])$/i.exec(text);
  return m ? new Date(now.getTime() - Number(m[1]) * (UNIT_MS[(m[2] as string).toLowerCase()] ?? 0)) : undefined;
}

/** Only a phrase chrono reads in full: its one match must cover the whole input. */
async function phrase(text: string, now: Date): Promise<Date | undefined> {
  const chrono = await import('chrono-node');
  const results = chrono.parse(text, now);
  const only = results.length === 1 ? results[0] : undefined;
  return only && only.index === 0 && only.text.length === text.length ? only.start.date() : undefined;
}
