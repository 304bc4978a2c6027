import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './blob-harness';

/**
 * What seed-verbatim.test.ts adds around the seed's text, each item with the reason it is needed:
 * stand-ins for programs the seed names but never defines, values for its shell variables, calls
 * of the functions it defines but never calls, and the few substitutions where the text cannot
 * run as written. Everything else runs exactly as the seed prints it.
 */

export interface StandIn {
  readonly name: string;
  readonly body: string;
  readonly why: string;
}

/** Programs the seed pipes into or runs but never defines (bash functions; they see the same data). */
export const STAND_INS: readonly StandIn[] = [
  { name: 'analyze-codebase.sh', body: `echo '{"findings":["auth module lacks tests","n+1 query in orders"]}'`, why: 'produces the analysis JSON the seed stores' },
  { name: 'notify-team.sh', body: 'read -r url; echo "notified: ${1/\\{url\\}/$url}"', why: 'consumes the presigned URL' },
  { name: 'email-stakeholders.sh', body: 'read -r url; echo "mailed: $url"', why: 'consumes the presigned URL' },
  { name: 'play-video.sh', body: `wc -c | tr -d ' '`, why: 'consumes the byte range' },
  { name: 'process-chunks.py', body: `wc -c | awk '{print "{\\"bytes\\": " $1 "}"}'`, why: 'turns the stream into the JSON the seed stores' },
  ...['api', 'models', 'tests', 'docs'].map((c) => ({ name: `generate-${c}.py`, body: `echo '# ${c} component'`, why: 'an agent generating code' })),
  { name: 'validate-and-merge.py', body: 'test -d "$1"', why: 'checks the downloaded directory exists' },
  { name: 'deploy-to-prod.sh', body: 'test -s "$1"', why: 'checks the downloaded artifact is not empty' },
  { name: 'parse-csv.py', body: 'cat', why: 'passes the CSV through' },
  { name: 'analyze.py', body: `wc -l | tr -d ' '`, why: 'counts the rows' },
  { name: 'process.py', body: `wc -c | tr -d ' '`, why: 'counts the bytes' },
  { name: 'publish-sns-alert', body: 'echo "alert: $*"', why: 'the seed’s placeholder for an SNS publish (the pipelines publish for real)' },
  { name: 'publish-sns', body: 'echo "sns: $*"', why: 'the seed’s placeholder for an SNS publish' },
  { name: 'make', body: 'echo "make $*: dist/app.zip is prebuilt"', why: 'the build itself is not the seed’s subject' },
  { name: 'python', body: 'echo "trained on $*"', why: 'train.py is never defined' },
  { name: 'git', body: 'echo 4f2a9c1d0e7b6a5f4e3d2c1b0a9f8e7d6c5b4a39', why: 'the scratch directory is not a repository; a fixed commit id' },
  { name: 'aws', body: 'echo "aws $1 $2: configured by the storage stack" >&2; return 0', why: 'one-time bucket setup (events, versioning, lifecycle, replication) the stack already does' },
  {
    name: 'tail',
    body: 'if [ "$1" = -f ] && [ -f "${2:-}" ]; then command cat "$2"; else command tail "$@"; fi',
    why: '`tail -f FILE` follows forever; it prints the file and ends (tail -f on a pipe already ends)',
  },
];

/** Values for the shell variables the seed uses without defining. */
export const VARIABLES: Readonly<Record<string, string>> = {
  SESSION_ID: 'seed-session-1',
  USER_ID: 'user-42',
  MONTH: '2025-11',
  AGENT_ID: '7',
  MODEL_VERSION: 'v1.0',
  results: '{"rows":3}',
  file_count: '2',
};

/** Calls appended to a block that defines a function the seed never calls (the Lambdas' bodies). */
export const CALLS: ReadonlyArray<{ readonly defines: string; readonly call: string }> = [
  { defines: 'analyze_logs', call: 'analyze_logs' },
  { defines: 'deploy_artifact', call: 'deploy_artifact "v1.0.0/app.zip"' },
  // The Lambda gets the event's bucket and key; here the newest CSV line 828 uploaded.
  { defines: 'process_csv', call: `process_csv uploads "$(blob list s3://uploads/ --format keys | grep -E '^[0-9]+\\.csv$' | sort | tail -1)"` },
  { defines: 'process_hourly_batch', call: `for f in a b; do blob put data.csv "s3://uploads/$(date +%Y-%m-%d-%H)/$f.csv" >/dev/null; done\nprocess_hourly_batch` },
];

export interface Substitution {
  readonly line: number;
  readonly from: string;
  readonly to: string;
  readonly why: string;
}

/** Where the text cannot run as written; the report lists each. */
export const SUBSTITUTIONS: readonly Substitution[] = [
  {
    line: 105,
    from: 'blob get "$latest" -',
    to: 'blob get "s3://sessions/$latest" -',
    why: 'list prints keys relative to the store it lists (as lines 628-629 and 911-913 need: they prepend s3://<store>/); a bare key addresses the environment bucket’s root',
  },
  ...[260, 264].map((line) => ({
    line,
    from: 'v1-xyz789',
    to: `$(blob versions s3://config/app-config.yaml | jq -r '.versions[-1].version_id')`,
    why: 'v1-xyz789 is the seed’s placeholder; the real id of version 1',
  })),
  { line: 704, from: '--expires 30d', to: '--expires 7d', why: 'SigV4 presigned URLs live 7 days at most; blob refuses 30d with exit 2 (tools/rollback-link.ts mints fresh links instead)' },
];

export function applySubstitutions(lines: readonly string[], firstLine: number): string[] {
  return lines.map((text, i) => SUBSTITUTIONS.filter((s) => s.line === firstLine + i).reduce((t, s) => t.replace(s.from, s.to), text));
}

/**
 * BASH_ENV for every block: the stand-ins, the variables, and a DEBUG trap that writes the line
 * being run to $SEED_LOG/line.<shell pid>, so the logging shims can tell which seed line invoked
 * them (set -T: also inside functions, pipelines and $(…); an exported variable would not do, bash
 * builds a simple command's environment before the trap runs).
 */
export function prelude(): string {
  return [
    ...STAND_INS.map((s) => `${s.name}() { ${s.body}; }`),
    ...Object.entries(VARIABLES).map(([k, v]) => `${k}='${v}'`),
    'set -T',
    // Written aside and renamed: a shim reading it must never see a half-written (empty) file.
    `trap 'echo "$LINENO" > "$SEED_LOG/.l.$BASHPID" && command mv -f "$SEED_LOG/.l.$BASHPID" "$SEED_LOG/line.$BASHPID"' DEBUG`,
  ].join('\n');
}

/**
 * `blob` and `kvstore` on PATH: each runs the real CLI and, when SEED_LOG is set, records the seed
 * line, the arguments, the exit code and stderr of the invocation in a directory of its own.
 */
export function writeShims(bin: string): void {
  mkdirSync(bin, { recursive: true });
  for (const program of ['blob', 'kvstore']) {
    const path = join(bin, program);
    writeFileSync(
      path,
      // sh, not bash: bash would read BASH_ENV and run the trap itself. The line is the one of the
      // shell that exec'd this shim (a pipeline's subshell) or else of the shell that forked it.
      `#!/bin/sh
if [ -z "\${SEED_LOG:-}" ]; then exec "${process.execPath}" "${join(ROOT, 'bin', `${program}.cjs`)}" "$@"; fi
d=$(mktemp -d "$SEED_LOG/inv.XXXXXXXX")
printf '%s\\0' "$@" > "$d/args"
line=$(cat "$SEED_LOG/line.$$" 2>/dev/null || cat "$SEED_LOG/line.$PPID" 2>/dev/null || echo 0)
echo "$line \${SEED_BLOCK:-0} ${program}" > "$d/where"
"${process.execPath}" "${join(ROOT, 'bin', `${program}.cjs`)}" "$@" 2> "$d/stderr"
code=$?
cat "$d/stderr" >&2
echo "$code" > "$d/code"
exit "$code"
`,
    );
    chmodSync(path, 0o755);
  }
}
