import { Writable } from 'node:stream';
import { z } from 'zod';
import { CliError, EXIT } from '../../shared/cli-errors';
import { parseRange } from '../../blob/args';
import { uri } from '../../blob/context';
import { presignUrl } from '../../blob/commands/presign';
import { downloadTo, headObject } from '../../blob/transfer/download';
import { defineTool, READ, Tool } from '../tool';
import { key, versionId } from './fields';

/**
 * get: an object's bytes as text (UTF-8) or base64 up to a byte bound, or a presigned URL for what
 * does not fit a tool result (binary, large). Only the bytes returned are read from S3: the range is
 * clamped to the bound before the request, so a 10 GB object costs one small ranged GET.
 */
export const DEFAULT_MAX_BYTES = 64 * 1024;
export const MAX_BYTES_LIMIT = 1024 * 1024;
const TEXTUAL = /^(text\/|application\/(json|x-ndjson|jsonl|xml|yaml|x-yaml|javascript|csv|sql|toml|x-sh|graphql)|[^;]*\+(json|xml))/i;

const input = z.object({
  key,
  version_id: versionId,
  range: z.string().optional().describe('inclusive byte range "start-end" or "start-", e.g. "0-1023"; the next part of a truncated read is next_range'),
  max_bytes: z.number().int().min(1).max(MAX_BYTES_LIMIT).default(DEFAULT_MAX_BYTES).describe(`at most this many bytes come back (default ${DEFAULT_MAX_BYTES}, max ${MAX_BYTES_LIMIT})`),
  as: z
    .enum(['auto', 'text', 'base64', 'url'])
    .default('auto')
    .describe('auto: text for textual content types that decode as UTF-8, else a presigned URL; text, base64 or url to force one'),
});

const output = z.object({
  uri: z.string(),
  version_id: z.string().nullable(),
  etag: z.string().nullable(),
  size: z.number().describe('the whole object\'s size in bytes'),
  content_type: z.string().nullable(),
  encoding: z.enum(['utf8', 'base64', 'url']),
  content: z.string().optional().describe('the bytes read, decoded per encoding'),
  url: z.string().optional().describe('presigned GET URL (encoding url), valid expires_in seconds'),
  expires_in: z.number().optional(),
  range: z.object({ start: z.number(), end: z.number() }).nullable().describe('inclusive byte range returned; null for an empty object or a URL'),
  returned_bytes: z.number(),
  truncated: z.boolean().describe('true when bytes past the returned range were not included'),
  next_range: z.string().optional().describe('pass as range to read on'),
  note: z.string().optional(),
});

/** A Writable that keeps at most `limit` bytes (the range request asks for no more anyway). */
function collector(limit: number): { sink: Writable; bytes: () => Buffer } {
  const chunks: Buffer[] = [];
  let kept = 0;
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      const room = limit - kept;
      if (room > 0) {
        const part = chunk.length > room ? chunk.subarray(0, room) : chunk;
        chunks.push(part);
        kept += part.length;
      }
      done();
    },
  });
  return { sink, bytes: () => Buffer.concat(chunks) };
}

/** The longest prefix of `buf` that is whole UTF-8, or undefined when it is not UTF-8 text. */
function utf8Prefix(buf: Buffer, truncated: boolean): string | undefined {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(buf, { stream: truncated });
  } catch {
    return undefined;
  }
}

export const getTool: Tool = defineTool({
  name: 'get',
  title: 'Read an object',
  description:
    'Read an object (as `blob get`). Returns text for textual objects, up to max_bytes; when truncated, next_range says how to read on. Binary or oversized reads: as "url" returns a presigned GET URL instead. Use head first for size and type.',
  family: 'blob',
  input,
  output,
  annotations: READ,
  subject: (a) => a.key,
  async run(a, { blob, scope }) {
    await scope.check(a.key);
    const loc = await blob.object(a.key, a.version_id);
    const s3 = await blob.s3();
    const h = await headObject(s3, loc);
    const size = h.ContentLength ?? 0;
    const base = {
      uri: uri(loc),
      version_id: h.VersionId ?? loc.versionId ?? null,
      etag: h.ETag?.replace(/"/g, '') ?? null,
      size,
      content_type: h.ContentType ?? null,
    };
    const textual = TEXTUAL.test(h.ContentType ?? '');
    if (a.as === 'url' || (a.as === 'auto' && !textual && size > 0)) {
      const expires = 3600;
      const url = await presignUrl(blob, a.key, { expires: String(expires), ...(a.version_id ? { versionId: a.version_id } : {}) });
      return { ...base, encoding: 'url' as const, url, expires_in: expires, range: null, returned_bytes: 0, truncated: false, note: 'fetch the URL with any HTTP client (curl -o FILE URL)' };
    }
    const r = parseRange(a.range);
    const start = r?.start ?? 0;
    if (size === 0 && start === 0) return { ...base, encoding: a.as === 'base64' ? ('base64' as const) : ('utf8' as const), content: '', range: null, returned_bytes: 0, truncated: false };
    if (start >= size) throw new CliError(`range "${a.range}" starts at or past the end (the object has ${size} bytes)`, EXIT.USAGE, `give a start below ${size}`);
    const wantedEnd = Math.min(r?.end ?? size - 1, size - 1);
    const end = Math.min(wantedEnd, start + a.max_bytes - 1);
    const { sink, bytes } = collector(end - start + 1);
    await downloadTo(s3, { ...loc, ...(h.VersionId ? { versionId: h.VersionId } : {}), range: { start, end } }, sink);
    const buf = bytes();
    const cut = end < wantedEnd;
    let encoding: 'utf8' | 'base64' = 'base64';
    let content = buf.toString('base64');
    let returned = buf.length;
    if (a.as !== 'base64') {
      const text = utf8Prefix(buf, cut);
      if (text === undefined) {
        if (a.as === 'text') throw new CliError(`${uri(loc)} is not UTF-8 text`, EXIT.USAGE, 'read it with as "base64" or "url"');
      } else {
        encoding = 'utf8';
        content = text;
        returned = Buffer.byteLength(text);
      }
    }
    const last = start + returned - 1;
    const truncated = last < size - 1 && (cut || last < wantedEnd);
    return {
      ...base,
      encoding,
      content,
      range: { start, end: last },
      returned_bytes: returned,
      truncated,
      ...(truncated
        ? {
            next_range: `${last + 1}-${r?.end !== undefined ? r.end : ''}`,
            note: `returned bytes ${start}-${last} of ${size}; call get with range "${last + 1}-" for the rest, as "url" for a link to the whole object, or get_dir / \`blob get\` to a file`,
          }
        : {}),
    };
  },
});
