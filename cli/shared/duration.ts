import { CliError, EXIT } from './cli-errors';

const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400, w: 604_800 };

/** "3600" (seconds), "30s", "15m", "24h", "7d", "1w" → seconds. */
export function parseDuration(input: string, flag: string): number {
  const m = /^\s*(\d+)\s*([smhdw]?)\s*$/i.exec(input);
  if (!m) {
    throw new CliError(`invalid duration "${input}" for ${flag}`, EXIT.USAGE, 'use seconds or a number with s, m, h, d or w, e.g. 3600, 30s, 24h, 7d');
  }
  const seconds = Number(m[1]) * (UNIT_SECONDS[(m[2] || 's').toLowerCase()] ?? 1);
  if (seconds <= 0) throw new CliError(`${flag} must be positive, got "${input}"`, EXIT.USAGE, 'e.g. 3600, 24h or 7d');
  return seconds;
}
