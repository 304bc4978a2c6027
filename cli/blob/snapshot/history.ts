import { ListObjectVersionsCommand, S3Client } from '@aws-sdk/client-s3';
import { stripQuotes } from '../transfer/hash';
import { compareKeys, isSnapshotKey } from './keys';

/** One object of a workspace state: the exact version that was (or is) current. */
export interface Entry {
  readonly key: string;
  readonly version_id: string;
  readonly etag: string;
  readonly size: number;
  readonly last_modified: string;
}

interface Candidate {
  readonly key: string;
  /** Undefined for a delete marker: the key did not exist at that point. */
  readonly entry?: Entry;
  readonly time: number;
  readonly latest: boolean;
}

/**
 * The live objects under `prefix` as they were at `at` (or now), in S3 key order, rebuilt from
 * ListObjectVersions: for each key the newest version or delete marker modified at or before `at`.
 * Streams page by page; besides one page it holds only the best candidate of the key being read,
 * so memory does not grow with the number of keys or versions. Timestamps are S3's LastModified
 * (whole seconds), so writes within the second of `at` may fall on either side.
 */
export async function* stateAt(s3: S3Client, bucket: string, prefix: string, at?: Date): AsyncGenerator<Entry> {
  const cut = at?.getTime();
  let best: Candidate | undefined;
  let keyMarker: string | undefined;
  let versionMarker: string | undefined;
  do {
    const page = await s3.send(
      new ListObjectVersionsCommand({ Bucket: bucket, Prefix: prefix, KeyMarker: keyMarker, VersionIdMarker: versionMarker, MaxKeys: 1000 }),
    );
    const candidates: Candidate[] = [
      ...(page.Versions ?? []).map((v) => {
        const entry: Entry = {
          key: v.Key ?? '',
          version_id: v.VersionId ?? 'null',
          etag: stripQuotes(v.ETag),
          size: v.Size ?? 0,
          last_modified: v.LastModified?.toISOString() ?? '',
        };
        return { key: entry.key, entry, time: v.LastModified?.getTime() ?? 0, latest: !!v.IsLatest };
      }),
      ...(page.DeleteMarkers ?? []).map((m) => ({ key: m.Key ?? '', time: m.LastModified?.getTime() ?? 0, latest: !!m.IsLatest })),
    ];
    // Versions and delete markers come in two lists; put them back in key order.
    candidates.sort((a, b) => compareKeys(a.key, b.key));
    for (const c of candidates) {
      if (isSnapshotKey(prefix, c.key)) continue;
      if (best && best.key !== c.key) {
        if (best.entry) yield best.entry;
        best = undefined;
      }
      if (cut !== undefined && c.time > cut) continue;
      if (!best || better(c, best, cut === undefined)) best = c;
    }
    keyMarker = page.IsTruncated ? page.NextKeyMarker : undefined;
    versionMarker = page.IsTruncated ? page.NextVersionIdMarker : undefined;
  } while (keyMarker);
  if (best?.entry) yield best.entry;
}

function better(c: Candidate, best: Candidate, now: boolean): boolean {
  // "Now" is whatever S3 marks latest; at a past instant, the newest change not after it (on a
  // tie within the same second, the one S3 marks latest, else the delete marker, the later act).
  if (now) return c.latest && !best.latest;
  if (c.time !== best.time) return c.time > best.time;
  if (c.latest !== best.latest) return c.latest;
  return !c.entry && !!best.entry;
}
