import { constants, type Dirent } from 'node:fs';
import { access, lstat, readdir, stat } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { mapPool } from './pool';
import { localIoError, localRefusal } from '../../shared/local-io';

/**
 * The local side of put-dir and get-dir, checked before anything is transferred:
 *   - put-dir walks the tree itself (not readdir recursive) so that what it cannot or should not
 *     upload — symlinks, FIFOs, sockets, devices, unreadable files and directories — is reported
 *     as skipped rather than failing the run or hanging on a FIFO;
 *   - get-dir plans every key's local path first and refuses the whole run (exit 7, nothing
 *     written) if any key would land outside DIR, on a non-regular file, or under a file.
 */
export interface LocalEntry {
  readonly path: string;
  /** Relative path with "/" separators. */
  readonly rel: string;
  readonly size: number;
}

export type SkipReason = 'symlink' | 'fifo' | 'socket' | 'device' | 'unreadable';

export interface SkippedLocal {
  readonly path: string;
  readonly rel: string;
  readonly reason: SkipReason;
}

function kindOf(e: Dirent): SkipReason | 'file' | 'dir' {
  if (e.isSymbolicLink()) return 'symlink';
  if (e.isDirectory()) return 'dir';
  if (e.isFile()) return 'file';
  if (e.isFIFO()) return 'fifo';
  if (e.isSocket()) return 'socket';
  return 'device';
}

async function readable(path: string): Promise<boolean> {
  return access(path, constants.R_OK).then(
    () => true,
    () => false,
  );
}

export async function walkLocal(dir: string): Promise<{ files: LocalEntry[]; skipped: SkippedLocal[] }> {
  const root = resolve(dir);
  const files: LocalEntry[] = [];
  const skipped: SkippedLocal[] = [];
  const rel = (p: string): string => relative(root, p).split(sep).join('/');
  const pending = [root];
  while (pending.length) {
    const current = pending.pop() as string;
    let entries: Dirent[];
    try {
      entries = await readdir(current, { withFileTypes: true });
    } catch (err) {
      if (current === root) throw localIoError(err, dir);
      skipped.push({ path: current, rel: `${rel(current)}/`, reason: 'unreadable' });
      continue;
    }
    const regular: string[] = [];
    for (const e of entries) {
      const path = join(current, e.name);
      const kind = kindOf(e);
      if (kind === 'dir') pending.push(path);
      else if (kind !== 'file') skipped.push({ path, rel: rel(path), reason: kind });
      else regular.push(path);
    }
    // Each file's access check and size, 64 at a time (one after another: ~2 round trips per file).
    await mapPool(regular, 64, async (path) => {
      if (!(await readable(path))) skipped.push({ path, rel: rel(path), reason: 'unreadable' });
      else files.push({ path, rel: rel(path), size: (await stat(path)).size });
    });
  }
  const byRel = (a: { rel: string }, b: { rel: string }): number => a.rel.localeCompare(b.rel);
  return { files: files.sort(byRel), skipped: skipped.sort(byRel) };
}

export interface PlannedFile {
  readonly key: string;
  readonly rel: string;
  readonly path: string;
  /** The file already there (a regular file), for the identical-content check. */
  readonly existing?: LocalEntry;
  /** Its permission bits, which the replacement keeps. */
  readonly mode?: number;
}

/**
 * A file name as a case-insensitive or normalising filesystem (APFS, NTFS, HFS+) may equate it with
 * another: compatibility-normalised and case-folded both ways, so that names such a filesystem
 * treats as one always fold alike. Folding more names together than a filesystem does only costs
 * an lstat; folding fewer would miss a file that is there.
 */
export function foldName(name: string): string {
  return name.normalize('NFKC').toLowerCase().toUpperCase();
}

/** Each directory's folded names; none for a directory that does not exist; undefined where it cannot be read. */
async function namesIn(dirs: ReadonlySet<string>): Promise<Map<string, ReadonlySet<string> | undefined>> {
  const names = new Map<string, ReadonlySet<string> | undefined>();
  await mapPool([...dirs], 64, async (d) => {
    try {
      names.set(d, new Set((await readdir(d)).map(foldName)));
    } catch (err) {
      names.set(d, (err as { code?: string }).code === 'ENOENT' ? new Set() : undefined);
    }
  });
  return names;
}

/** Where each key goes under `dir`; throws (exit 7) before anything is written if any cannot. */
export async function planGetDir(dir: string, prefix: string, keys: readonly string[]): Promise<PlannedFile[]> {
  const root = resolve(dir);
  const rootStat = await lstat(root).catch((err: unknown) => {
    if ((err as { code?: string }).code === 'ENOENT') return undefined;
    throw localIoError(err, dir);
  });
  if (rootStat && !rootStat.isDirectory()) {
    const target = rootStat.isSymbolicLink() ? await stat(root).catch(() => undefined) : undefined;
    if (!target?.isDirectory()) throw localIoError({ code: 'ENOTDIR' }, dir);
  }
  const planned: PlannedFile[] = [];
  const files = new Set<string>();
  const dirs = new Set<string>();
  for (const key of keys) {
    const rel = key.slice(prefix.length);
    const path = resolve(root, rel);
    if (!path.startsWith(root + sep) || rel.split('/').includes('..')) {
      throw localRefusal(`key "${key}" would be written outside ${dir}`, 'nothing was downloaded; rename the key or fetch it alone with blob get');
    }
    files.add(path);
    for (let d = dirname(path); d !== root && d.startsWith(root + sep); d = dirname(d)) dirs.add(d);
    planned.push({ key, rel, path });
  }
  for (const d of dirs) {
    if (files.has(d)) throw localRefusal(`${d} would be both a file and a directory (keys "${relative(root, d)}" and "${relative(root, d)}/…")`, 'nothing was downloaded; fetch the keys into separate directories');
  }
  // Local paths in the way: a file where a directory goes, or a non-regular file where a file goes.
  for (const d of dirs) {
    const st = await lstat(d).catch(() => undefined);
    if (st && !st.isDirectory()) throw localRefusal(`${d} is not a directory but keys go under it`, 'nothing was downloaded; move it away or choose another DIR');
  }
  const result: PlannedFile[] = [];
  // One lstat per key that may exist, 64 at a time; a key its directory's listing proves absent
  // (the usual case: a fresh or empty DIR) needs none.
  const names = await namesIn(new Set(planned.map((p) => dirname(p.path))));
  const stats = await mapPool(planned, 64, async (p) => {
    const present = names.get(dirname(p.path));
    if (present && !present.has(foldName(basename(p.path)))) return undefined;
    return lstat(p.path).catch(() => undefined);
  });
  for (const [i, p] of planned.entries()) {
    const st = stats[i];
    if (!st) {
      result.push(p);
      continue;
    }
    if (!st.isFile()) {
      const what = st.isSymbolicLink() ? 'a symlink' : st.isDirectory() ? 'a directory' : st.isFIFO() ? 'a FIFO' : st.isSocket() ? 'a socket' : 'a device';
      throw localRefusal(`${p.path} is ${what}; get-dir writes only regular files`, 'nothing was downloaded; move it away or choose another DIR');
    }
    result.push({ ...p, existing: { path: p.path, rel: p.rel, size: st.size }, mode: st.mode & 0o7777 });
  }
  return result;
}
