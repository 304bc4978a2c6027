import type { ReadResourceResult, Resource, ResourceTemplate } from '@modelcontextprotocol/sdk/types.js';
import { CliError, EXIT } from '../shared/cli-errors';
import { listPages } from '../blob/commands/list';
import { getTool, MAX_BYTES_LIMIT } from './tools/read';
import type { ToolServices } from './tool';

/**
 * Objects as MCP resources: `blob://<key>` in the environment's bucket (the bucket bare keys name).
 * The listing covers the allowed prefixes (or the whole bucket) up to MAX_RESOURCES; reading goes
 * through the get tool, so the same scope check and the same byte bound apply.
 */
export const MAX_RESOURCES = 500;
export const SCHEME = 'blob://';

export const TEMPLATES: ResourceTemplate[] = [
  {
    uriTemplate: `${SCHEME}{+key}`,
    name: 'object',
    title: 'Stored object',
    description: `An object of the environment's bucket by key, e.g. ${SCHEME}uploads/report.csv (text, or base64 for binary; up to 1 MiB — use the get tool with range beyond that)`,
  },
];

export function resourceUri(key: string): string {
  return SCHEME + key.split('/').map(encodeURIComponent).join('/');
}

export function keyOfUri(uri: string): string {
  if (!uri.startsWith(SCHEME) || uri.length === SCHEME.length) throw new CliError(`"${uri}" is not a blob:// resource`, EXIT.USAGE, `use ${SCHEME}<key>`);
  return uri.slice(SCHEME.length).split('/').map(decodeURIComponent).join('/');
}

export async function listResources(services: ToolServices): Promise<Resource[]> {
  const { blob, scope } = services;
  const roots = scope.restricted ? scope.options.allowPrefixes : [''];
  const out: Resource[] = [];
  const s3 = await blob.s3();
  for (const root of roots) {
    // An unrestricted server lists the default bucket; without one (no --env, no BLOB_BUCKET) there is nothing to list.
    const loc = root === '' ? await defaultBucket(services) : await blob.location(root);
    if (!loc || (root !== '' && root.startsWith('s3://'))) continue;
    for await (const page of listPages(s3, loc, { recursive: true, withHead: false, withTags: false })) {
      for (const o of page.objects) {
        if (out.length >= MAX_RESOURCES) return out;
        out.push({ uri: resourceUri(o.key), name: o.key, size: o.size });
      }
    }
  }
  return out;
}

async function defaultBucket(services: ToolServices): Promise<{ bucket: string; key: string } | undefined> {
  try {
    return { bucket: (await services.blob.location('x')).bucket, key: '' };
  } catch {
    return undefined;
  }
}

export async function readResource(uri: string, services: ToolServices): Promise<ReadResourceResult> {
  const key = keyOfUri(uri);
  const r = await getTool.call({ key, max_bytes: MAX_BYTES_LIMIT, as: 'auto' }, services);
  const size = Number(r.size);
  const mimeType = typeof r.content_type === 'string' ? r.content_type : undefined;
  if (r.encoding === 'url' || r.truncated) {
    // Binary or larger than a resource may carry: read it in one bounded base64 piece, or refuse.
    if (size > MAX_BYTES_LIMIT) throw new CliError(`${uri} has ${size} bytes, more than a resource carries (1 MiB)`, EXIT.USAGE, 'use the get tool with range, or presign for a URL');
    const b = await getTool.call({ key, max_bytes: MAX_BYTES_LIMIT, as: 'base64' }, services);
    return { contents: [{ uri, ...(mimeType ? { mimeType } : {}), blob: String(b.content ?? '') }] };
  }
  return { contents: [{ uri, ...(mimeType ? { mimeType } : {}), text: String(r.content ?? '') }] };
}
