/**
 * get-dir's plan (cli/blob/transfer/local-tree.ts planGetDir): every key's local path classified
 * before anything is written. A key its directory's listing proves absent skips its lstat; these
 * cases pin that the classification is the same as one lstat per key would give, and that the
 * name folding only ever errs towards looking.
 */
import { chmodSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { foldName, planGetDir } from '../../cli/blob/transfer/local-tree';

function tree(): string {
  const dir = mkdtempSync(join(tmpdir(), 'plan-'));
  writeFileSync(join(dir, 'kept.txt'), 'twelve bytes');
  chmodSync(join(dir, 'kept.txt'), 0o640);
  mkdirSync(join(dir, 'sub'));
  writeFileSync(join(dir, 'sub', 'deep.bin'), 'x');
  return dir;
}

describe('planGetDir classifies each local path as one lstat per key would', () => {
  it('absent keys (in DIR, in an existing and a missing subdirectory) and an existing regular file with its size and mode', async () => {
    const dir = tree();
    const plan = await planGetDir(dir, 'p/', ['p/kept.txt', 'p/new.txt', 'p/sub/deep.bin', 'p/sub/new.bin', 'p/missing/a/b.bin']);
    const byRel = Object.fromEntries(plan.map((p) => [p.rel, p]));
    expect(byRel['kept.txt']).toMatchObject({ existing: { size: 12 }, mode: 0o640 });
    expect(byRel['sub/deep.bin']).toMatchObject({ existing: { size: 1 } });
    for (const rel of ['new.txt', 'sub/new.bin', 'missing/a/b.bin']) {
      expect(byRel[rel]?.existing).toBeUndefined();
      expect(byRel[rel]?.mode).toBeUndefined();
    }
  });

  it('a DIR that does not exist yet: every key absent', async () => {
    const dir = join(tree(), 'not-yet');
    const plan = await planGetDir(dir, '', ['a.bin', 'b/c.bin']);
    expect(plan.map((p) => p.existing)).toEqual([undefined, undefined]);
  });

  it.each([
    ['a symlink', (d: string) => symlinkSync(join(d, 'kept.txt'), join(d, 'target')), /is a symlink/],
    ['a directory', (d: string) => mkdirSync(join(d, 'target')), /is a directory/],
    ['a FIFO', (d: string) => execFileSync('mkfifo', [join(d, 'target')]), /is a FIFO/],
  ])('%s where a key goes: refused before anything is written', async (_what, make, message) => {
    const dir = tree();
    make(dir);
    await expect(planGetDir(dir, '', ['fine.bin', 'target'])).rejects.toThrow(message);
  });

  it('a name that differs only in case or Unicode form is still looked at (case-insensitive filesystems)', async () => {
    const dir = tree();
    // On this case-sensitive filesystem the lstat finds nothing, so the key is absent; what matters
    // is that the folded listing did not rule it out without looking (see foldName below).
    const plan = await planGetDir(dir, '', ['KEPT.TXT', 'kept.txt']);
    expect(plan.find((p) => p.rel === 'kept.txt')?.existing).toMatchObject({ size: 12 });
    expect(plan.find((p) => p.rel === 'KEPT.TXT')?.existing).toBeUndefined();
  });
});

describe('foldName folds every pair a case-insensitive or normalising filesystem may equate', () => {
  it.each([
    ['case', 'Report.CSV', 'report.csv'],
    ['NFD against NFC', 'caf\u0065\u0301.txt', 'caf\u00e9.txt'],
    ['sharp s against SS', 'stra\u00dfe', 'STRASSE'],
    ['fullwidth against ASCII', '\uff21\uff22.txt', 'ab.txt'],
    ['Kelvin sign against K', '\u212a.bin', 'k.bin'],
  ])('%s', (_what, a, b) => {
    expect(foldName(a)).toBe(foldName(b));
  });

  it('keeps names that no filesystem equates apart', () => {
    expect(foldName('a.txt')).not.toBe(foldName('b.txt'));
    expect(foldName('a.txt')).not.toBe(foldName('a.txt '));
  });
});
