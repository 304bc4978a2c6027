import { Readable } from 'node:stream';
import { z } from 'zod';
import { CliError, EXIT } from '../../shared/cli-errors';
import { copyVersion, deleteObject, describeObject, listVersions } from '../../blob/commands/objects';
import { presignExpiry, presignUrl } from '../../blob/commands/presign';
import { putObject, PutFlags } from '../../blob/commands/put';
import type { ConditionFlags } from '../../blob/conditions';
import { defineTool, READ, Tool, WRITE_IDEMPOTENT } from '../tool';
import { key, versionId } from './fields';

/** put, head, versions, copy, delete, presign: the CLI's single-object commands as tools. */

const stringMap = z.record(z.string(), z.string());

/** S3 conditional writes, as the CLI's --if-none-match / --if-match (a lost condition: exit CONFLICT with the current ETag). */
const conditions = {
  if_none_match: z.literal('*').optional().describe('"*": create only; fails with CONFLICT if the key exists'),
  if_match: z.string().min(1).optional().describe('an ETag (from head/get/put): write only if the object is still that version (compare-and-swap); else CONFLICT'),
};

function conditionFlags(a: { if_none_match?: '*'; if_match?: string }): ConditionFlags {
  return { ...(a.if_none_match ? { ifNoneMatch: a.if_none_match } : {}), ...(a.if_match ? { ifMatch: a.if_match } : {}) };
}

export const putTool: Tool = defineTool({
  name: 'put',
  title: 'Write an object',
  description:
    'Write an object (as `blob put`): give exactly one of content (UTF-8 text), content_base64 (bytes) or path (a local file this server can read). Overwrites; the bucket keeps the old version. Uploads fire the same pipelines as the CLI (e.g. uploads/*.csv gets analysed).',
  family: 'blob',
  input: z.object({
    key,
    content: z.string().optional().describe('the object\'s text, stored as UTF-8'),
    content_base64: z.string().optional().describe('the object\'s bytes, base64-encoded'),
    path: z.string().min(1).optional().describe('a local file to upload instead (streamed, any size)'),
    content_type: z.string().optional().describe('default: guessed from the key (or path)'),
    metadata: stringMap.optional().describe('user metadata, e.g. {"agent": "claude"} (printable ASCII, 2 KB in all)'),
    tags: stringMap.optional().describe('object tags (at most 10)'),
    storage_class: z.string().optional().describe('e.g. STANDARD, STANDARD_IA, GLACIER_IR'),
    ...conditions,
  }),
  output: z.object({
    uri: z.string(),
    bucket: z.string(),
    key: z.string(),
    size: z.number(),
    etag: z.string().optional(),
    version_id: z.string().nullable(),
    parts: z.number(),
    content_type: z.string().optional(),
  }),
  annotations: WRITE_IDEMPOTENT,
  subject: (a) => a.key,
  async run(a, { blob, scope }) {
    const given = [a.content, a.content_base64, a.path].filter((x) => x !== undefined).length;
    if (given !== 1) throw new CliError(`give exactly one of content, content_base64 or path (got ${given})`, EXIT.USAGE, 'content for text, content_base64 for bytes, path for a local file');
    await scope.check(a.key);
    if (a.path !== undefined) await scope.checkLocal(a.path);
    const flags: PutFlags = {
      ...(a.metadata ? { metadata: Object.entries(a.metadata).map(([k, v]) => `${k}=${v}`) } : {}),
      ...(a.tags ? { tags: Object.entries(a.tags).map(([k, v]) => `${k}=${v}`).join(',') } : {}),
      ...(a.storage_class ? { storageClass: a.storage_class } : {}),
      ...(a.content_type ? { contentType: a.content_type } : {}),
      ...conditionFlags(a),
    };
    return putObject(blob, a.path ?? Readable.from([bytesOf(a.content, a.content_base64)]), a.key, flags);
  },
});

function bytesOf(text: string | undefined, base64: string | undefined): Buffer {
  if (text !== undefined) return Buffer.from(text, 'utf8');
  const clean = (base64 ?? '').replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(clean) || clean.length % 4 === 1) throw new CliError('content_base64 is not valid base64', EXIT.USAGE, 'encode the bytes with standard base64 (A-Z a-z 0-9 + /)');
  return Buffer.from(clean, 'base64');
}

export const headTool: Tool = defineTool({
  name: 'head',
  title: 'Describe an object',
  description: 'Size, content type, ETag, version, metadata and tags of an object (as `blob head`), without reading it. Not found: exit NOT_FOUND.',
  family: 'blob',
  input: z.object({ key, version_id: versionId }),
  output: z.looseObject({
    uri: z.string(),
    bucket: z.string(),
    key: z.string(),
    size: z.number(),
    etag: z.string(),
    last_modified: z.string().nullable(),
    content_type: z.string().nullable(),
    storage_class: z.string(),
    version_id: z.string().nullable(),
    metadata: stringMap,
    tags: stringMap,
  }),
  annotations: READ,
  subject: (a) => a.key,
  async run(a, { blob, scope }) {
    await scope.check(a.key);
    return { ...(await describeObject(blob, a.key, a.version_id ? { versionId: a.version_id } : {})) };
  },
});

export const versionsTool: Tool = defineTool({
  name: 'versions',
  title: 'List versions of an object',
  description: 'Every stored version and delete marker of one key, newest first (as `blob versions`). Read an old one with get and version_id, or bring it back with copy.',
  family: 'blob',
  input: z.object({ key }),
  output: z.object({
    uri: z.string(),
    versions: z.array(z.object({ version_id: z.string(), is_latest: z.boolean(), size: z.number(), last_modified: z.string().nullable(), etag: z.string() })),
    delete_markers: z.array(z.object({ version_id: z.string(), is_latest: z.boolean(), last_modified: z.string().nullable() })),
  }),
  annotations: READ,
  subject: (a) => a.key,
  async run(a, { blob, scope }) {
    await scope.check(a.key);
    return listVersions(blob, a.key);
  },
});

export const copyTool: Tool = defineTool({
  name: 'copy',
  title: 'Copy an object (or one of its versions)',
  description:
    'Server-side copy of source (optionally one version, e.g. to restore it) to destination, keeping metadata and tags (as `blob copy`). Overwrites destination; its old version stays in versions.',
  family: 'blob',
  input: z.object({ source: key, destination: key, version_id: versionId.describe('copy this version of source'), ...conditions }),
  output: z.object({
    source: z.string(),
    source_version_id: z.string().nullable(),
    uri: z.string(),
    size: z.number(),
    etag: z.string(),
    version_id: z.string().nullable(),
    parts: z.number(),
  }),
  annotations: WRITE_IDEMPOTENT,
  subject: (a) => a.source,
  async run(a, { blob, scope }) {
    await scope.check(a.source);
    await scope.check(a.destination);
    return copyVersion(blob, a.source, a.destination, { ...(a.version_id ? { versionId: a.version_id } : {}), ...conditionFlags(a) });
  },
});

export const deleteTool: Tool = defineTool({
  name: 'delete',
  title: 'Delete an object or one version',
  description:
    'Delete an object (as `blob delete`): in a versioned bucket this adds a delete marker and the data stays recoverable (versions, then copy). With version_id the version is removed permanently. Repeating a delete is harmless.',
  family: 'blob',
  input: z.object({ key, version_id: versionId.describe('permanently delete this version'), if_match: conditions.if_match }),
  output: z.object({ deleted: z.string(), version_id: z.string().nullable(), delete_marker: z.boolean() }),
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false },
  subject: (a) => a.key,
  async run(a, { blob, scope }) {
    await scope.check(a.key);
    return deleteObject(blob, a.key, { ...(a.version_id ? { versionId: a.version_id } : {}), ...conditionFlags(a) });
  },
});

export const presignTool: Tool = defineTool({
  name: 'presign',
  title: 'Presigned URL',
  description:
    'A time-limited HTTPS URL to download (GET) or upload (PUT) one object without credentials (as `blob presign`); at most 7 days. Hand it to a person or another program.',
  family: 'blob',
  input: z.object({
    key,
    method: z.enum(['GET', 'PUT']).default('GET'),
    expires: z.string().default('3600').describe('seconds, or 30s, 15m, 24h, 7d'),
    content_type: z.string().optional().describe('PUT only: the Content-Type the uploader must send'),
    version_id: versionId.describe('GET only'),
  }),
  output: z.object({ url: z.string(), method: z.enum(['GET', 'PUT']), expires_in: z.number() }),
  annotations: READ,
  subject: (a) => a.key,
  async run(a, { blob, scope, readOnly }) {
    await scope.check(a.key);
    // A PUT link is a write capability: a read-only server hands out download links only.
    if (readOnly && a.method === 'PUT') throw new CliError('this server is read-only: no PUT links', EXIT.AUTH, 'use method GET, or start blob mcp without --read-only');
    const url = await presignUrl(blob, a.key, {
      method: a.method,
      expires: a.expires,
      ...(a.content_type ? { contentType: a.content_type } : {}),
      ...(a.version_id ? { versionId: a.version_id } : {}),
    });
    return { url, method: a.method, expires_in: presignExpiry(a.expires) };
  },
});
