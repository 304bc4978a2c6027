import { S3Client } from '@aws-sdk/client-s3';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { RunResult, shellWorkspace } from './blob-harness';

/**
 * The world blob-seed.test.ts runs the seed's scripts in: the seed's buckets renamed
 * s3://<name>/ → s3://seed-<name>/, its placeholder programs as shell functions, the local files its
 * scripts read, and the shape of one seed case (blob-seed-cases-*.ts).
 */
export const BUCKETS = ['artifacts', 'datasets', 'archives', 'sessions', 'shared', 'config', 'uploads', 'logs', 'videos', 'data', 'processed', 'codegen', 'analytics', 'models', 'raw-data', 'global-bucket', 'reports'];

export const rename = (script: string): string => script.replace(/s3:\/\/([a-z][a-z0-9-]*)\//g, (m, b: string) => (BUCKETS.includes(b) ? `s3://seed-${b}/` : m));

export const PRELUDE = `
analyze-codebase.sh() { echo '{"findings":["auth module lacks tests","n+1 query in orders"]}'; }
notify-team.sh() { read -r url; echo "notified: \${1/\\{url\\}/$url}"; }
email-stakeholders.sh() { read -r url; echo "mailed: $url"; }
play-video.sh() { wc -c | tr -d ' '; }
process-chunks.py() { wc -c | awk '{print "{\\"bytes\\": " $1 "}"}'; }
parse-csv.py() { cat; }
analyze.py() { wc -l | tr -d ' '; }
process.py() { wc -c | tr -d ' '; }
deploy-to-prod.sh() { test -s "$1"; }
`;

export interface SeedCase {
  /** Seed line numbers the script reproduces. */
  readonly lines: string;
  readonly script: string;
  readonly env?: Record<string, string>;
  readonly check: (r: RunResult, ctx: { dir: string; s3: S3Client }) => void | Promise<void>;
}

export const json = (s: string): Record<string, unknown> => JSON.parse(s) as Record<string, unknown>;
export const lastJson = (s: string): Record<string, unknown> => {
  // Scripts with several commands print several JSON documents; the last one is the one checked.
  const idx = s.lastIndexOf('\n{\n');
  return json(idx === -1 ? s : s.slice(idx + 1));
};

export const SIZES = { parquet: 0 };
export const workspace = shellWorkspace();

export function writeFixtures(dir: string): void {
  const rand = (n: number): Buffer => Buffer.from(Array.from({ length: n }, (_, i) => (i * 131 + 7) % 256));
  mkdirSync(join(dir, 'build'));
  mkdirSync(join(dir, 'dist'));
  writeFileSync(join(dir, 'build', 'app.zip'), rand(3000));
  writeFileSync(join(dir, 'dist', 'app.zip'), rand(1500));
  writeFileSync(join(dir, 'dataset-100GB.parquet'), rand(1024));
  writeFileSync(join(dir, 'logs-1TB.tar.gz'), rand(2048));
  const n = 300;
  const pq = Buffer.from(
    parquetWriteBuffer({
      columnData: [
        { name: 'category', data: Array.from({ length: n }, (_, i) => ['a', 'b', 'c'][i % 3]!), type: 'STRING' },
        { name: 'price', data: Array.from({ length: n }, (_, i) => i), type: 'DOUBLE' },
      ],
      rowGroupSize: 100,
    }),
  );
  SIZES.parquet = pq.length;
  for (const f of ['training-data-10GB.parquet', 'training-data.parquet', 'validation-data.parquet']) writeFileSync(join(dir, f), pq);
  writeFileSync(join(dir, 'report.csv'), 'region,revenue\neu,100\nus,200\nap,50\n');
  writeFileSync(join(dir, 'data.csv'), 'id,value\n1,a\n2,b\n');
  writeFileSync(join(dir, 'config.yaml'), 'app: v1\n');
  writeFileSync(join(dir, 'config-v2.yaml'), 'app: v22\n');
  writeFileSync(join(dir, 'critical-data.json'), '{"critical":true}\n');
  writeFileSync(join(dir, 'raw-data.json'), '{"raw":1}\n');
  writeFileSync(join(dir, 'data.json'), '{"global":1}\n');
  writeFileSync(join(dir, 'model.pkl'), rand(512));
  writeFileSync(
    join(dir, 'app.log'),
    ['{"level":"INFO","msg":"start"}', '{"level":"ERROR","msg":"db down"}', '{"level":"WARN","msg":"slow"}', '{"level":"ERROR","msg":"timeout"}'].join('\n') + '\n',
  );
  writeFileSync(join(dir, 'movie.mp4'), rand(2_100_000));
  writeFileSync(join(dir, 'huge-file.csv'), Array.from({ length: 40_000 }, (_, i) => `${i},row-${i},${i * 2}`).join('\n') + '\n');
  writeFileSync(join(dir, 'app-today.log'), '2025-11-15 INFO ok\n2025-11-15 ERROR disk full\n2025-11-15 INFO done\n');
  writeFileSync(
    join(dir, 'access.csv'),
    'timestamp,status_code,path\n2025-11-14T23:59:59,500,/api/users\n2025-11-15T10:00:00,500,/api/orders\n2025-11-15T11:00:00,200,/api/orders\n2025-11-16T09:00:00,404,/missing\n',
  );
}
