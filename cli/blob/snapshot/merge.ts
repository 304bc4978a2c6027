import { Entry } from './history';
import { compareKeys } from './keys';

/** One key of two key-ordered streams: in `a` only, in `b` only, or in both. */
export interface Pair {
  readonly key: string;
  readonly a?: Entry;
  readonly b?: Entry;
}

/**
 * Merge-joins two streams sorted in S3 key order (manifests, history listings), holding one entry
 * of each: how diff, restore and fork compare 100,000 keys without a map of them. `mapA` renames
 * a's keys first (fork: the source prefix becomes the destination's), which keeps the order since
 * both sides then share one prefix.
 */
export async function* mergeJoin(a: AsyncIterable<Entry>, b: AsyncIterable<Entry>, mapA: (key: string) => string = (k) => k): AsyncGenerator<Pair> {
  const ia = a[Symbol.asyncIterator]();
  const ib = b[Symbol.asyncIterator]();
  const nextA = async (): Promise<Entry | undefined> => {
    const r = await ia.next();
    return r.done ? undefined : { ...r.value, key: mapA(r.value.key) };
  };
  const nextB = async (): Promise<Entry | undefined> => {
    const r = await ib.next();
    return r.done ? undefined : r.value;
  };
  let x = await nextA();
  let y = await nextB();
  while (x || y) {
    const c = !x ? 1 : !y ? -1 : compareKeys(x.key, y.key);
    if (c < 0) {
      yield { key: x!.key, a: x };
      x = await nextA();
    } else if (c > 0) {
      yield { key: y!.key, b: y };
      y = await nextB();
    } else {
      yield { key: x!.key, a: x, b: y };
      x = await nextA();
      y = await nextB();
    }
  }
}

/** Same content: S3 gives a copy of a single-part object the source's ETag, so ETag and size decide. */
export function sameContent(a: Entry, b: Entry): boolean {
  return a.etag === b.etag && a.size === b.size;
}
