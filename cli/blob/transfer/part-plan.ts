/**
 * Multipart sizing. S3 allows 10,000 parts of 5 MiB..5 GiB and objects up to 5 TiB.
 *
 * Known size: one part size, the smallest multiple of 1 MiB ≥ 8 MiB that fits in 10,000 parts.
 *
 * Unknown size (stdin): the part size doubles every 1,000 parts, starting at 8 MiB: parts 1-1000
 * are 8 MiB (8 GB), 1001-2000 16 MiB, ... 9001-10000 4 GiB; 10,000 parts then hold 8,184,000 MiB
 * (≈ 7.8 TiB) ≥ 5 TiB, so no flag is needed whatever the input size, while small inputs keep
 * small parts (and small memory).
 */
export const MiB = 1024 * 1024;
export const MIN_PART_SIZE = 8 * MiB;
export const MAX_PARTS = 10_000;
export const MAX_PART_SIZE = 5 * 1024 * MiB;
export const MAX_OBJECT_SIZE = 5 * 1024 * 1024 * MiB;
export const PARTS_PER_TIER = 1_000;

export function partSizeForLength(size: number): number {
  const needed = Math.ceil(size / MAX_PARTS);
  return Math.max(MIN_PART_SIZE, Math.ceil(needed / MiB) * MiB);
}

/** Size of 1-based part `partNumber` of a stream of unknown length. */
export function streamPartSize(partNumber: number): number {
  const tier = Math.floor((partNumber - 1) / PARTS_PER_TIER);
  return MIN_PART_SIZE * 2 ** tier;
}

/** Bytes that parts 1..n of a stream of unknown length can hold. */
export function streamCapacity(parts: number): number {
  let total = 0;
  for (let p = 1; p <= parts; p += PARTS_PER_TIER) total += streamPartSize(p) * Math.min(PARTS_PER_TIER, parts - p + 1);
  return total;
}

/** Byte ranges (inclusive end) of a known-size object cut into parts. */
export function partRanges(size: number, partSize: number): Array<{ partNumber: number; start: number; end: number }> {
  const ranges: Array<{ partNumber: number; start: number; end: number }> = [];
  for (let start = 0, n = 1; start < size; start += partSize, n++) ranges.push({ partNumber: n, start, end: Math.min(size, start + partSize) - 1 });
  return ranges;
}
