import { CliError, EXIT } from '../../shared/cli-errors';
import { destinationSink, downloadInto, downloadToPath } from '../transfer/download';
import { stdoutDestination } from '../transfer/destination';
import { runInterruptible } from '../../shared/interrupt';
import { printJson } from '../../shared/output';
import { createProgress } from '../../shared/progress';
import { parseConcurrency, parseGetRange } from '../args';
import { BlobContext, uri } from '../context';

export interface GetFlags {
  range?: string;
  versionId?: string;
  concurrency?: string;
}

export async function get(ctx: BlobContext, src: string, dst: string | undefined, flags: GetFlags): Promise<void> {
  const range = parseGetRange(flags.range);
  const concurrency = parseConcurrency(flags.concurrency, 4);
  if (flags.versionId === '') throw new CliError('empty --version-id', EXIT.USAGE, 'list version ids with blob versions KEY');
  const loc = await ctx.object(src, flags.versionId);
  const target = dst ?? '-';
  const s3 = await ctx.s3();
  const source = { ...loc, ...(range ? { range } : {}) };
  const progress = createProgress('get', undefined, ctx.quiet || target === '-');
  try {
    // The ETag of exactly the bytes written, for a read-modify-write loop's `put --if-match`.
    let etag: string | undefined;
    // The version S3 served, so a read of "the current version" says which one that was.
    let servedVersion: string | undefined;
    let written = 0;
    let streamed = target === '-';
    const opts = {
      concurrency,
      onStart: (h: { size: number; etag?: string; versionId?: string }) => {
        etag = h.etag?.replace(/"/g, '');
        servedVersion = h.versionId;
        progress.setTotal(h.size);
      },
      onProgress: (n: number) => {
        written += n;
        progress.add(n);
      },
    };
    const { bytes, path } = await runInterruptible({
      work: async (interrupt) => {
        if (target !== '-') return downloadToPath(s3, source, target, { ...opts, interrupt, onOpen: (kind) => (streamed = kind === 'stream') });
        const out = stdoutDestination();
        const result = await downloadInto(s3, source, destinationSink(out), { ...opts, signal: interrupt.signal });
        await out.commit();
        return { ...result, path: '-' };
      },
      describe: () =>
        streamed
          ? `get of ${uri(loc)} stopped after ${written} bytes written to ${target === '-' ? 'stdout' : target}`
          : `get of ${uri(loc)} stopped; nothing was written under ${target} (a previous file there is intact)`,
      completed: (r) => `${uri(loc)} was fully written to ${r.path === '-' ? 'stdout' : r.path}`,
    });
    progress.stop();
    if (target === '-') return;
    await printJson({ uri: uri(loc), path, bytes, etag: etag ?? null, version_id: servedVersion ?? loc.versionId ?? null, ...(range ? { range: flags.range } : {}) });
  } finally {
    progress.stop();
  }
}
