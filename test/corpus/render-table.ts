import { CASES, CorpusCase, Expect } from './cases';

/**
 * npx tsx test/corpus/render-table.ts: the corpus as a Markdown table (case, handler, input,
 * expected recorded outcome), for the README and reviews. Generated from the data the test runs.
 */
function short(value: Expect): string {
  if (value instanceof RegExp) return `/${value.source}/`;
  if (Array.isArray(value)) return `[${value.map(short).join(', ')}]`;
  if (value && typeof value === 'object') return `{${Object.entries(value).map(([k, v]) => `${k}: ${short(v)}`).join(', ')}}`;
  return JSON.stringify(value);
}

export function outcome(c: CorpusCase): string {
  const e = c.expected;
  if (e.kind === 'dlq') return `throws ${e.error} ${short(e.message)} → retried, then DLQ; nothing written`;
  const parts: string[] = [];
  for (const [key, v] of Object.entries(e.kv ?? {})) parts.push(`kvstore \`${key}\` = ${short(v)}`);
  for (const [key, v] of Object.entries(e.s3Json ?? {})) parts.push(`s3 \`${key}\` = ${short(v)}`);
  if (e.result !== undefined) parts.push(`returns ${short(e.result)}`);
  if (e.kvAbsent?.length) parts.push(`no ${e.kvAbsent.map((k) => `\`${k}\``).join(', ')}`);
  parts.push(e.notifications.length ? `notifies ${e.notifications.map((n) => n.event ?? short(n.subject)).join(', ')}` : 'no notification');
  return `${e.kind}: ${parts.join('; ')}`;
}

if (require.main === module) {
  const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
  console.log('| # | case | handler | input | expected outcome |');
  console.log('|---|---|---|---|---|');
  CASES.forEach((c, i) => console.log(`| ${i + 1} | ${c.id}${c.knownBug ? ' (known bug)' : ''} | ${c.handler} | ${cell(c.input)} | ${cell(outcome(c))} |`));
}
