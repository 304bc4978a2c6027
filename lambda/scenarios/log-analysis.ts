import { LOG_ANALYSIS } from '../../core/pipelines';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { once } from 'node:events';

/**
 * Scenario 2, distributed log analysis: agents write logs/YYYY-MM-DD-HH/agent-<n>.log as JSON
 * lines ({"level","timestamp","msg",...}); the hourly job collects the ERROR lines of one hour.
 */
const HOUR = /^(\d{4})-(\d{2})-(\d{2})-(\d{2})$/;

export class InvalidHourError extends Error {
  constructor(hour: string) {
    super(`invalid hour "${hour}": use YYYY-MM-DD-HH in UTC, for example 2025-11-15-14`);
    this.name = 'InvalidHourError';
  }
}

export function assertHour(hour: string): string {
  const m = HOUR.exec(hour);
  if (!m) throw new InvalidHourError(hour);
  const [y, mo, d, h] = m.slice(1).map(Number) as [number, number, number, number];
  const at = new Date(Date.UTC(y, mo - 1, d, h));
  if (at.getUTCHours() !== h || at.getUTCDate() !== d || at.getUTCMonth() !== mo - 1) throw new InvalidHourError(hour);
  return hour;
}

export function formatHour(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getUTCFullYear()}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())}-${p(d.getUTCHours())}`;
}

/** A run at 14:05 analyses 13:00–13:59: the hour whose files the agents have finished. */
export function previousHour(at: Date): string {
  return formatHour(new Date(at.getTime() - 3600_000));
}

/** Objects in LOG_ANALYSIS's footprint only: it lists and reads logs/, writes analytics/errors-. */
const [LOGS] = LOG_ANALYSIS.objects.list!;
const [ERRORS] = LOG_ANALYSIS.objects.write!;
export const logPrefix = (hour: string): string => `${LOGS}${hour}/`;
export const errorsKey = (hour: string): string => `${ERRORS}${hour}.json`;

/** agent-<n>.log → "agent-<n>"; other .log names are analysed too, under their base name. */
export function agentOf(key: string): string {
  const base = key.slice(key.lastIndexOf('/') + 1);
  return base.endsWith('.log') ? base.slice(0, -4) : base;
}

export const isLogKey = (key: string): boolean => key.endsWith('.log');

export type LogRecord = Record<string, unknown>;

/**
 * The ERROR record of one line, or undefined. A substring test first: JSON.parse of every line
 * would dominate the cost, and almost no line is an error.
 */
export function errorRecord(line: string): LogRecord | undefined {
  if (!/error/i.test(line)) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return undefined;
  const level = (parsed as LogRecord).level;
  return typeof level === 'string' && level.toUpperCase() === 'ERROR' ? (parsed as LogRecord) : undefined;
}

export interface FilterCounts {
  lines: number;
  errors: number;
  /** Lines with NUL bytes: binary content in a .log, not analysed (the handler reports the file). */
  binaryLines: number;
}

/** Streams lines from `input` (bounded by the longest line) and calls `onError` for each ERROR. */
export async function filterErrors(input: Readable, onError: (record: LogRecord) => Promise<void> | void): Promise<FilterCounts> {
  const counts: FilterCounts = { lines: 0, errors: 0, binaryLines: 0 };
  const lines = createInterface({ input, crlfDelay: Infinity });
  for await (const line of lines) {
    counts.lines++;
    if (line.includes('\u0000')) {
      counts.binaryLines++;
      continue;
    }
    const record = errorRecord(line);
    if (record) {
      counts.errors++;
      await onError(record);
    }
  }
  return counts;
}

/**
 * Writes a JSON array element by element into a stream, waiting on backpressure, so the output
 * never sits in memory whole (`jq -s '.'` of the seed, without the buffering).
 */
export class JsonArrayWriter {
  private count = 0;
  constructor(private readonly out: Writable) {}

  get written(): number {
    return this.count;
  }

  async push(value: unknown): Promise<void> {
    const text = `${this.count === 0 ? '[\n' : ',\n'}${JSON.stringify(value)}`;
    this.count++;
    if (!this.out.write(text)) await once(this.out, 'drain');
  }

  end(): void {
    this.out.end(this.count === 0 ? '[]\n' : '\n]\n');
  }
}

/** Above `threshold` (config.thresholds.errorSpike) the hour is a spike; equal is not. */
export const isErrorSpike = (errors: number, threshold: number): boolean => errors > threshold;
