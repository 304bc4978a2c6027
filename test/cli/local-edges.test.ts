import type { S3Client } from '@aws-sdk/client-s3';
import { spawnSync } from 'node:child_process';
import { chmodSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { parseGetRange } from '../../cli/blob/args';
import { openDestination, resolveTarget } from '../../cli/blob/transfer/destination';
import { destinationSink, downloadInto, rangeHeader, Sink } from '../../cli/blob/transfer/download';
import { CliError, EXIT } from '../../cli/shared/cli-errors';
import { InterruptedError, runInterruptible } from '../../cli/shared/interrupt';
import { createProgress, formatRate, restoreTerminal, TERMINAL_RESTORE } from '../../cli/shared/progress';

/**
 * Unit tests for the local edges of `blob` (issue 14): what a destination path means, positional
 * ranged downloads, suffix ranges, the TTY progress renderer and the interrupt runner. The CLI-level
 * behaviour is in test/corpus/cli/.
 */
const dir = mkdtempSync(join(tmpdir(), 'blob-edges-'));
const at = (...p: string[]): string => join(dir, ...p);

describe('resolveTarget: what writing key K to DST means', () => {
  beforeAll(() => {
    writeFileSync(at('file.txt'), 'x', { mode: 0o640 });
    chmodSync(at('file.txt'), 0o640);
    mkdirSync(at('d'));
    symlinkSync('file.txt', at('to-file'));
    symlinkSync('d', at('to-dir'));
    symlinkSync('missing', at('dangling'));
    spawnSync('mkfifo', [at('fifo')]);
  });

  test.each([
    ['an absent name', 'new.txt', { kind: 'file', path: 'new.txt' }],
    ['an absent name in absent directories (created)', 'made/here/new.txt', { kind: 'file', path: 'made/here/new.txt' }],
    ['a regular file (mode kept)', 'file.txt', { kind: 'file', path: 'file.txt', mode: 0o640 }],
    ['a directory', 'd', { kind: 'file', path: join('d', 'name.bin') }],
    ['a directory with a trailing slash', 'd/', { kind: 'file', path: join('d', 'name.bin') }],
    ['a symlink to a file (its target)', 'to-file', { kind: 'file', path: 'file.txt', mode: 0o640 }],
    ['a symlink to a directory', 'to-dir', { kind: 'file', path: join('to-dir', 'name.bin') }],
    ['a FIFO', 'fifo', { kind: 'stream', path: 'fifo' }],
  ])('%s', async (_name, dst, expected) => {
    const t = await resolveTarget(at(dst), 'some/prefix/name.bin');
    expect({ ...t, path: t.path.replace(`${dir}/`, '') }).toEqual(expected);
  });

  test.each([
    ['/dev/null', { kind: 'stream', path: '/dev/null' }],
    ['/dev/stdout', { kind: 'stream', path: '/dev/stdout' }],
    ['/proc/self/fd/1', { kind: 'stream', path: '/proc/self/fd/1' }],
  ])('%s is written through, never replaced', async (dst, expected) => {
    expect(await resolveTarget(dst, 'k')).toEqual(expected);
  });

  test.each([
    ['a dangling symlink', 'dangling', /is a dangling symlink/],
    ['a directory under /proc', '/proc/nope/x', /pseudo-filesystem/],
    ['a trailing slash on a file', 'file.txt/', /not a directory/],
  ])('%s is refused with exit 7', async (_name, dst, says) => {
    const err = await resolveTarget(dst.startsWith('/') ? dst : at(dst), 'k').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CliError);
    expect({ code: (err as CliError).exitCode, message: (err as CliError).message }).toEqual({ code: EXIT.LOCAL_IO, message: expect.stringMatching(says) });
  });
});

describe('a regular-file destination', () => {
  test('takes writes at any offset, in any order, and appears only on commit', async () => {
    writeFileSync(at('atomic.bin'), 'old');
    const dest = await openDestination({ kind: 'file', path: at('atomic.bin') });
    if (dest.kind !== 'file') throw new Error('expected a file destination');
    await dest.writeAt(Buffer.from('world'), 6);
    await dest.writeAt(Buffer.from('hello '), 0);
    expect(readFileSync(at('atomic.bin'), 'utf8')).toBe('old');
    await dest.commit();
    expect(readFileSync(at('atomic.bin'), 'utf8')).toBe('hello world');
    expect(readdirSync(dir).filter((f) => f.includes('blob-partial'))).toEqual([]);
  });

  test('discard leaves the old file and no temporary file', async () => {
    writeFileSync(at('kept.bin'), 'old');
    const dest = await openDestination({ kind: 'file', path: at('kept.bin') });
    if (dest.kind !== 'file') throw new Error('expected a file destination');
    await dest.writeAt(Buffer.from('partial'), 0);
    await dest.discard();
    expect([readFileSync(at('kept.bin'), 'utf8'), readdirSync(dir).filter((f) => f.includes('blob-partial'))]).toEqual(['old', []]);
  });

  test('a device stays a device', async () => {
    const dest = await openDestination(await resolveTarget('/dev/null', 'k'));
    expect(dest.kind).toBe('stream');
    if (dest.kind === 'stream') await dest.write(Buffer.from('x'));
    await dest.commit();
    expect(lstatSync('/dev/null').isCharacterDevice()).toBe(true);
  });
});

/** An S3 stand-in serving ranges of `data`, answering later ranges first so completion order is reversed. */
function fakeS3(data: Buffer, log: Array<{ range: string; ifMatch?: string }>): { s3: S3Client; maxInFlight: () => number } {
  let inFlight = 0;
  let max = 0;
  const send = async (cmd: { input: { Range?: string; IfMatch?: string } }) => {
    const range = cmd.input.Range ?? '';
    log.push({ range, ...(cmd.input.IfMatch ? { ifMatch: cmd.input.IfMatch } : {}) });
    inFlight++;
    max = Math.max(max, inFlight);
    const suffix = /^bytes=-(\d+)$/.exec(range);
    const m = /^bytes=(\d+)-(\d*)$/.exec(range);
    const start = suffix ? data.length - Number(suffix[1]) : Number(m![1]);
    const end = suffix ? data.length - 1 : Math.min(m![2] ? Number(m![2]) : data.length - 1, data.length - 1);
    // Earlier ranges wait longer: a writer that reassembled in order would stall on them.
    await new Promise((r) => setTimeout(r, (data.length - start) / 100));
    inFlight--;
    const body = data.subarray(start, end + 1);
    return { Body: Readable.from([body.subarray(0, 100), body.subarray(100)]), ContentRange: `bytes ${start}-${end}/${data.length}`, ContentLength: body.length, ETag: '"e1"' };
  };
  return { s3: { send } as unknown as S3Client, maxInFlight: () => max };
}

describe('downloadInto', () => {
  const data = Buffer.from(Array.from({ length: 10_000 }, (_, i) => i % 251));

  test('a file sink takes each range at its offset as it arrives, concurrency ranges in flight, pinned to the ETag', async () => {
    const log: Array<{ range: string; ifMatch?: string }> = [];
    const { s3, maxInFlight } = fakeS3(data, log);
    const out = Buffer.alloc(data.length);
    const positions: number[] = [];
    const sink: Sink = { ordered: false, write: async (chunk, position) => void (positions.push(position), out.set(chunk, position)) };
    const { bytes } = await downloadInto(s3, { bucket: 'b', key: 'k' }, sink, { chunkSize: 1000, concurrency: 3 });
    expect([bytes, out.equals(data)]).toEqual([data.length, true]);
    expect(maxInFlight()).toBe(3);
    // 3000 (in flight with 1000 and 2000, answered first) was written before 1000: no in-order reassembly.
    expect(positions.indexOf(3000)).toBeLessThan(positions.indexOf(1000));
    expect(log.slice(1).every((r) => r.ifMatch === '"e1"')).toBe(true);
  });

  test('an ordered sink gets the bytes strictly in order', async () => {
    const { s3 } = fakeS3(data, []);
    const positions: number[] = [];
    const parts: Buffer[] = [];
    const sink: Sink = { ordered: true, write: async (chunk, position) => void (positions.push(position), parts.push(Buffer.from(chunk))) };
    await downloadInto(s3, { bucket: 'b', key: 'k' }, sink, { chunkSize: 1000, concurrency: 4 });
    expect(Buffer.concat(parts).equals(data)).toBe(true);
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
  });

  test('a suffix range asks for the last N bytes', async () => {
    const log: Array<{ range: string }> = [];
    const { s3 } = fakeS3(data, log);
    const dest = await openDestination({ kind: 'file', path: at('suffix.bin') });
    await downloadInto(s3, { bucket: 'b', key: 'k', range: { suffix: 300 } }, destinationSink(dest), {});
    await dest.commit();
    expect([log.map((l) => l.range), readFileSync(at('suffix.bin')).equals(data.subarray(-300))]).toEqual([['bytes=-300'], true]);
  });
});

describe('--range', () => {
  test.each([
    ['-5', { suffix: 5 }, 'bytes=-5'],
    ['3-', { start: 3 }, 'bytes=3-'],
    ['0-9', { start: 0, end: 9 }, 'bytes=0-9'],
  ])('%s', (input, parsed, header) => {
    const r = parseGetRange(input)!;
    expect([r, rangeHeader(r)]).toEqual([parsed, header]);
  });

  test.each(['-0', '--5', '5-2', 'last-5'])('%s is a usage error', (input) => {
    expect(() => parseGetRange(input)).toThrow(expect.objectContaining({ exitCode: EXIT.USAGE }) as Error);
  });
});

describe('progress on a terminal', () => {
  test('draws rate and ETA, and an interrupt restores cursor and line wrap', () => {
    const written: string[] = [];
    const tty = Object.assign(new Writable({ write: (c: Buffer, _e: string, cb: () => void) => (written.push(c.toString()), cb()) }), { isTTY: true, columns: 120, cursorTo: () => true, clearLine: () => true, moveCursor: () => true });
    const bar = createProgress('get', 4 * 1048576, false, tty as unknown as NodeJS.WritableStream & { isTTY: boolean });
    bar.add(1048576);
    const drawn = written.join('');
    expect(drawn).toMatch(/get \[.*\] \d+% [\d.]+\/4\.0 MiB [\d.]+ MiB\/s ETA \w+/);
    expect(drawn).toContain('\x1b[?25l'); // cursor hidden while drawing
    restoreTerminal();
    expect(written.join('').endsWith(TERMINAL_RESTORE)).toBe(true);
    bar.stop();
  });

  test('nothing is drawn when the stream is not a terminal', () => {
    const written: string[] = [];
    const pipe = new Writable({ write: (c: Buffer, _e: string, cb: () => void) => (written.push(c.toString()), cb()) });
    createProgress('get', 10, false, pipe).add(5);
    expect(written).toEqual([]);
  });

  test('rate', () => expect(formatRate(10 * 1048576, 2000)).toBe('5.0 MiB/s'));
});

describe('runInterruptible', () => {
  const died: string[] = [];
  const die = (sig: string): void => void died.push(sig);
  let stderr: jest.SpyInstance;
  beforeEach(() => {
    stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
  });
  afterEach(() => stderr.mockRestore());

  test('a signal aborts the work: InterruptedError with 130 and the described line', async () => {
    const err = await runInterruptible({
      work: (intr) =>
        new Promise((_, reject) => {
          intr.signal.addEventListener('abort', () => reject(new Error('aborted')));
          process.emit('SIGINT', 'SIGINT');
        }),
      describe: () => 'upload of s3://b/k aborted',
      die,
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InterruptedError);
    expect([(err as InterruptedError).exitCode, (err as InterruptedError).line('blob')]).toEqual([130, 'blob: interrupted: upload of s3://b/k aborted']);
  });

  test('SIGTERM is 143', async () => {
    const err = await runInterruptible({
      work: (intr) => new Promise((_, reject) => (intr.signal.addEventListener('abort', () => reject(new Error('x'))), process.emit('SIGTERM', 'SIGTERM'))),
      describe: () => 'stopped',
      die,
    }).catch((e: unknown) => e);
    expect((err as InterruptedError).exitCode).toBe(143);
  });

  test('a signal after the work completed: the result stands, stderr says so', async () => {
    const result = await runInterruptible({
      work: async () => {
        process.emit('SIGINT', 'SIGINT');
        return 'done';
      },
      describe: () => 'never',
      completed: (r) => `result ${r}`,
      die,
    });
    expect(result).toBe('done');
    expect(stderr).toHaveBeenCalledWith('blob: SIGINT came after the transfer finished: result done\n');
  });

  test('no signal handlers are left behind', () => {
    expect([process.listenerCount('SIGINT'), process.listenerCount('SIGTERM')]).toEqual([0, 0]);
  });
});
