import { mapPool } from '../../cli/blob/transfer/pool';

/**
 * mapPool bounds work in flight; with `slotHeldUntil` one of its slots belongs to work outside the
 * pool (a download's first range) until that settles, so the bound holds for both together.
 */
function tracked(): { fn: (i: number) => Promise<number>; peak: () => number; order: number[] } {
  let running = 0;
  let peak = 0;
  const order: number[] = [];
  return {
    order,
    peak: () => peak,
    fn: async (i) => {
      running++;
      peak = Math.max(peak, running);
      order.push(i);
      await new Promise((r) => setTimeout(r, 5));
      running--;
      return i * 2;
    },
  };
}

test.each([1, 2, 4, 16])('at most %d in flight, every result in item order', async (concurrency) => {
  const t = tracked();
  const items = Array.from({ length: 12 }, (_, i) => i);
  expect(await mapPool(items, concurrency, t.fn)).toEqual(items.map((i) => i * 2));
  expect(t.peak()).toBe(Math.min(concurrency, items.length));
});

test.each([1, 2, 4])('concurrency %d with a held slot: one fewer until the slot is freed, then all of them', async (concurrency) => {
  const t = tracked();
  let free!: () => void;
  const held = new Promise<void>((r) => (free = r));
  const items = Array.from({ length: 40 }, (_, i) => i);
  const done = mapPool(items, concurrency, t.fn, held);
  await new Promise((r) => setTimeout(r, 30));
  // Before the slot is freed: concurrency - 1 ran (none at all with concurrency 1).
  expect(t.peak()).toBe(concurrency - 1);
  if (concurrency === 1) expect(t.order).toEqual([]);
  free();
  expect(await done).toEqual(items.map((i) => i * 2));
  expect(t.peak()).toBe(concurrency);
});

test('a held slot that fails stays unused; the other workers still finish the items', async () => {
  const t = tracked();
  const held = Promise.reject(new Error('first range failed'));
  const items = Array.from({ length: 6 }, (_, i) => i);
  expect(await mapPool(items, 3, t.fn, held)).toEqual(items.map((i) => i * 2));
  expect(t.peak()).toBe(2);
});

test('the first failure stops new work and is what mapPool rejects with', async () => {
  const started: number[] = [];
  const err = await mapPool(Array.from({ length: 20 }, (_, i) => i), 2, async (i) => {
    started.push(i);
    await new Promise((r) => setTimeout(r, 2));
    if (i === 3) throw new Error('item 3');
    return i;
  }).then(() => undefined, (e: Error) => e);
  expect(err?.message).toBe('item 3');
  expect(started.length).toBeLessThan(20);
});
