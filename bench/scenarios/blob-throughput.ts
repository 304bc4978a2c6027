import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { clientConfig } from '../../core/aws-config';
import { awsEnvFor, startMoto } from '../../test/support/moto';
import type { BenchScenario } from '../types';
import { measure, Measured, MiB, writeRandomFile } from '../measure';

/**
 * `blob` against `aws s3 cp` on the same private moto server in the same run: one large object
 * (1 GB; 64 MB with --quick) up and down, and 1,000 objects of 100 KB (100 with --quick) via
 * put-dir/get-dir vs `aws s3 cp --recursive`. Ratios are aws time / blob time, so > 1 means blob
 * was faster. Then peak RSS of streaming 2 GB (256 MB with --quick) through `blob put -` and
 * `blob get ... -`, read from /usr/bin/time -v.
 */
const ROOT = join(__dirname, '..', '..');
const BLOB = join(ROOT, 'bin', 'blob.cjs');
const AWS = join(ROOT, '.venv', 'bin', 'aws');

const ratio = (aws: number, blob: number): number => Math.round((aws / blob) * 100) / 100;
const mbps = (bytes: number, seconds: number): number => Math.round(bytes / MiB / seconds);

const scenario: BenchScenario = {
  name: 'blob-throughput',
  description: 'blob put/get vs aws s3 cp on one moto endpoint (1 large object; many small via put-dir/get-dir), and peak RSS streaming through blob put -/get -',
  async run({ quick, log }) {
    const bigBytes = quick ? 64 * MiB : 1024 * MiB;
    const smallCount = quick ? 100 : 1000;
    const smallBytes = 100 * 1024;
    const streamBytes = quick ? 256 * MiB : 2048 * MiB;
    const moto = await startMoto();
    const work = mkdtempSync(join(tmpdir(), 'blob-bench-'));
    const env = { ...awsEnvFor(moto.endpoint), AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' };
    const s3 = new S3Client({ ...clientConfig({ endpoint: moto.endpoint, region: 'eu-central-1' }), credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
    const bucket = 'blob-bench';
    const blob = (args: string[], opts: { stdinBytes?: number; cwd?: string } = {}): Promise<Measured> =>
      measure(process.execPath, [BLOB, '--quiet', ...args], { env, cwd: ROOT, ...opts });
    const aws = (args: string[], opts: { cwd?: string } = {}): Promise<Measured> => measure(AWS, ['--endpoint-url', moto.endpoint, '--only-show-errors', ...args], { env, cwd: ROOT, ...opts });
    try {
      await s3.send(new CreateBucketCommand({ Bucket: bucket, CreateBucketConfiguration: { LocationConstraint: 'eu-central-1' } }));
      // Warm the bundle so the first measured blob run does not include an esbuild build.
      await blob(['--help']);

      log(`large object: ${bigBytes / MiB} MiB`);
      const big = join(work, 'big.bin');
      await writeRandomFile(big, bigBytes);
      const blobPut = await blob(['put', big, `s3://${bucket}/big/blob.bin`]);
      const awsPut = await aws(['s3', 'cp', big, `s3://${bucket}/big/aws.bin`]);
      const blobGet = await blob(['get', `s3://${bucket}/big/blob.bin`, join(work, 'big-blob.out')]);
      const awsGet = await aws(['s3', 'cp', `s3://${bucket}/big/aws.bin`, join(work, 'big-aws.out')]);
      rmSync(big);
      rmSync(join(work, 'big-blob.out'));
      rmSync(join(work, 'big-aws.out'));

      log(`small objects: ${smallCount} × ${smallBytes / 1024} KiB`);
      const dir = join(work, 'small');
      mkdirSync(join(dir, 'nested'), { recursive: true });
      for (let i = 0; i < smallCount; i++) writeFileSync(join(dir, i % 2 ? 'nested' : '', `f${i}.bin`), randomBytes(smallBytes));
      const blobPutDir = await blob(['put-dir', dir, `s3://${bucket}/small-blob/`]);
      const awsPutDir = await aws(['s3', 'cp', '--recursive', dir, `s3://${bucket}/small-aws/`]);
      const blobGetDir = await blob(['get-dir', `s3://${bucket}/small-blob/`, join(work, 'small-blob-out')]);
      const awsGetDir = await aws(['s3', 'cp', '--recursive', `s3://${bucket}/small-aws/`, join(work, 'small-aws-out')]);
      const blobSkip = await blob(['put-dir', dir, `s3://${bucket}/small-blob/`]);

      log(`streaming ${streamBytes / MiB} MiB through blob put - and blob get -`);
      const streamPut = await blob(['put', '-', `s3://${bucket}/stream.bin`], { stdinBytes: streamBytes });
      const streamGet = await blob(['get', `s3://${bucket}/stream.bin`, '-']);
      if (streamGet.stdoutBytes !== streamBytes) throw new Error(`blob get - produced ${streamGet.stdoutBytes} bytes, expected ${streamBytes}`);

      return {
        large_object_mib: bigBytes / MiB,
        large_put: { blob_s: blobPut.seconds, aws_s: awsPut.seconds, blob_mib_s: mbps(bigBytes, blobPut.seconds), aws_mib_s: mbps(bigBytes, awsPut.seconds), ratio: ratio(awsPut.seconds, blobPut.seconds) },
        large_get: { blob_s: blobGet.seconds, aws_s: awsGet.seconds, blob_mib_s: mbps(bigBytes, blobGet.seconds), aws_mib_s: mbps(bigBytes, awsGet.seconds), ratio: ratio(awsGet.seconds, blobGet.seconds) },
        small_objects: smallCount,
        small_put_dir: { blob_s: blobPutDir.seconds, aws_s: awsPutDir.seconds, ratio: ratio(awsPutDir.seconds, blobPutDir.seconds) },
        small_get_dir: { blob_s: blobGetDir.seconds, aws_s: awsGetDir.seconds, ratio: ratio(awsGetDir.seconds, blobGetDir.seconds) },
        small_put_dir_all_identical_s: blobSkip.seconds,
        stream_mib: streamBytes / MiB,
        stream_put: { seconds: streamPut.seconds, mib_s: mbps(streamBytes, streamPut.seconds), peak_rss_mb: streamPut.maxRssMb ?? null },
        stream_get: { seconds: streamGet.seconds, mib_s: mbps(streamBytes, streamGet.seconds), peak_rss_mb: streamGet.maxRssMb ?? null },
        rss_limit_mb: 200,
      };
    } finally {
      s3.destroy();
      await moto.stop();
      rmSync(work, { recursive: true, force: true });
    }
  },
};

export default scenario;
