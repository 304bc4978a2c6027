import { createWriteStream, unlinkSync, writeSync, type Stats } from 'node:fs';
import { lstat, mkdir, open, realpath, rename, rm, stat, type FileHandle } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { basename, dirname, join, resolve, sep } from 'node:path';
import type { Interruptible } from '../../shared/interrupt';
import { abortable } from '../../shared/interrupt';
import { localIoError, localRefusal } from '../../shared/local-io';
import { readerWentAway } from '../../shared/write';

/**
 * Where a download lands, decided once from what the local path is (issue 14 class 1):
 *
 *   - absent or a regular file → a temporary file beside it, written at each range's offset and
 *     renamed over the name only when complete (an existing file's mode is kept);
 *   - a character/block device or FIFO → opened and written in order, never replaced;
 *   - a symlink → followed: to a regular file, the TARGET is replaced atomically and the link kept;
 *     to a device/FIFO, streamed into; dangling or looping → refused (exit 7);
 *   - a directory (or a path ending in "/") → the object goes inside it under the key's last segment;
 *   - missing parent directories are created (not under /proc or /sys).
 *
 * Nothing here ever unlinks or renames over anything that is not a regular file.
 */
export interface FileDestination {
  readonly kind: 'file';
  /** The name the object ends up under (a symlink's target when following one). */
  readonly path: string;
  writeAt(chunk: Uint8Array, position: number): Promise<void>;
  /** The same, synchronously, for bytes valid only during the call (a socket's reused read buffer). */
  writeAtSync(buf: Uint8Array, start: number, end: number, position: number): void;
  commit(): Promise<void>;
  discard(): Promise<void>;
}

export interface StreamDestination {
  readonly kind: 'stream';
  readonly path: string;
  write(chunk: Uint8Array): Promise<void>;
  commit(): Promise<void>;
  discard(): Promise<void>;
}

export type Destination = FileDestination | StreamDestination;

export type Target = { readonly kind: 'file'; readonly path: string; readonly mode?: number } | { readonly kind: 'stream'; readonly path: string };

const PSEUDO_FS = ['/proc', '/sys'];
const INHERITED_FD = /^\/(dev\/(stdout|stderr|fd\/\d+)|proc\/(self|\d+)\/fd\/\d+)$/;

function errno(err: unknown): string | undefined {
  return (err as { code?: string } | undefined)?.code;
}

async function lstatOrNone(path: string): Promise<Stats | undefined> {
  try {
    return await lstat(path);
  } catch (err) {
    if (errno(err) === 'ENOENT') return undefined;
    throw localIoError(err, path);
  }
}

/** Decides what writing the object `key` to `dst` means (see the module comment). */
export async function resolveTarget(dst: string, key: string, depth = 0): Promise<Target> {
  const name = basename(key);
  if (dst.endsWith('/') || dst.endsWith(sep)) {
    const st = await stat(dst).catch((err: unknown) => {
      throw localIoError(err, dst);
    });
    if (!st.isDirectory()) throw localIoError({ code: 'ENOTDIR' }, dst);
    return resolveTarget(join(dst, name), key, depth + 1);
  }
  // An inherited file descriptor (`/dev/stdout` redirected to a file) is written through, as a
  // shell redirection would be: replacing the file behind it would break `>>` and the caller's fd.
  if (INHERITED_FD.test(dst)) return { kind: 'stream', path: dst };
  const st = await lstatOrNone(dst);
  if (!st) return newFile(dst);
  if (st.isFile()) return regular(dst, st);
  if (st.isDirectory()) {
    if (depth > 0) throw localIoError({ code: 'EISDIR' }, dst);
    return resolveTarget(join(dst, name), key, depth + 1);
  }
  if (st.isSymbolicLink()) {
    const target = await stat(dst).catch((err: unknown) => {
      if (errno(err) === 'ENOENT') throw localRefusal(`${dst} is a dangling symlink`, 'point it at an existing file or remove it; blob does not create link targets');
      if (errno(err) === 'ELOOP') throw localRefusal(`${dst} is a symlink loop`, 'fix or remove the link');
      throw localIoError(err, dst);
    });
    if (target.isDirectory()) {
      if (depth > 0) throw localIoError({ code: 'EISDIR' }, dst);
      return resolveTarget(join(dst, name), key, depth + 1);
    }
    if (target.isFile()) return regular(await realpath(dst), target);
    return special(dst, target);
  }
  return special(dst, st);
}

function special(path: string, st: Stats): Target {
  if (st.isCharacterDevice() || st.isBlockDevice() || st.isFIFO()) return { kind: 'stream', path };
  throw localRefusal(`${path} is a socket`, 'choose a file, a FIFO or a device');
}

async function newFile(path: string): Promise<Target> {
  const dir = dirname(path);
  await refusePseudoFs(dir);
  const st = await stat(dir).catch(async (err: unknown) => {
    if (errno(err) !== 'ENOENT') throw localIoError(err, dir);
    // Missing parents are created, as `aws s3 cp` and the seed's `blob get key ./data/file` expect.
    await mkdir(dir, { recursive: true }).catch((e: unknown) => {
      throw localIoError(e, dir);
    });
    return stat(dir);
  });
  if (!st.isDirectory()) throw localIoError({ code: 'ENOTDIR' }, dir);
  return { kind: 'file', path };
}

async function regular(path: string, st: Stats): Promise<Target> {
  await refusePseudoFs(dirname(path));
  return { kind: 'file', path, mode: st.mode & 0o7777 };
}

export async function refusePseudoFs(dir: string): Promise<void> {
  const real = await realpath(dir).catch(() => resolve(dir));
  const fs = PSEUDO_FS.find((p) => real === p || real.startsWith(`${p}/`));
  if (fs) throw localRefusal(`${dir} is on the ${fs} pseudo-filesystem`, 'choose a destination on a real file system');
}

/** Opens the target; `intr` removes a temporary file even on a forced exit. */
export async function openDestination(target: Target, intr?: Interruptible): Promise<Destination> {
  return target.kind === 'file' ? openFile(target.path, target.mode, intr) : openStream(target.path, intr?.signal);
}

async function openFile(path: string, mode: number | undefined, intr?: Interruptible): Promise<FileDestination> {
  const tmp = join(dirname(path), `.${basename(path)}.blob-partial-${process.pid}-${randomBytes(4).toString('hex')}`);
  let fh: FileHandle;
  try {
    fh = await open(tmp, 'wx', 0o666);
    // open() applies the umask; a replaced file keeps the permissions it had.
    if (mode !== undefined) await fh.chmod(mode);
  } catch (err) {
    await rm(tmp, { force: true }).catch(() => undefined);
    throw localIoError({ code: errno(err) }, path); // name the destination, not the temp file
  }
  const unregister = intr?.onForcedExit(() => unlinkSync(tmp));
  let closed = false;
  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    await fh.close();
  };
  const discard = async (): Promise<void> => {
    await close().catch(() => undefined);
    await rm(tmp, { force: true }).catch(() => undefined);
    unregister?.();
  };
  return {
    kind: 'file',
    path,
    discard,
    async writeAt(chunk, position) {
      for (let off = 0; off < chunk.length; ) {
        const { bytesWritten } = await fh.write(chunk, off, chunk.length - off, position + off).catch((err: unknown) => {
          throw localIoError(err, path);
        });
        off += bytesWritten;
      }
    },
    writeAtSync(buf, start, end, position) {
      try {
        for (let off = start; off < end; ) off += writeSync(fh.fd, buf, off, end - off, position + off - start);
      } catch (err) {
        throw localIoError(err, path);
      }
    },
    async commit() {
      try {
        await fh.datasync();
        await close();
        await rename(tmp, path);
      } catch (err) {
        await discard();
        throw localIoError({ code: errno(err) }, path);
      }
      unregister?.();
    },
  };
}

async function openStream(path: string, signal?: AbortSignal): Promise<StreamDestination> {
  // Append: on a device or FIFO it is plain writing; on a file behind /dev/stdout it honours `>>`.
  // A FIFO's open waits for a reader (abortable below).
  const out = createWriteStream(path, { flags: 'a' });
  let failure: unknown;
  out.on('error', (err) => {
    failure ??= err;
  });
  await abortable(
    new Promise<void>((res, rej) => {
      out.once('open', () => res());
      out.once('error', rej);
    }),
    signal,
  ).catch((err: unknown) => {
    out.destroy();
    throw signal?.aborted ? err : localIoError(err, path);
  });
  return streamDestination(path, out, () => failure, () => new Promise<void>((res) => out.end(() => res())), () => out.destroy());
}

/** stdout as a destination: written in order, flushed but not closed. */
export function stdoutDestination(out: NodeJS.WritableStream = process.stdout): StreamDestination {
  let failure: unknown;
  const onError = (err: unknown): void => {
    failure ??= err;
  };
  out.on('error', onError);
  const flush = (): Promise<void> => new Promise<void>((res) => out.write('', () => res()));
  return streamDestination('-', out, () => failure, flush, () => out.off('error', onError));
}

function streamDestination(path: string, out: NodeJS.WritableStream, failure: () => unknown, finish: () => Promise<void>, drop: () => void): StreamDestination {
  const fail = (err: unknown): never => {
    if (errno(err) === 'EPIPE') readerWentAway();
    throw localIoError(err, path === '-' ? 'stdout' : path);
  };
  return {
    kind: 'stream',
    path,
    async write(chunk) {
      if (failure()) fail(failure());
      await new Promise<void>((res, rej) => out.write(chunk, (err?: Error | null) => (err ? rej(err) : res()))).catch(fail);
    },
    async commit() {
      await finish();
      if (failure()) fail(failure());
    },
    async discard() {
      drop();
    },
  };
}
