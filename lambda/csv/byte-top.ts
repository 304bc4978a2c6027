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
 * Values that arrive as strings (the splitter's text path) are indexed by string and get their bytes
 * only when a byte lookup might need them, so that path costs what SpaceSaving did. A string's key
 * is its UTF-8 bytes; a string with a lone surrogate (a 200-character cut can split a
 * pair) is encoded as WTF-8, whose surrogate sequences (ED A0-BF ..) never occur in valid UTF-8, so
 * distinct strings never share a key.
 */
class Entry {
  count = 0;
  error = 0;
  hash = 0;
  /** Key bytes in key[0, length); -1 while the entry is known by its string only (not in the table). */
  length = -1;
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
  /** Entries whose value came in as a string, by that string: the text path's lookups. */
  private readonly byString = new Map<string, Entry>();
  /** Entries known only by bytes (no string): while there are none, a string missing from byString is new. */
  private bytesOnly = 0;
  /** Entries known only by string: keyed into the table before the next byte lookup. */
  private unkeyed = 0;
  private scratch = Buffer.allocUnsafe(256);

  constructor(readonly capacity = 64) {
    if (capacity < 1) throw new Error('SpaceSaving capacity must be at least 1');
    let slots = 16;
    while (slots < capacity * 4) slots *= 2;
    this.table = new Array<Entry | undefined>(slots).fill(undefined);
    this.mask = slots - 1;
  }

  /** Counts the value whose UTF-8 bytes are bytes[start, end). */
  addBytes(bytes: Uint8Array, start: number, end: number): void {
    if (this.unkeyed > 0) this.keyAll();
    const hash = hashOf(bytes, start, end);
    const hit = this.find(bytes, start, end, hash);
    if (hit) {
      hit.count++;
      return;
    }
    const entry = this.makeRoom();
    setKey(entry, bytes, start, end, hash);
    entry.value = undefined;
    this.bytesOnly++;
    this.insert(entry);
  }

  add(value: string): void {
    const known = this.byString.get(value);
    if (known) {
      known.count++;
      return;
    }
    if (this.bytesOnly > 0) {
      // The value may be held under its bytes: look there before counting it as new.
      const bytes = this.bytesOf(value);
      const hash = hashOf(bytes, 0, bytes.length);
      const hit = this.find(bytes, 0, bytes.length, hash);
      if (hit) {
        hit.count++;
        if (hit.value === undefined) this.bytesOnly--;
        hit.value = value;
        this.byString.set(value, hit);
        return;
      }
    }
    const entry = this.makeRoom();
    entry.length = -1;
    entry.value = value;
    this.unkeyed++;
    this.byString.set(value, entry);
    this.insert(entry);
  }

  private bytesOf(value: string): Buffer {
    if (SURROGATE.test(value)) return wtf8(value);
    if (this.scratch.length < value.length * 3) this.scratch = Buffer.allocUnsafe(value.length * 3);
    return this.scratch.subarray(0, this.scratch.write(value));
  }

  /** Puts every string-only entry into the byte table. */
  private keyAll(): void {
    for (let e = this.head; e !== undefined; e = e.next) {
      if (e.length >= 0) continue;
      const bytes = this.bytesOf(e.value!);
      setKey(e, bytes, 0, bytes.length, hashOf(bytes, 0, bytes.length));
      const slot = e.hash & this.mask;
      e.chain = this.table[slot];
      this.table[slot] = e;
    }
    this.unkeyed = 0;
  }

  private find(bytes: Uint8Array, start: number, end: number, hash: number): Entry | undefined {
    const length = end - start;
    for (let e = this.table[hash & this.mask]; e !== undefined; e = e.chain) {
      if (e.hash === hash && e.length === length && sameBytes(e.key, bytes, start, length)) return e;
    }
    return undefined;
  }

  /** An entry for a new value, counted as SpaceSaving counts one: 1, or the evicted minimum + 1. */
  private makeRoom(): Entry {
    if (this.size < this.capacity) {
      const entry = new Entry();
      entry.count = 1;
      entry.error = 0;
      return entry;
    }
    const entry = this.takeMinimum();
    entry.error = entry.count;
    entry.count++;
    return entry;
  }

  top(n: number): TopValue[] {
    const all: TopValue[] = [];
    for (let e = this.head; e !== undefined; e = e.next) {
      all.push({ value: e.value ?? Buffer.from(e.key.buffer, e.key.byteOffset, e.length).toString('utf8'), count: e.count, error: e.error });
    }
    return all.sort((a, b) => b.count - a.count || (a.value < b.value ? -1 : 1)).slice(0, n);
  }

  /** Appends e to the insertion order (and to the byte table when it has a key). */
  private insert(e: Entry): void {
    if (e.length >= 0) {
      const slot = e.hash & this.mask;
      e.chain = this.table[slot];
      this.table[slot] = e;
    }
    e.prev = this.tail;
    e.next = undefined;
    if (this.tail) this.tail.next = e;
    else this.head = e;
    this.tail = e;
    this.size++;
  }

  private remove(e: Entry): void {
    if (e.value !== undefined) this.byString.delete(e.value);
    else this.bytesOnly--;
    if (e.length < 0) this.unkeyed--;
    else {
      const slot = e.hash & this.mask;
      if (this.table[slot] === e) this.table[slot] = e.chain;
      else {
        let p = this.table[slot]!;
        while (p.chain !== e) p = p.chain!;
        p.chain = e.chain;
      }
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

function setKey(e: Entry, bytes: Uint8Array, start: number, end: number, hash: number): void {
  const length = end - start;
  if (e.key.length < length) e.key = new Uint8Array(Math.max(length, e.key.length * 2));
  for (let i = 0; i < length; i++) e.key[i] = bytes[start + i]!;
  e.length = length;
  e.hash = hash;
}

function hashOf(bytes: Uint8Array, start: number, end: number): number {
  let hash = 0x811c9dc5;
  for (let i = start; i < end; i++) hash = Math.imul(hash ^ bytes[i]!, 0x01000193);
  return hash;
}

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
