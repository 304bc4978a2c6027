import { ListObjectVersionsCommand, S3Client } from '@aws-sdk/client-s3';
import { blob, cliEnv, createVersionedBucket, ensureBlobBuilt, RunResult, s3For } from '../../cli/blob-harness';
import { MotoServer, startMoto } from '../../support/moto';

/**
 * The CLI half of the bad-input corpus (issue 14 classes 5-7): each case runs the real `blob`
 * against a private moto and states its exit code and its exact one-line message; afterwards the
 * bucket's versions must be exactly what they were (nothing lost, nothing added).
 */
export interface CliCase {
  readonly name: string;
  readonly args: readonly string[];
  readonly exit: number;
  /** The whole stderr line, exactly. */
  readonly line: string;
}

export interface Runner {
  readonly endpoint: string;
  readonly bucket: string;
  readonly cwd: string;
  readonly env?: Record<string, string | undefined>;
}

export interface CorpusServer {
  readonly moto: MotoServer;
  readonly s3: S3Client;
  readonly runner: Runner;
}

/** Each corpus file's world: the CLI bundle built, a private moto, one versioned bucket, a runner in `cwd`. */
export async function startCorpus(bucket: string, cwd: string): Promise<CorpusServer> {
  ensureBlobBuilt();
  const moto = await startMoto();
  const s3 = s3For(moto.endpoint);
  await createVersionedBucket(s3, bucket);
  return { moto, s3, runner: { endpoint: moto.endpoint, bucket, cwd } };
}

export async function stopCorpus(c: { moto?: MotoServer; s3?: S3Client }): Promise<void> {
  c.s3?.destroy();
  await c.moto?.stop();
}

export function runBlob(r: Runner, args: readonly string[]): Promise<RunResult> {
  return blob(args, { env: { ...cliEnv(r.endpoint), BLOB_BUCKET: r.bucket, ...r.env }, cwd: r.cwd });
}

/** Runs one case and checks exit code, exactly one stderr line equal to `line`, nothing on stdout. */
export async function expectRefused(r: Runner, c: CliCase): Promise<void> {
  const res = await runBlob(r, c.args);
  expect({ code: res.code, stderr: res.stderr.split('\n').filter(Boolean), stdout: res.stdout }).toEqual({ code: c.exit, stderr: [c.line], stdout: '' });
}

/** Every version and delete marker of the bucket, as `key@version` strings, for before/after comparison. */
export async function versionSnapshot(s3: S3Client, bucket: string): Promise<string[]> {
  const out: string[] = [];
  let KeyMarker: string | undefined;
  let VersionIdMarker: string | undefined;
  do {
    const page = await s3.send(new ListObjectVersionsCommand({ Bucket: bucket, KeyMarker, VersionIdMarker }));
    for (const v of page.Versions ?? []) out.push(`${v.Key}@${v.VersionId}:${v.ETag}`);
    for (const m of page.DeleteMarkers ?? []) out.push(`${m.Key}@${m.VersionId}:marker`);
    KeyMarker = page.IsTruncated ? page.NextKeyMarker : undefined;
    VersionIdMarker = page.IsTruncated ? page.NextVersionIdMarker : undefined;
  } while (KeyMarker);
  return out.sort();
}
