import { SIZES, SeedCase, json } from './blob-seed-fixtures';

/**
 * The seed's workflows (seed lines 420–948): ranged and streamed reads, S3 Select, agent sessions,
 * log analysis, releases and rollback, datasets and models, upload processing, regions.
 */
export const WORKFLOW_CASES: SeedCase[] = [
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
