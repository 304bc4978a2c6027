import { S3Client } from '@aws-sdk/client-s3';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { MotoServer, startMoto } from '../support/moto';
import { cliEnv, createVersionedBucket, ensureBlobBuilt, publishEnvironment, s3For, sh } from './blob-harness';
import { BUCKETS, PRELUDE, SeedCase, rename, workspace, writeFixtures } from './blob-seed-fixtures';
import { OBJECT_CASES } from './blob-seed-cases-objects';
import { WORKFLOW_CASES } from './blob-seed-cases-workflows';

/**
 * Every `blob` invocation in the seed (docs/seed: blob-value-proposition.md), run verbatim through
 * bash against moto, with each seed bucket renamed s3://<name>/ → s3://seed-<name>/ and the
 * seed's placeholder programs (analyze-codebase.sh, process.py, …) defined as small shell functions.
 * Deviations from the text: `tail -f` becomes `tail`/`cat` (a test must end), and placeholder
 * version ids are replaced by real ones.
 */
const CASES: SeedCase[] = [...OBJECT_CASES, ...WORKFLOW_CASES];

let moto: MotoServer;
let s3: S3Client;

beforeAll(async () => {
  ensureBlobBuilt();
  moto = await startMoto();
  s3 = s3For(moto.endpoint);
  await Promise.all(BUCKETS.map((b) => createVersionedBucket(s3, `seed-${b}`)));
  await publishEnvironment(moto.endpoint, 'dev', 'seed-sessions', 'seed-kvstore');
  writeFixtures(workspace.dir);
  // Objects the seed reads without showing how they were written.
  const env = { ...cliEnv(moto.endpoint), PATH: workspace.path };
  const seeded = await sh(
    rename(`blob put huge-file.csv s3://datasets/huge-file.csv >/dev/null
blob put app-today.log s3://logs/app-$(date +%Y-%m-%d).log >/dev/null
blob put movie.mp4 s3://videos/movie.mp4 >/dev/null
blob put training-data.parquet s3://data/dataset-100GB.parquet >/dev/null
blob put access.csv s3://logs/access-logs-100GB.csv >/dev/null`),
    { env, cwd: workspace.dir },
  );
  expect(seeded.stderr).toBe('');
}, 120_000);

afterAll(async () => {
  s3?.destroy();
  await moto?.stop();
});

describe('every blob invocation in the seed', () => {
  test.each(CASES.map((c) => [c.lines, c] as const))('seed lines %s', async (_lines, c) => {
    const r = await sh(PRELUDE + rename(c.script), { env: { ...cliEnv(moto.endpoint), PATH: workspace.path, ...c.env }, cwd: workspace.dir });
    if (c.lines.startsWith('671')) {
      expect(r.code).toBe(0);
    } else {
      expect({ code: r.code, stderr: r.stderr.split('\n').filter((l) => l && !l.startsWith('Download link')) }).toEqual({ code: 0, stderr: [] });
    }
    await c.check(r, { dir: workspace.dir, s3 });
  });

  it('keeps fixtures local to the workspace', () => {
    expect(existsSync(join(workspace.dir, 'generated', 'api.py'))).toBe(true);
  });
});
