import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LOCAL_DIR } from '../../local/paths';
import { useLocalStack } from '../support/local-stack';
import { ROOT, RunResult, run } from './blob-harness';
import { writeFixtures } from './blob-seed-fixtures';
import { SeedBlock, SeedCommand, seedBlocks, seedCommands, withoutIllustrations } from './seed-extract';
import { CALLS, STAND_INS, SUBSTITUTIONS, applySubstitutions, prelude, writeShims } from './seed-world';

/**
 * Acceptance 2 of issue 14: every `blob` and `kvstore` command of the seed, extracted from
 * /work/shared/seed/blob-value-proposition.md at test time, runs as written against the whole local
 * copy (policies enforced) with BLOB_ENV=dev, so `s3://sessions/…` and the other logical stores
 * resolve to dev's bucket. Each ```bash block runs as one bash script in order in a scratch
 * directory; logging shims record every invocation with the seed line that made it. The report
 * (console and .local/seed-verbatim.json) lists each command's result and every stand-in and
 * substitution (test/cli/seed-world.ts) with its reason.
 */
const SEED = process.env.BLOB_SEED_FILE ?? '/work/shared/seed/blob-value-proposition.md';

interface Invocation {
  readonly line: number;
  readonly block: number;
  readonly program: string;
  readonly args: string[];
  readonly code: number;
  readonly stderr: string;
}

interface Row {
  readonly lines: string;
  readonly command: string;
  readonly status: 'pass' | 'FAIL' | 'not run';
  readonly substituted?: string;
  readonly invocations: number;
  readonly codes: number[];
  readonly stderr: string;
}

const stack = useLocalStack();
const blocks = seedBlocks(SEED);
const commands = seedCommands(blocks);
const work = mkdtempSync(join(tmpdir(), 'seed-verbatim-'));
const logDir = join(work, '.log');
const blockResults = new Map<number, RunResult>();
let invocations: Invocation[] = [];

function scriptOf(block: SeedBlock): string {
  const lines = applySubstitutions(withoutIllustrations(block.lines), block.firstLine);
  const text = lines.join('\n');
  const calls = CALLS.filter((c) => new RegExp(`^${c.defines}\\(\\)`, 'm').test(text)).map((c) => c.call);
  return [text, ...calls].join('\n');
}

function readInvocations(): Invocation[] {
  return readdirSync(logDir).flatMap((lane) =>
    readdirSync(join(logDir, lane))
      .filter((d) => d.startsWith('inv.'))
      .map((d) => {
        const at = (f: string) => readFileSync(join(logDir, lane, d, f), 'utf8');
        const [line, block, program] = at('where').trim().split(' ');
        return { line: Number(line), block: Number(block), program: program!, args: at('args').split('\0').slice(0, -1), code: Number(at('code')), stderr: at('stderr') };
      }),
  );
}

/**
 * The seed command an invocation belongs to: same block, program and subcommand, the nearest whose
 * lines contain bash's LINENO, or within a few lines of it (for a pipeline spanning several lines,
 * LINENO may name the line where the pipeline ends).
 */
function commandOf(inv: Invocation): SeedCommand | undefined {
  const block = blocks.find((b) => b.firstLine === inv.block);
  if (!block) return undefined;
  const seedLine = block.firstLine + inv.line - 1;
  const distance = (c: SeedCommand) => (seedLine < c.start ? c.start - seedLine : seedLine > c.end ? seedLine - c.end : 0);
  const candidates = commands.filter((c) => c.block === block && c.program === inv.program && inv.args.includes(c.subcommand) && distance(c) <= 6);
  return candidates.sort((a, b) => distance(a) - distance(b))[0];
}

function rowFor(c: SeedCommand): Row {
  const mine = invocations.filter((i) => commandOf(i) === c);
  const sub = SUBSTITUTIONS.filter((s) => s.line >= c.start && s.line <= c.end).map((s) => `${s.from} → ${s.to}: ${s.why}`);
  const ok = mine.length > 0 && mine.every((i) => i.code === 0 && i.stderr === '');
  return {
    lines: c.start === c.end ? `${c.start}` : `${c.start}-${c.end}`,
    command: `${c.program} ${c.subcommand}: ${c.text.split('\n')[0]!}`,
    status: mine.length === 0 ? 'not run' : ok ? 'pass' : 'FAIL',
    ...(sub.length ? { substituted: sub.join('; ') } : {}),
    invocations: mine.length,
    codes: mine.map((i) => i.code),
    stderr: mine.map((i) => i.stderr.trim()).filter(Boolean)[0] ?? '',
  };
}

function report(rows: readonly Row[]): void {
  const table = rows.map((r) => `${r.lines.padEnd(8)} ${r.status.padEnd(7)} ${String(r.invocations).padStart(2)}x ${r.command.slice(0, 90)}${r.substituted ? `\n${''.padEnd(20)}substituted: ${r.substituted}` : ''}${r.stderr ? `\n${''.padEnd(20)}stderr: ${r.stderr}` : ''}`);
  const standIns = STAND_INS.map((s) => `${s.name}: ${s.why}`);
  mkdirSync(LOCAL_DIR, { recursive: true });
  // Invocations no seed command accounts for: the harness's own (CALLS, substitutions), listed for the record.
  const harness = invocations.filter((i) => !commandOf(i)).map((i) => ({ line: i.block + i.line - 1, program: i.program, args: i.args, code: i.code }));
  writeFileSync(join(LOCAL_DIR, 'seed-verbatim.json'), JSON.stringify({ seed: SEED, commands: rows, harness, standIns: STAND_INS, substitutions: SUBSTITUTIONS, calls: CALLS }, null, 2));
  console.log(`seed commands (${rows.length}):\n${table.join('\n')}\n\nstand-ins for programs the seed never defines:\n${standIns.join('\n')}`);
}

const ROWS: Row[] = [];

beforeAll(async () => {
  for (const cli of ['blob', 'kvstore']) {
    const r = spawnSync(process.execPath, [join(ROOT, 'tools', 'build-cli.mjs'), cli], { stdio: 'inherit' });
    if (r.status !== 0) throw new Error(`building ${cli} failed`);
  }
  writeShims(join(work, '.bin'));
  writeFileSync(join(work, '.prelude.sh'), prelude());
  mkdirSync(logDir);
  writeFixtures(work);
  // Enough ERROR lines that the seed's alert branch (more than 100 per hour) runs.
  writeFileSync(join(work, 'app.log'), Array.from({ length: 150 }, (_, i) => JSON.stringify({ level: i % 5 ? 'ERROR' : 'INFO', msg: `m${i}` })).join('\n') + '\n');
  // SHLVL: node's stdio are sockets, and Debian's bash, seeing a socket on stdin at shell level 0,
  // takes itself for an rsh/ssh session and reads ~/.bashrc instead of BASH_ENV (the prelude).
  const env = { ...stack().awsEnv, BLOB_ENV: 'dev', BLOB_BUCKET: undefined, BLOB_STORES: undefined, SHLVL: '1', PATH: `${join(work, '.bin')}:${process.env.PATH ?? ''}` };
  // Objects and keys the seed reads without showing how they were written (written through the stores too).
  const setup = await run(
    'bash',
    [
      '-euo',
      'pipefail',
      '-c',
      `blob put huge-file.csv s3://datasets/huge-file.csv
blob put app-today.log s3://logs/app-$(date +%Y-%m-%d).log
blob put movie.mp4 s3://videos/movie.mp4
blob put training-data.parquet s3://data/dataset-100GB.parquet
blob put access.csv s3://logs/access-logs-100GB.csv
blob put config.yaml s3://config/api-keys.enc
blob put ./dist/app.zip s3://artifacts/v0.9.9/app.zip
kvstore set deployment/rollback-url-v0.9.9 "$(blob presign s3://artifacts/v0.9.9/app.zip --expires 1h)"`,
    ],
    { env, cwd: work },
  );
  if (setup.code !== 0) throw new Error(`fixture setup failed: ${setup.stderr}`);
  // Blocks share nothing a blob/kvstore line's result depends on (each reads what it or the fixtures
  // wrote), so three lanes run them side by side, each block with its own log directory.
  const lanes = [0, 1, 2].map((lane) => blocks.filter((_, i) => i % 3 === lane));
  await Promise.all(
    lanes.map(async (lane) => {
      for (const block of lane) {
        const log = join(logDir, String(block.firstLine));
        mkdirSync(log);
        // A block that cannot end (a stand-in missing, so `tail -f` really follows) fails, never hangs.
        const r = await run('timeout', ['300', 'bash', '-c', scriptOf(block)], { env: { ...env, BASH_ENV: join(work, '.prelude.sh'), SEED_LOG: log, SEED_BLOCK: String(block.firstLine) }, cwd: work });
        blockResults.set(block.firstLine, r);
      }
    }),
  );
  invocations = readInvocations();
  ROWS.push(...commands.map(rowFor));
  report(ROWS);
}, 900_000);

test('the seed has the blob and kvstore commands the issue names (extracted, not copied)', () => {
  expect(commands.length).toBeGreaterThanOrEqual(60);
  expect(new Set(commands.map((c) => c.program))).toEqual(new Set(['blob', 'kvstore']));
});

test('every substitution still matches the seed text it replaces', () => {
  for (const s of SUBSTITUTIONS) {
    const block = blocks.find((b) => s.line >= b.firstLine && s.line < b.firstLine + b.lines.length);
    expect(block?.lines[s.line - block.firstLine]).toContain(s.from);
  }
});

test('every program a block runs exists (the seed’s or a documented stand-in)', () => {
  const missing = [...blockResults.entries()].filter(([, r]) => /command not found/.test(r.stderr)).map(([line, r]) => `${line}: ${r.stderr}`);
  expect(missing).toEqual([]);
});

test.each(commands.map((c, i) => [c.start === c.end ? `${c.start}` : `${c.start}-${c.end}`, c.program, c.subcommand, i] as const))('seed line %s runs (%s %s)', (_l, _p, _s, i) => {
  const row = ROWS[i]!;
  expect({ status: row.status, codes: row.codes, stderr: row.stderr }).toEqual({ status: 'pass', codes: row.codes.map(() => 0), stderr: '' });
});

test('the logical stores landed in dev’s bucket under their prefixes, nothing outside them', async () => {
  const r = await run(process.execPath, [join(ROOT, 'bin', 'blob.cjs'), 'list', `s3://${stack().outputs.bucket}/`, '--format', 'keys'], { env: { ...stack().awsEnv, BLOB_ENV: undefined } });
  const tops = new Set(r.stdout.split('\n').filter(Boolean).map((k) => k.split('/')[0]));
  for (const store of ['sessions', 'shared', 'artifacts', 'config', 'uploads', 'datasets', 'logs', 'codegen', 'models', 'analytics', 'processed', 'raw-data', 'global-bucket']) {
    expect(tops).toContain(store);
  }
});

describe('logical stores never shadow silently', () => {
  const blobIn = (args: string[], env: Record<string, string | undefined>) => run(process.execPath, [join(ROOT, 'bin', 'blob.cjs'), ...args], { env: { ...stack().awsEnv, ...env }, cwd: work });

  it('maps only with an environment selected; without one, s3://sessions/ is the bucket named sessions', async () => {
    const mapped = await blobIn(['list', 's3://sessions/', '--format', 'keys'], { BLOB_ENV: 'dev' });
    expect(mapped.code).toBe(0);
    expect(mapped.stdout).toMatch(/^analysis-\d+\.json$/m);
    const bucket = await blobIn(['list', 's3://sessions/', '--format', 'keys'], { BLOB_ENV: undefined });
    expect({ code: bucket.code, lines: bucket.stderr.trim().split('\n').length }).toEqual({ code: 5, lines: 1 });
    const off = await blobIn(['list', 's3://sessions/', '--format', 'keys'], { BLOB_ENV: 'dev', BLOB_STORES: 'off' });
    expect(off.code).toBe(5);
  });

  it('refuses a store name that is also a bucket the caller can reach, and says how to choose', async () => {
    const { CreateBucketCommand, S3Client } = await import('@aws-sdk/client-s3');
    const s3 = new S3Client({ endpoint: stack().endpoint, region: stack().region, forcePathStyle: true, credentials: { accessKeyId: stack().awsEnv.AWS_ACCESS_KEY_ID!, secretAccessKey: stack().awsEnv.AWS_SECRET_ACCESS_KEY!, sessionToken: stack().awsEnv.AWS_SESSION_TOKEN } });
    await s3.send(new CreateBucketCommand({ Bucket: 'reports', CreateBucketConfiguration: { LocationConstraint: stack().region as 'eu-central-1' } }));
    s3.destroy();
    const clash = await blobIn(['list', 's3://reports/'], { BLOB_ENV: 'dev' });
    expect({ code: clash.code, stderr: clash.stderr }).toEqual({ code: 2, stderr: expect.stringMatching(/^blob: error: s3:\/\/reports\/ is both a logical store of environment "dev" and a bucket you can reach \(.*BLOB_STORES=off.*\)\n$/) });
    const real = await blobIn(['list', 's3://reports/', '--format', 'keys'], { BLOB_ENV: 'dev', BLOB_STORES: 'off' });
    expect({ code: real.code, stdout: real.stdout }).toEqual({ code: 0, stdout: '' });
  });

  it('line 704 as written is refused with one line and exit 2 (SigV4 links live 7 days at most)', async () => {
    const r = await blobIn(['presign', 's3://artifacts/v1.0.0/app.zip', '--expires', '30d'], { BLOB_ENV: 'dev' });
    expect({ code: r.code, lines: r.stderr.trim().split('\n').length, stdout: r.stdout }).toEqual({ code: 2, lines: 1, stdout: '' });
  });
});
