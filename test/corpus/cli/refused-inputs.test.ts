import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { EXIT } from '../../../cli/shared/cli-errors';
import { SINCE_FORMS } from '../../../cli/blob/since';
import { shellWorkspace } from '../../cli/blob-harness';
import type { MotoServer } from '../../support/moto';
import { CliCase, expectRefused, runBlob, Runner, startCorpus, stopCorpus, versionSnapshot } from './cli-corpus';

/**
 * Class 7 (CLI part): inputs that cannot be right are refused with exit 2 and one line, not
 * guessed: `--since` values that name no time (or a future one), and `select` queries naming a
 * column the data does not have (CSV header, CSV without header, JSON Lines, Parquet schema).
 */
const BUCKET = 'corpus-refused';
let moto: MotoServer;
let s3: S3Client;
let r: Runner;
const ws = shellWorkspace();
let before: string[];

beforeAll(async () => {
  ({ moto, s3, runner: r } = await startCorpus(BUCKET, ws.dir));
  const parquet = new Uint8Array(parquetWriteBuffer({ columnData: [{ name: 'level', data: ['ERROR', 'INFO'], type: 'STRING' }] }));
  const objects: Array<[string, string | Uint8Array]> = [
    ['logs/app.csv', 'level,msg\nERROR,disk full\nINFO,ok\n'],
    ['logs/header-only.csv', 'level,msg\n'],
    ['logs/raw.csv', 'ERROR,disk full\nINFO,ok\n'],
    ['logs/app.jsonl', '{"level":"ERROR","msg":"disk full"}\n{"level":"INFO"}\n'],
    ['logs/app.parquet', parquet],
  ];
  for (const [Key, Body] of objects) await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key, Body }));
  before = await versionSnapshot(s3, BUCKET);
}, 120_000);

afterAll(() => stopCorpus({ moto, s3 }));

const since = (value: string, why = 'names no point in time'): CliCase => ({
  name: `--since "${value}"`,
  args: ['list', 'logs/', '--since', value],
  exit: EXIT.USAGE,
  line: `blob: error: --since "${value}" ${why} (give ${SINCE_FORMS})`,
});
const COLUMN_HINT = 'check the column names (blob select KEY "SELECT * FROM s3object LIMIT 1" shows them)';

const CASES: CliCase[] = [
  since('banana'),
  since('7 dayz ago'),
  since('last tuesday banana'),
  since('3 parsecs ago'),
  since('2025-02-30', 'is not a real date'),
  since('2025-13-01', 'is not a real date'),
  {
    name: '--since in the future',
    args: ['list', 'logs/', '--since', '2999-01-01'],
    exit: EXIT.USAGE,
    line: `blob: error: --since "2999-01-01" is in the future (2999-01-01T00:00:00.000Z), so nothing could match (give a past time: ${SINCE_FORMS})`,
  },
  {
    name: 'select WHERE on a column the CSV header lacks',
    args: ['select', 'logs/app.csv', "SELECT * FROM s3object s WHERE s.severity = 'ERROR'"],
    exit: EXIT.USAGE,
    line: `blob: error: logs/app.csv: column "severity" not in the CSV header (columns: level, msg) (${COLUMN_HINT})`,
  },
  {
    name: 'select projecting columns the CSV header lacks',
    args: ['select', 'logs/app.csv', 'SELECT s.level, s.agent, s.host FROM s3object s'],
    exit: EXIT.USAGE,
    line: `blob: error: logs/app.csv: columns "agent", "host" not in the CSV header (columns: level, msg) (${COLUMN_HINT})`,
  },
  {
    name: 'select on a header-only CSV naming a missing column',
    args: ['select', 'logs/header-only.csv', 'SELECT COUNT(*) FROM s3object s WHERE s.severity > 1'],
    exit: EXIT.USAGE,
    line: `blob: error: logs/header-only.csv: column "severity" not in the CSV header (columns: level, msg) (${COLUMN_HINT})`,
  },
  {
    name: 'select _3 on a two-column CSV without header',
    args: ['select', 'logs/raw.csv', "SELECT * FROM s3object s WHERE s._3 = 'x'", '--no-header'],
    exit: EXIT.USAGE,
    line: `blob: error: logs/raw.csv: column "_3" not in any record (columns: _1, _2) (${COLUMN_HINT})`,
  },
  {
    name: 'select on JSON Lines naming a key no record has',
    args: ['select', 'logs/app.jsonl', "SELECT * FROM s3object s WHERE s.lvl = 'ERROR'"],
    exit: EXIT.USAGE,
    line: `blob: error: logs/app.jsonl: column "lvl" not in any record (columns: level, msg) (${COLUMN_HINT})`,
  },
  {
    name: 'select on Parquet naming a column outside its schema',
    args: ['select', 'logs/app.parquet', 'SELECT s.message FROM s3object s'],
    exit: EXIT.USAGE,
    line: `blob: error: logs/app.parquet: column "message" not in the Parquet schema (columns: level) (${COLUMN_HINT})`,
  },
  {
    name: 'select GROUP BY a column the CSV header lacks',
    args: ['select', 'logs/app.csv', 'SELECT s.host, COUNT(*) FROM s3object s GROUP BY s.host'],
    exit: EXIT.USAGE,
    line: `blob: error: logs/app.csv: column "host" not in the CSV header (columns: level, msg) (${COLUMN_HINT})`,
  },
];

describe('inputs that cannot be right are refused, not guessed', () => {
  test.each(CASES.map((c) => [c.name, c] as const))('%s', async (_name, c) => expectRefused(r, c));
});

describe('what can be right still works', () => {
  test.each(['7 days ago', '7d', 'yesterday', '2020-01-01', '2020-01-01T08:00:00Z'])('--since "%s" lists the objects', async (value) => {
    const res = await runBlob(r, ['list', 'logs/', '--since', value, '--format', 'keys']);
    expect({ code: res.code, keys: res.stdout.split('\n').filter(Boolean).length }).toEqual({ code: 0, keys: 5 });
  });

  test('columns are matched case-insensitively, and a column some JSON records lack is fine', async () => {
    expect((await runBlob(r, ['select', 'logs/app.csv', "SELECT s.MSG FROM s3object s WHERE s.Level = 'ERROR'"])).stdout).toBe('{"MSG":"disk full"}\n');
    expect((await runBlob(r, ['select', 'logs/app.jsonl', 'SELECT s.msg FROM s3object s'])).stdout).toBe('{"msg":"disk full"}\n{"msg":null}\n');
    expect((await runBlob(r, ['select', 'logs/app.parquet', "SELECT COUNT(*) AS n FROM s3object s WHERE s.level = 'ERROR'"])).stdout).toBe('{"n":1}\n');
  });

  test('nothing was written or lost', async () => {
    expect(await versionSnapshot(s3, BUCKET)).toEqual(before);
  });
});
