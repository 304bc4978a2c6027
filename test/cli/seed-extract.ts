import { readFileSync } from 'node:fs';

/**
 * Reads the seed's ```bash blocks at test time (nothing is copied into the test): each block as
 * the script it is, and each `blob`/`kvstore` command in it as one seed command (backslash
 * continuations and multi-line quoted arguments joined), with the seed line numbers it spans.
 */

export interface SeedBlock {
  /** Seed line number of the block's first line (the one after ```bash). */
  readonly firstLine: number;
  readonly lines: readonly string[];
}

export interface SeedCommand {
  /** Seed line numbers the command spans (first..last). */
  readonly start: number;
  readonly end: number;
  readonly program: 'blob' | 'kvstore';
  /** The subcommand (put, list, get, set, inc …) as written. */
  readonly subcommand: string;
  /** The whole logical line as written in the seed (continuations joined). */
  readonly text: string;
  readonly block: SeedBlock;
}

export function seedBlocks(file: string): SeedBlock[] {
  const lines = readFileSync(file, 'utf8').split('\n');
  const blocks: SeedBlock[] = [];
  let current: { firstLine: number; lines: string[] } | undefined;
  lines.forEach((line, i) => {
    if (!current && /^```bash\s*$/.test(line)) current = { firstLine: i + 2, lines: [] };
    else if (current && /^```\s*$/.test(line)) {
      blocks.push(current);
      current = undefined;
    } else if (current) current.lines.push(line);
  });
  return blocks;
}

/** Logical lines: a line ending in `\` or inside an open single quote continues on the next. */
function logicalLines(block: SeedBlock): Array<{ start: number; end: number; text: string }> {
  const out: Array<{ start: number; end: number; text: string }> = [];
  let acc: string[] = [];
  let start = 0;
  block.lines.forEach((line, i) => {
    if (!acc.length) start = block.firstLine + i;
    acc.push(line);
    const joined = acc.join('\n');
    const openQuote = (joined.replace(/"[^"]*"/g, '').match(/'/g) ?? []).length % 2 === 1;
    if (line.endsWith('\\') || openQuote) return;
    out.push({ start, end: block.firstLine + i, text: joined });
    acc = [];
  });
  return out;
}

/** `blob` or `kvstore` in command position: line start, after a pipe, `$(`, `;`, `&&`, `do`, `then`. */
const COMMAND_RE = /(?:^|[|;(]|&&|\bdo\b|\bthen\b)\s*(blob|kvstore)\s+([a-z-]+|--region\s+\S+\s+[a-z-]+)/g;

export function seedCommands(blocks: readonly SeedBlock[]): SeedCommand[] {
  const out: SeedCommand[] = [];
  for (const block of blocks) {
    for (const l of logicalLines(block)) {
      if (/^\s*#/.test(l.text)) continue;
      // Comments dropped and continuations joined, so `a | \<newline> blob put` is a pipe into blob.
      const code = l.text.replace(/\s#.*$/gm, '').replace(/\\\n/g, ' ');
      for (const m of code.matchAll(COMMAND_RE)) {
        const sub = m[2]!.split(/\s+/).pop()!;
        out.push({ start: l.start, end: l.end, program: m[1] as 'blob' | 'kvstore', subcommand: sub, text: l.text.trim(), block });
      }
    }
  }
  return out;
}

/**
 * Output illustrations inside bash blocks (the seed shows an event as a bare JSON object between
 * a line `{` and a line `}`): not shell, so they become blank lines, which keeps line numbers.
 */
export function withoutIllustrations(lines: readonly string[]): string[] {
  const out: string[] = [];
  let inside = false;
  for (const line of lines) {
    if (!inside && line === '{') inside = true;
    out.push(inside ? '' : line);
    if (inside && line === '}') inside = false;
  }
  return out;
}
