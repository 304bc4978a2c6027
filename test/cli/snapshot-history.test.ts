import type { ListObjectVersionsCommand, ListObjectVersionsCommandOutput, S3Client } from '@aws-sdk/client-s3';
import { Entry, stateAt } from '../../cli/blob/snapshot/history';
import { compareKeys } from '../../cli/blob/snapshot/keys';
import { mergeJoin } from '../../cli/blob/snapshot/merge';

/**
 * The pure parts of snapshots: rebuilding a prefix's state at an instant from ListObjectVersions
 * pages (a key's versions split across pages, delete markers, the `.snapshots/` folder) and the
 * merge-join in S3's UTF-8 key order. The CLI end to end: test/cli/snapshots.test.ts.
 */
const t = (s: number): Date => new Date(Date.UTC(2026, 0, 1, 0, 0, s));
const v = (Key: string, VersionId: string, s: number, IsLatest = false) => ({ Key, VersionId, LastModified: t(s), IsLatest, ETag: `"${VersionId}"`, Size: 1 });
const m = (Key: string, VersionId: string, s: number, IsLatest = false) => ({ Key, VersionId, LastModified: t(s), IsLatest });

/** A client that answers ListObjectVersions with the given pages in turn, checking the markers. */
function pagedS3(pages: Array<Partial<ListObjectVersionsCommandOutput>>): S3Client {
  let i = 0;
  return {
    send: async (cmd: ListObjectVersionsCommand) => {
      const page = pages[i]!;
      if (i > 0) expect(cmd.input.KeyMarker).toBe(pages[i - 1]!.NextKeyMarker);
      i++;
      return { ...page, IsTruncated: i < pages.length };
    },
  } as unknown as S3Client;
}

const pages: Array<Partial<ListObjectVersionsCommandOutput>> = [
  {
    Versions: [v('p/a', 'a2', 30, true), v('p/a', 'a1', 10), v('p/b', 'b2', 40)],
    DeleteMarkers: [m('p/b', 'bm', 50, true)],
    NextKeyMarker: 'p/b',
    NextVersionIdMarker: 'b2',
  },
  {
    // p/b continues on this page: its first version, older than both above.
    Versions: [v('p/b', 'b1', 5), v('p/c', 'c1', 20, true), v('p/.snapshots/x.ndjson', 's1', 1, true)],
    DeleteMarkers: [m('p/c', 'cm', 15)],
  },
];

async function collect(it: AsyncIterable<Entry>): Promise<string[]> {
  const out: string[] = [];
  for await (const e of it) out.push(`${e.key}@${e.version_id}`);
  return out;
}

test('now: the latest of each key; a key whose latest is a delete marker is absent; .snapshots/ is left out', async () => {
  expect(await collect(stateAt(pagedS3(pages), 'bkt', 'p/'))).toEqual(['p/a@a2', 'p/c@c1']);
});

test('at an instant: the newest version or delete marker not after it, across page boundaries', async () => {
  expect(await collect(stateAt(pagedS3(pages), 'bkt', 'p/', t(12)))).toEqual(['p/a@a1', 'p/b@b1']);
  expect(await collect(stateAt(pagedS3(pages), 'bkt', 'p/', t(16)))).toEqual(['p/a@a1', 'p/b@b1']);
  expect(await collect(stateAt(pagedS3(pages), 'bkt', 'p/', t(45)))).toEqual(['p/a@a2', 'p/b@b2', 'p/c@c1']);
  expect(await collect(stateAt(pagedS3(pages), 'bkt', 'p/', t(2)))).toEqual([]);
});

test('keys compare in UTF-8 byte order, as S3 lists them (not UTF-16 order)', () => {
  // UTF-16: U+FF5E (0xFF5E) sorts after the surrogate 0xD83D of U+1F600; UTF-8: EF.. before F0..
  expect(compareKeys('\uFF5E', '\u{1F600}')).toBeLessThan(0);
  expect('\uFF5E' < '\u{1F600}').toBe(false);
});

test('mergeJoin pairs keys of two ordered streams and renames the first side', async () => {
  const entry = (key: string): Entry => ({ key, version_id: 'v', etag: key, size: 1, last_modified: '' });
  async function* of(...keys: string[]): AsyncGenerator<Entry> {
    for (const k of keys) yield entry(k);
  }
  const pairs: string[] = [];
  for await (const p of mergeJoin(of('src/a', 'src/c', 'src/d'), of('dst/b', 'dst/c'), (k) => `dst/${k.slice(4)}`)) {
    pairs.push(`${p.key}:${p.a ? 'a' : ''}${p.b ? 'b' : ''}`);
  }
  expect(pairs).toEqual(['dst/a:a', 'dst/b:b', 'dst/c:ab', 'dst/d:a']);
});
