import { CliError, EXIT } from '../../shared/cli-errors';
import { downloadTo, downloadToFile } from '../transfer/download';
import { flushStdout, printJson } from '../../shared/output';
import { createProgress } from '../../shared/progress';
import { parseConcurrency, parseRange } from '../args';
import { BlobContext, uri } from '../context';

export interface GetFlags {
  range?: string;
  versionId?: string;
  concurrency?: string;
}

export async function get(ctx: BlobContext, src: string, dst: string | undefined, flags: GetFlags): Promise<void> {
  const range = parseRange(flags.range);
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
    const opts = {
      concurrency,
      onStart: (h: { size: number; etag?: string }) => {
        etag = h.etag?.replace(/"/g, '');
        progress.setTotal(h.size);
      },
      onProgress: (n: number) => progress.add(n),
    };
    if (target === '-') {
      await downloadTo(s3, source, process.stdout, opts);
      await flushStdout();
      return;
    }
    const { bytes } = await downloadToFile(s3, source, target, opts);
    progress.stop();
    await printJson({ uri: uri(loc), path: target, bytes, etag: etag ?? null, version_id: loc.versionId ?? null, ...(range ? { range: flags.range } : {}) });
  } finally {
    progress.stop();
  }
}
