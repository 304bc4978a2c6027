import { GetObjectTaggingCommand, HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { MotoServer, startMoto } from '../support/moto';
import { cliEnv, createVersionedBucket, ensureBlobBuilt, publishEnvironment, RunResult, s3For, sh, shellWorkspace } from './blob-harness';

/**
 * Every `blob` invocation in the seed (docs/seed: blob-value-proposition.md), run verbatim through
 * bash against moto, with each seed bucket renamed s3://<name>/ → s3://seed-<name>/ and the
 * seed's placeholder programs (analyze-codebase.sh, process.py, …) defined as small shell functions.
 * Deviations from the text: `tail -f` becomes `tail`/`cat` (a test must end), and placeholder
 * version ids are replaced by real ones.
 */
const BUCKETS = ['artifacts', 'datasets', 'archives', 'sessions', 'shared', 'config', 'uploads', 'logs', 'videos', 'data', 'processed', 'codegen', 'analytics', 'models', 'raw-data', 'global-bucket', 'reports'];

const rename = (script: string): string => script.replace(/s3:\/\/([a-z][a-z0-9-]*)\//g, (m, b: string) => (BUCKETS.includes(b) ? `s3://seed-${b}/` : m));

const PRELUDE = `
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

interface SeedCase {
  /** Seed line numbers the script reproduces. */
  readonly lines: string;
  readonly script: string;
  readonly env?: Record<string, string>;
  readonly check: (r: RunResult, ctx: { dir: string; s3: S3Client }) => void | Promise<void>;
}

const json = (s: string): Record<string, unknown> => JSON.parse(s) as Record<string, unknown>;
const lastJson = (s: string): Record<string, unknown> => {
  // Scripts with several commands print several JSON documents; the last one is the one checked.
  const idx = s.lastIndexOf('\n{\n');
  return json(idx === -1 ? s : s.slice(idx + 1));
};

const CASES: SeedCase[] = [
  {
    lines: '71-73',
    script: `blob put ./build/app.zip s3://artifacts/v1.0.0/app.zip
blob put ./dataset-100GB.parquet s3://datasets/training-data.parquet
blob put ./logs-1TB.tar.gz s3://archives/logs-2025-11.tar.gz`,
    check: (r) => {
      const last = lastJson(r.stdout);
      expect(last).toMatchObject({ uri: 's3://seed-archives/logs-2025-11.tar.gz', size: 2048, content_type: 'application/gzip' });
    },
  },
  {
    lines: '98-101',
    script: `analyze-codebase.sh | blob put - s3://sessions/analysis-$(date +%s).json \\
  --metadata agent=claude-code \\
  --metadata type=analysis \\
  --tags project=api,phase=discovery`,
    check: async (r, { s3 }) => {
      const out = json(r.stdout);
      expect(out.key).toMatch(/^analysis-\d+\.json$/);
      const head = await s3.send(new HeadObjectCommand({ Bucket: 'seed-sessions', Key: out.key as string }));
      expect(head.Metadata).toEqual({ agent: 'claude-code', type: 'analysis' });
      expect(head.ContentType).toBe('application/json');
      const tags = await s3.send(new GetObjectTaggingCommand({ Bucket: 'seed-sessions', Key: out.key as string }));
      expect(tags.TagSet).toEqual(expect.arrayContaining([{ Key: 'project', Value: 'api' }, { Key: 'phase', Value: 'discovery' }]));
    },
  },
  {
    lines: '104-105 (bare key, resolved through BLOB_ENV=dev whose bucket is seed-sessions)',
    env: { BLOB_ENV: 'dev' },
    script: `latest=$(blob list s3://sessions/ --format keys | grep analysis | tail -1)
blob get "$latest" - | jq '.findings[]'`,
    check: (r) => expect(r.stdout).toBe('"auth module lacks tests"\n"n+1 query in orders"\n'),
  },
  {
    lines: '104-105 (the same keys round-trip as full URIs, as in lines 628-629 and 911-913)',
    script: `latest=$(blob list s3://sessions/ --format keys | grep analysis | tail -1)
blob get "s3://sessions/$latest" - | jq '.findings[]'`,
    check: (r) => expect(r.stdout).toBe('"auth module lacks tests"\n"n+1 query in orders"\n'),
  },
  {
    lines: '109',
    script: `blob list s3://sessions/ --since "7 days ago"`,
    check: (r) => {
      const objects = json(r.stdout).objects as Array<Record<string, unknown>>;
      expect(objects).toHaveLength(1);
      expect(objects[0]).toMatchObject({ size: expect.any(Number), storage_class: 'STANDARD', metadata: { agent: 'claude-code', type: 'analysis' } });
      expect(Object.keys(objects[0]!)).toEqual(expect.arrayContaining(['key', 'size', 'last_modified', 'etag', 'storage_class']));
    },
  },
  {
    lines: '136-148',
    script: `blob put training-data-10GB.parquet s3://shared/datasets/training-v1.parquet \\
  --storage-class STANDARD \\
  --metadata rows=10000000 \\
  --metadata created=$(date -u +%s) >/dev/null
blob get s3://shared/datasets/training-v1.parquet ./data/training.parquet >/dev/null
cmp training-data-10GB.parquet ./data/training.parquet
blob select s3://shared/datasets/training-v1.parquet \\
  "SELECT category, AVG(price) FROM s3object GROUP BY category" \\
  --format parquet`,
    check: (r) => {
      const rows = r.stdout.trim().split('\n').map((l) => json(l));
      // price = i for i in 0..299, category cycles a,b,c
      expect(rows).toEqual([
        { category: 'a', _2: 148.5 },
        { category: 'b', _2: 149.5 },
        { category: 'c', _2: 150.5 },
      ]);
    },
  },
  {
    lines: '181',
    script: 'blob put report.csv s3://artifacts/reports/$(date +%s).csv',
    check: (r) => expect(json(r.stdout)).toMatchObject({ content_type: 'text/csv', size: 35 }),
  },
  {
    lines: '244-265 (version ids are real ones instead of v1-xyz789)',
    script: `blob put config.yaml s3://config/app-config.yaml \\
  --metadata version=1.0 >/dev/null
blob put config-v2.yaml s3://config/app-config.yaml \\
  --metadata version=2.0 >/dev/null
blob versions s3://config/app-config.yaml > versions.json
v1=$(jq -r '.versions[] | select(.is_latest == false) | .version_id' versions.json)
blob get s3://config/app-config.yaml --version-id "$v1" ./config-v1.yaml >/dev/null
cmp config.yaml config-v1.yaml
blob put ./config-v1.yaml s3://config/app-config.yaml >/dev/null
blob copy s3://config/app-config.yaml?versionId=$v1 \\
  s3://config/app-config.yaml >/dev/null
blob get s3://config/app-config.yaml - && blob head s3://config/app-config.yaml | jq -c .metadata && cat versions.json`,
    check: (r) => {
      const [content, metadata, ...rest] = r.stdout.split('\n');
      expect(content).toBe('app: v1');
      expect(json(metadata!)).toEqual({ version: '1.0' });
      const versions = json(rest.join('\n')).versions as Array<Record<string, unknown>>;
      expect(versions).toHaveLength(2);
      expect(versions[0]).toEqual({ version_id: expect.any(String), is_latest: true, size: 9, last_modified: expect.any(String), etag: expect.any(String) });
      expect(versions[1]).toMatchObject({ is_latest: false, size: 8 });
    },
  },
  {
    lines: '271-276',
    script: `blob put config.yaml s3://config/api-keys.enc >/dev/null
blob list s3://artifacts/ --recursive | jq -r '.objects[] |
  "\\(.last_modified) - \\(.key) - \\(.size) bytes"'
blob versions s3://config/api-keys.enc | jq '.versions[] |
  "\\(.last_modified) - Version \\(.version_id) - \\(.size) bytes"'`,
    check: (r) => {
      const lines = r.stdout.trim().split('\n');
      expect(lines).toContainEqual(expect.stringMatching(/^\d{4}-\d\d-\d\dT[\d:.]+Z - v1\.0\.0\/app\.zip - 3000 bytes$/));
      expect(lines[lines.length - 1]).toMatch(/^"\d{4}-.*Z - Version [\w-]+ - 8 bytes"$/);
    },
  },
  {
    lines: '367-372',
    script: `url=$(blob presign s3://artifacts/v1.0.0/app.zip --expires 3600)
echo "Download link (valid for 1 hour): $url" >&2
curl -sfO "$url"
cmp app.zip build/app.zip && echo same`,
    check: (r) => expect(r.stdout).toBe('same\n'),
  },
  {
    lines: '375-376',
    script: `upload_url=$(blob presign s3://uploads/data.csv --method PUT --expires 1800)
curl -sf -X PUT -T data.csv "$upload_url"
blob get s3://uploads/data.csv -`,
    check: (r) => expect(r.stdout).toBe(readFileSync(join(workspace.dir, 'data.csv'), 'utf8')),
  },
  {
    lines: '389-398',
    script: `blob presign s3://artifacts/latest.zip --expires 24h | \\
  notify-team.sh "Build complete: {url}"
presigned_upload=$(blob presign s3://uploads/video-$USER_ID.mp4 --method PUT --expires 1h)
echo "$presigned_upload"
blob presign s3://reports/monthly-$MONTH.pdf --expires 7d | \\
  email-stakeholders.sh`,
    env: { USER_ID: 'u42', MONTH: '2025-11' },
    check: (r) => {
      const [a, b, c] = r.stdout.trim().split('\n');
      expect(a).toMatch(/^notified: Build complete: http:\/\/.*\/seed-artifacts\/latest\.zip\?.*X-Amz-Expires=86400/);
      expect(b).toMatch(/seed-uploads\/video-u42\.mp4\?.*X-Amz-Expires=3600.*x-id=PutObject/);
      expect(c).toMatch(/^mailed: .*monthly-2025-11\.pdf\?.*X-Amz-Expires=604800/);
    },
  },
  {
    lines: '420-431',
    script: `blob get s3://datasets/huge-file.csv - --range 0-1048575 | head -20 > first20.txt
blob get s3://logs/app-$(date +%Y-%m-%d).log - | grep ERROR | tail
blob get s3://videos/movie.mp4 - --range 1000000-2000000 | play-video.sh
blob get s3://data/dataset-100GB.parquet - | \\
  process-chunks.py | \\
  blob put - s3://processed/results.json >/dev/null
blob get s3://processed/results.json -
wc -l < first20.txt`,
    check: (r) => {
      expect(r.stdout.trim().split('\n')).toEqual(['2025-11-15 ERROR disk full', '1000001', `{"bytes": ${SIZES.parquet}}`, '20']);
    },
  },
  {
    lines: '437-439',
    script: `blob select s3://logs/access-logs-100GB.csv \\
  "SELECT * FROM s3object WHERE status_code = 500 AND timestamp > '2025-11-15T00:00:00'" \\
  --format csv`,
    check: (r) => {
      expect(r.stdout.trim().split('\n').map((l) => json(l))).toEqual([{ timestamp: '2025-11-15T10:00:00', status_code: '500', path: '/api/orders' }]);
    },
  },
  {
    lines: '491',
    script: 'blob put critical-data.json s3://artifacts/critical/data.json',
    check: (r) => expect(json(r.stdout)).toMatchObject({ uri: 's3://seed-artifacts/critical/data.json', content_type: 'application/json' }),
  },
  {
    lines: '570-591',
    env: { SESSION_ID: 's1' },
    script: `echo 'def api(): pass' | blob put - s3://codegen/session-$SESSION_ID/api.py \\
  --metadata agent=agent-1 \\
  --metadata component=api >/dev/null
echo 'class Model: pass' | blob put - s3://codegen/session-$SESSION_ID/models.py \\
  --metadata agent=agent-2 \\
  --metadata component=models >/dev/null
echo 'def test(): pass' | blob put - s3://codegen/session-$SESSION_ID/tests.py \\
  --metadata agent=agent-3 \\
  --metadata component=tests >/dev/null
echo '# Generated' | blob put - s3://codegen/session-$SESSION_ID/README.md \\
  --metadata agent=agent-4 \\
  --metadata component=docs >/dev/null
blob get-dir s3://codegen/session-$SESSION_ID/ ./generated/ | jq -c '[.transferred, .skipped]'
cat generated/models.py generated/README.md`,
    check: (r) => expect(r.stdout).toBe('[4,0]\nclass Model: pass\n# Generated\n'),
  },
  {
    lines: '612-638 (tail -f app.log → cat app.log)',
    env: { AGENT_ID: '7' },
    script: `cat app.log | while read line; do
  echo "$line"
done | blob put - s3://logs/$(date +%Y-%m-%d-%H)/agent-$AGENT_ID.log >/dev/null
HOUR_PREFIX="s3://logs/$(date +%Y-%m-%d-%H)/"
blob list "$HOUR_PREFIX" --format keys | while read key; do
  blob select "s3://logs/$key" \\
    "SELECT * FROM s3object WHERE level='ERROR'" \\
    --format jsonl
done | jq -s '.' > errors-$(date +%Y-%m-%d-%H).json
cat errors-*.json | blob put - s3://analytics/errors-$(date +%Y-%m-%d-%H).json >/dev/null
error_count=$(jq 'length' errors-*.json)
echo "$error_count"`,
    check: (r) => expect(r.stdout).toBe('2\n'),
  },
  {
    lines: '671-705 (30d presign is refused: SigV4 caps presigned URLs at 7 days)',
    env: { VERSION: 'v1.0.0', COMMIT: 'abc123' },
    script: `blob put ./dist/app.zip s3://artifacts/$VERSION/app.zip \\
  --metadata version=$VERSION \\
  --metadata commit=$COMMIT \\
  --metadata build_time=$(date -u +%s) \\
  --tags env=prod,released=true >/dev/null
ARTIFACT_KEY="$VERSION/app.zip"
blob get s3://artifacts/$ARTIFACT_KEY ./app.zip >/dev/null
deploy-to-prod.sh ./app.zip
set +e
rollback_url=$(blob presign s3://artifacts/$VERSION/app.zip --expires 30d)
echo "exit=$? url=$rollback_url"`,
    check: (r) => {
      expect(r.stdout).toBe('exit=2 url=\n');
      expect(r.stderr.trim()).toMatch(/^blob: error: --expires 30d is longer than 7 days \(SigV4 presigned URLs are valid for at most 7 days/);
    },
  },
  {
    lines: '739-788',
    env: { VERSION: 'v1.0.0', ROWS: '10000000', MODEL_VERSION: 'v1.0' },
    script: `blob put training-data.parquet s3://datasets/$VERSION/training.parquet \\
  --metadata version=$VERSION \\
  --metadata rows=$ROWS \\
  --metadata created=$(date -u +%s) \\
  --metadata hash=$(sha256sum training-data.parquet | cut -d' ' -f1) \\
  --tags dataset=training,split=train >/dev/null
blob put validation-data.parquet s3://datasets/$VERSION/validation.parquet \\
  --metadata version=$VERSION \\
  --metadata rows=1000000 \\
  --tags dataset=training,split=validation >/dev/null
blob get s3://datasets/$VERSION/training.parquet ./data/train.parquet >/dev/null
blob get s3://datasets/$VERSION/validation.parquet ./data/val.parquet >/dev/null
blob put model.pkl s3://models/$MODEL_VERSION/model.pkl \\
  --metadata dataset_version=$VERSION \\
  --metadata training_time=1731696000 \\
  --tags model_type=xgboost,dataset=$VERSION >/dev/null
blob list s3://models/ --recursive | jq -r '.objects[] |
  "\\(.metadata.dataset_version) → \\(.key)"'
blob list s3://models/ --format json | jq -c '.objects[] |
  {model: .key, dataset: .metadata.dataset_version, trained: .metadata.training_time}'`,
    check: (r) => {
      expect(r.stdout).toBe('v1.0.0 → v1.0/model.pkl\n{"model":"v1.0/model.pkl","dataset":"v1.0.0","trained":"1731696000"}\n');
    },
  },
  {
    lines: '828-837',
    script: `blob put data.csv s3://uploads/$(date +%s).csv > put.json
BUCKET=$(jq -r .bucket put.json); KEY=$(jq -r .key put.json)
blob get s3://$BUCKET/$KEY - | parse-csv.py | analyze.py`,
    check: (r) => expect(r.stdout).toBe('3\n'),
  },
  {
    lines: '871',
    script: 'blob put raw-data.json s3://raw-data/$(date +%s).json',
    check: (r) => expect(json(r.stdout)).toMatchObject({ bucket: 'seed-raw-data', content_type: 'application/json' }),
  },
  {
    lines: '906-917',
    script: `echo one | blob put - s3://uploads/$(date +%Y-%m-%d-%H)/a.txt >/dev/null
echo three | blob put - s3://uploads/$(date +%Y-%m-%d-%H)/b.txt >/dev/null
HOUR_PREFIX="s3://uploads/$(date +%Y-%m-%d-%H)/"
blob list "$HOUR_PREFIX" --format keys | while read key; do
  blob get "s3://uploads/$key" - | process.py
  blob delete "s3://uploads/$key" >/dev/null
done
blob list "$HOUR_PREFIX" --format keys | wc -l`,
    check: (r) => expect(r.stdout).toBe('4\n6\n0\n'),
  },
  {
    lines: '948',
    script: 'blob put --region eu-central-1 data.json s3://global-bucket/data.json',
    check: (r) => expect(json(r.stdout)).toMatchObject({ uri: 's3://seed-global-bucket/data.json' }),
  },
];

const SIZES = { parquet: 0 };
let moto: MotoServer;
let s3: S3Client;
const workspace = shellWorkspace();

function writeFixtures(dir: string): void {
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
