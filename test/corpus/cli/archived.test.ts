import { PutObjectCommand, S3Client, StorageClass } from '@aws-sdk/client-s3';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { EXIT } from '../../../cli/shared/cli-errors';
import { shellWorkspace } from '../../cli/blob-harness';
import type { MotoServer } from '../../support/moto';
import { CliCase, expectRefused, runBlob, Runner, startCorpus, stopCorpus, versionSnapshot } from './cli-corpus';

/**
 * Class 6: reading an archived (GLACIER, DEEP_ARCHIVE) object says so and how to restore it (exit
 * 6), never "access denied"; `blob restore` starts, reports and extends restores; `blob head`
 * shows the storage class and the restore status. Restores complete at once on moto unless its
 * state manager holds them "ongoing" (local/emulator/moto_archive.py), which these cases use.
 */
const BUCKET = 'corpus-archived';
let moto: MotoServer;
let s3: S3Client;
let r: Runner;
const ws = shellWorkspace();
let before: string[];

const RESTORE_HINT = (key: string): string =>
  `restore it first: blob restore ${key} --days N --tier Standard|Bulk|Expedited, then read it once blob head shows "ongoing": false`;

async function restoreProgression(progression: 'immediate' | 'manual'): Promise<void> {
  const transition = progression === 'manual' ? { progression, times: 1_000_000 } : { progression };
  const res = await fetch(`${moto.endpoint}/moto-api/state-manager/set-transition`, {
    method: 'POST',
    body: JSON.stringify({ model_name: 's3::keyrestore', transition }),
  });
  expect(res.status).toBe(201);
}

beforeAll(async () => {
  ({ moto, s3, runner: r } = await startCorpus(BUCKET, ws.dir));
  const objects: Array<[string, string, StorageClass]> = [
    ['cold/g.csv', 'a,b\n1,2\n', 'GLACIER'],
    ['cold/deep.jsonl', '{"a":1}\n', 'DEEP_ARCHIVE'],
    ['cold/later.txt', 'restored later', 'GLACIER'],
    ['warm/ir.txt', 'instant', 'GLACIER_IR'],
    ['warm/std.txt', 'standard', 'STANDARD'],
  ];
  for (const [Key, Body, StorageClass] of objects) await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key, Body, StorageClass }));
  writeFileSync(join(ws.dir, 'keep.csv'), 'keep me');
  before = await versionSnapshot(s3, BUCKET);
}, 120_000);

afterAll(() => stopCorpus({ moto, s3 }));

const CASES: CliCase[] = [
  {
    name: 'get of a GLACIER object to a file',
    args: ['get', 'cold/g.csv', 'keep.csv'],
    exit: EXIT.CONFLICT,
    line: `blob: error: get cold/g.csv: archived in GLACIER and not restored (${RESTORE_HINT('cold/g.csv')})`,
  },
  {
    name: 'get of a DEEP_ARCHIVE object to stdout',
    args: ['get', `s3://${BUCKET}/cold/deep.jsonl`, '-'],
    exit: EXIT.CONFLICT,
    line: `blob: error: get s3://${BUCKET}/cold/deep.jsonl: archived in DEEP_ARCHIVE and not restored (${RESTORE_HINT(`s3://${BUCKET}/cold/deep.jsonl`)})`,
  },
  {
    name: 'select over an archived object (client engine)',
    args: ['select', 'cold/g.csv', 'SELECT * FROM s3object'],
    exit: EXIT.CONFLICT,
    line: `blob: error: select cold/g.csv: archived in GLACIER and not restored (${RESTORE_HINT('cold/g.csv')})`,
  },
  {
    name: 'select over an archived object (S3 Select)',
    args: ['select', 'cold/deep.jsonl', 'SELECT * FROM s3object', '--engine', 's3'],
    exit: EXIT.CONFLICT,
    line: `blob: error: select cold/deep.jsonl: archived in DEEP_ARCHIVE and not restored (${RESTORE_HINT('cold/deep.jsonl')})`,
  },
  {
    name: 'copy with an archived source',
    args: ['copy', 'cold/g.csv', 'copies/g.csv'],
    exit: EXIT.CONFLICT,
    line: `blob: error: copy cold/g.csv: archived in GLACIER and not restored (${RESTORE_HINT('cold/g.csv')})`,
  },
  {
    name: 'restore of an object that is not archived',
    args: ['restore', 'warm/std.txt'],
    exit: EXIT.CONFLICT,
    line: `blob: error: s3://${BUCKET}/warm/std.txt is in STANDARD, not archived: nothing to restore (read it directly with blob get)`,
  },
  {
    name: 'restore of GLACIER_IR (instant retrieval needs none)',
    args: ['restore', 'warm/ir.txt', '--days', '3'],
    exit: EXIT.CONFLICT,
    line: `blob: error: s3://${BUCKET}/warm/ir.txt is in GLACIER_IR, not archived: nothing to restore (read it directly with blob get)`,
  },
  {
    name: 'Expedited restore from DEEP_ARCHIVE',
    args: ['restore', 'cold/deep.jsonl', '--tier', 'expedited'],
    exit: EXIT.USAGE,
    line: `blob: error: s3://${BUCKET}/cold/deep.jsonl is in DEEP_ARCHIVE, which has no Expedited retrieval (use --tier Standard (within 12 h) or --tier Bulk (within 48 h))`,
  },
  {
    name: 'restore with an unknown tier',
    args: ['restore', 'cold/g.csv', '--tier', 'Fast'],
    exit: EXIT.USAGE,
    line: 'blob: error: unknown --tier "Fast" (use Standard (3-5 h), Bulk (5-12 h, cheapest) or Expedited (1-5 min; not for DEEP_ARCHIVE))',
  },
  {
    name: 'restore for zero days',
    args: ['restore', 'cold/g.csv', '--days', '0'],
    exit: EXIT.USAGE,
    line: 'blob: error: invalid --days "0" (a whole number of days from 1 to 36500 that the restored copy stays readable)',
  },
  {
    name: 'restore of a key that does not exist',
    args: ['restore', 'cold/missing.csv'],
    exit: EXIT.NOT_FOUND,
    line: 'blob: error: restore cold/missing.csv: not found (check the key with `blob list` and version ids with `blob versions`)',
  },
];

describe('reading an archived object is explained, not "access denied"', () => {
  test.each(CASES.map((c) => [c.name, c] as const))('%s', async (_name, c) => expectRefused(r, c));

  test('head shows the storage class and that no restore was requested', async () => {
    const res = await runBlob(r, ['head', 'cold/g.csv']);
    expect(JSON.parse(res.stdout)).toMatchObject({ storage_class: 'GLACIER', restore: null });
  });
});

describe('blob restore', () => {
  test('a restore in progress: reported by restore and head, a repeat and a read say so', async () => {
    await restoreProgression('manual');
    const started = await runBlob(r, ['restore', 'cold/later.txt', '--days', '2', '--tier', 'Bulk']);
    expect(started.code).toBe(0);
    expect(JSON.parse(started.stdout)).toMatchObject({ storage_class: 'GLACIER', tier: 'Bulk', days: 2, status: 'started', restore: { ongoing: true, expiry: null } });
    expect(JSON.parse((await runBlob(r, ['head', 'cold/later.txt'])).stdout)).toMatchObject({ restore: { ongoing: true, expiry: null } });
    await expectRefused(r, {
      name: 'restore again while in progress',
      args: ['restore', 'cold/later.txt'],
      exit: EXIT.CONFLICT,
      line: `blob: error: s3://${BUCKET}/cold/later.txt: a restore is already in progress (nothing to do; blob head shows "restore": {"ongoing": false, "expiry": …} once the copy is readable: Standard takes 3-5 h, Bulk 5-12 h, Expedited 1-5 min)`,
    });
    await expectRefused(r, {
      name: 'get while the restore runs',
      args: ['get', 'cold/later.txt', '-'],
      exit: EXIT.CONFLICT,
      line: `blob: error: get cold/later.txt: archived in GLACIER and not restored (${RESTORE_HINT('cold/later.txt')})`,
    });
  });

  test('a finished restore makes the object readable and a repeat extends it', async () => {
    await restoreProgression('immediate');
    const first = await runBlob(r, ['restore', 'cold/g.csv', '--days', '1']);
    expect(JSON.parse(first.stdout)).toMatchObject({ status: 'started', restore: { ongoing: false, expiry: expect.any(String) } });
    const head = JSON.parse((await runBlob(r, ['head', 'cold/g.csv'])).stdout) as { restore: { expiry: string } };
    expect(Date.parse(head.restore.expiry)).toBeGreaterThan(Date.now());
    expect((await runBlob(r, ['get', 'cold/g.csv', '-'])).stdout).toBe('a,b\n1,2\n');
    expect((await runBlob(r, ['select', 'cold/g.csv', 'SELECT b FROM s3object'])).stdout).toBe('{"b":"2"}\n');
    const again = await runBlob(r, ['restore', 'cold/g.csv', '--days', '5']);
    const extended = JSON.parse(again.stdout) as { status: string; restore: { expiry: string } };
    expect(extended.status).toBe('extended');
    expect(Date.parse(extended.restore.expiry)).toBeGreaterThan(Date.parse(head.restore.expiry));
  });

  test('nothing was lost: versions as before (no copy was made), the local file untouched', async () => {
    expect(readFileSync(join(ws.dir, 'keep.csv'), 'utf8')).toBe('keep me');
    expect(await versionSnapshot(s3, BUCKET)).toEqual(before);
  });
});
