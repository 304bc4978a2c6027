import type { TopCounter } from './insights';
import type { TopValue } from './space-saving';

/**
 * SpaceSaving (space-saving.ts) keyed by the value's UTF-8 bytes, so a cell counted straight from
 * the input Buffer costs a hash over its bytes instead of a decoded string, a Map lookup that hashes
 * it again, and the garbage. It reproduces SpaceSaving's answers exactly, evictions included: the
 * same insertion order (a linked list standing in for the Map's), the same cached list of minimum
 * counters popped from its end, the same tie-break when reporting. byte-insights.test.ts runs both
 * on the same random streams.
 *
 * A string key is its UTF-8 bytes; a string with a lone surrogate (a 200-character cut can split a
 * pair) is encoded as WTF-8, whose surrogate sequences (ED A0-BF ..) never occur in valid UTF-8, so
 * distinct strings never share a key.
 */
class Entry {
  count = 0;
  error = 0;
  hash = 0;
  length = 0;
  key = new Uint8Array(32);
  /** The value as a string when it came in as one; otherwise decoded when reported. */
  value: string | undefined;
  chain: Entry | undefined;
  prev: Entry | undefined;
  next: Entry | undefined;
}

export class ByteSpaceSaving implements TopCounter {
  private readonly table: (Entry | undefined)[];
  private readonly mask: number;
  private size = 0;
  private head: Entry | undefined;
  private tail: Entry | undefined;
  private minKeys: Entry[] = [];
  private minCount = 0;

  constructor(readonly capacity = 64) {
    if (capacity < 1) throw new Error('SpaceSaving capacity must be at least 1');
    let slots = 16;
    while (slots < capacity * 4) slots *= 2;
    this.table = new Array<Entry | undefined>(slots).fill(undefined);
    this.mask = slots - 1;
  }

  /** Counts the value whose UTF-8 bytes are bytes[start, end). */
  addBytes(bytes: Uint8Array, start: number, end: number, value?: string): void {
    let hash = 0x811c9dc5;
    for (let i = start; i < end; i++) hash = Math.imul(hash ^ bytes[i]!, 0x01000193);
    const length = end - start;
    for (let e = this.table[hash & this.mask]; e !== undefined; e = e.chain) {
      if (e.hash === hash && e.length === length && sameBytes(e.key, bytes, start, length)) {
        e.count++;
        return;
      }
    }
    let entry: Entry;
    if (this.size < this.capacity) {
      entry = new Entry();
      entry.count = 1;
      entry.error = 0;
    } else {
      entry = this.takeMinimum();
      entry.error = entry.count;
      entry.count++;
    }
    if (entry.key.length < length) entry.key = new Uint8Array(Math.max(length, entry.key.length * 2));
    for (let i = 0; i < length; i++) entry.key[i] = bytes[start + i]!;
    entry.length = length;
    entry.hash = hash;
    entry.value = value;
    this.insert(entry);
  }

  add(value: string): void {
    const bytes = SURROGATE.test(value) ? wtf8(value) : Buffer.from(value);
    this.addBytes(bytes, 0, bytes.length, value);
  }

  top(n: number): TopValue[] {
    const all: TopValue[] = [];
    for (let e = this.head; e !== undefined; e = e.next) {
      all.push({ value: e.value ?? Buffer.from(e.key.buffer, e.key.byteOffset, e.length).toString('utf8'), count: e.count, error: e.error });
    }
    return all.sort((a, b) => b.count - a.count || (a.value < b.value ? -1 : 1)).slice(0, n);
  }

  private insert(e: Entry): void {
    const slot = e.hash & this.mask;
    e.chain = this.table[slot];
    this.table[slot] = e;
    e.prev = this.tail;
    e.next = undefined;
    if (this.tail) this.tail.next = e;
    else this.head = e;
    this.tail = e;
    this.size++;
  }

  private remove(e: Entry): void {
    const slot = e.hash & this.mask;
    if (this.table[slot] === e) this.table[slot] = e.chain;
    else {
      let p = this.table[slot]!;
      while (p.chain !== e) p = p.chain!;
      p.chain = e.chain;
    }
    if (e.prev) e.prev.next = e.next;
    else this.head = e.next;
    if (e.next) e.next.prev = e.prev;
    else this.tail = e.prev;
    this.size--;
  }

  /** Removes one entry holding the minimum count (SpaceSaving's choice) and hands it back for reuse. */
  private takeMinimum(): Entry {
    for (;;) {
      const e = this.minKeys.pop();
      if (e === undefined) {
        this.rescan();
        continue;
      }
      if (e.count === this.minCount) {
        this.remove(e);
        return e;
      }
    }
  }

  private rescan(): void {
    let min = Infinity;
    for (let e = this.head; e !== undefined; e = e.next) if (e.count < min) min = e.count;
    this.minCount = min;
    this.minKeys = [];
    for (let e = this.head; e !== undefined; e = e.next) if (e.count === min) this.minKeys.push(e);
  }
}

const SURROGATE = /[\uD800-\uDFFF]/;

function sameBytes(key: Uint8Array, bytes: Uint8Array, start: number, length: number): boolean {
  for (let i = 0; i < length; i++) if (key[i] !== bytes[start + i]) return false;
  return true;
}

/** UTF-8 with lone surrogates encoded as three bytes each (WTF-8). */
function wtf8(value: string): Buffer {
  const out: number[] = [];
  for (let i = 0; i < value.length; i++) {
    const cp = value.codePointAt(i)!;
    if (cp > 0xffff) i++;
    if (cp < 0x80) out.push(cp);
    else if (cp < 0x800) out.push(0xc0 | (cp >> 6), 0x80 | (cp & 63));
    else if (cp < 0x10000) out.push(0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 63), 0x80 | (cp & 63));
    else out.push(0xf0 | (cp >> 18), 0x80 | ((cp >> 12) & 63), 0x80 | ((cp >> 6) & 63), 0x80 | (cp & 63));
  }
  return Buffer.from(out);
}
