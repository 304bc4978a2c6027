import { GetObjectTaggingCommand, HeadObjectCommand } from '@aws-sdk/client-s3';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SeedCase, json, lastJson, workspace } from './blob-seed-fixtures';

/** The seed's object commands (seed lines 71–398): put, get, list, versions, copy and presign. */
export const OBJECT_CASES: SeedCase[] = [
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
];
