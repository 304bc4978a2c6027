import { realpath } from 'node:fs/promises';
import { resolve, sep } from 'node:path';
import { CliError, EXIT } from '../shared/cli-errors';
import type { BlobContext } from '../blob/context';

/**
 * --allow-prefix: the only object keys (and kvstore keys, with --allow-kv-prefix) the server may
 * touch. Each prefix is resolved the way the CLI resolves a location (a bare prefix names the
 * environment's bucket, s3://bucket/prefix another one), so the check compares the same bucket and
 * key a request would use. No prefixes given: everything the credentials allow.
 */
export interface ScopeOptions {
  readonly allowPrefixes: readonly string[];
  readonly allowKvPrefixes: readonly string[];
  /** --allow-dir: the local directories put (path), put_dir and get_dir may read or write. */
  readonly allowDirs: readonly string[];
}

interface Allowed {
  readonly bucket: string;
  readonly key: string;
}

export class Scope {
  private allowed?: Promise<Allowed[]>;

  constructor(
    private readonly blob: BlobContext,
    readonly options: ScopeOptions,
  ) {}

  get restricted(): boolean {
    return this.options.allowPrefixes.length > 0;
  }

  /** The allowed prefixes as bucket + key (resolved once). */
  resolved(): Promise<Allowed[]> {
    this.allowed ??= Promise.all(this.options.allowPrefixes.map(async (p) => this.blob.location(p)));
    return this.allowed;
  }

  /** An object key or a listing prefix: refused unless it lies under an allowed prefix. */
  async check(input: string): Promise<void> {
    if (!this.restricted) return;
    const loc = await this.blob.location(input);
    const allowed = await this.resolved();
    if (allowed.some((a) => a.bucket === loc.bucket && loc.key.startsWith(a.key))) return;
    throw new CliError(
      `s3://${loc.bucket}/${loc.key} is outside the allowed prefixes`,
      EXIT.AUTH,
      `this server was started with --allow-prefix ${this.options.allowPrefixes.join(', ')}; use a key under one of them`,
    );
  }

  /**
   * A local path put, put_dir or get_dir would read or write. Open (as for the CLI) unless --allow-dir
   * is given; with --allow-prefix and no --allow-dir, closed, so a scoped agent cannot copy arbitrary
   * local files into storage. Symlinks are resolved where the path exists.
   */
  async checkLocal(path: string): Promise<void> {
    const dirs = this.options.allowDirs;
    if (!dirs.length && !this.restricted) return;
    const real = async (p: string): Promise<string> => realpath(p).catch(() => resolve(p));
    const target = await real(resolve(path));
    for (const d of dirs) {
      const dir = await real(resolve(d));
      if (target === dir || target.startsWith(dir.endsWith(sep) ? dir : dir + sep)) return;
    }
    throw new CliError(
      `local path ${target} is outside the allowed directories`,
      EXIT.AUTH,
      dirs.length ? `allowed: ${dirs.join(', ')}` : 'this server was started with --allow-prefix and no --allow-dir, so local files are closed',
    );
  }

  /** kvstore keys, lock and queue names: with --allow-prefix, only those under --allow-kv-prefix. */
  checkKv(name: string): void {
    const kv = this.options.allowKvPrefixes;
    if (!this.restricted && !kv.length) return;
    if (kv.some((p) => name.startsWith(p))) return;
    throw new CliError(
      `kvstore key "${name}" is outside the allowed prefixes`,
      EXIT.AUTH,
      kv.length ? `allowed: ${kv.join(', ')}` : 'this server was started with --allow-prefix and no --allow-kv-prefix, so kvstore is closed',
    );
  }
}
