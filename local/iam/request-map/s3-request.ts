import { IncomingCall, header } from './types';

/** Reading an S3 REST request: bucket and key from the path, a copy's source, DeleteObjects' keys. */

export function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** Splits a path-style path into bucket and key. */
export function s3Location(path: string): { bucket?: string; key?: string } {
  const p = path.startsWith('/') ? path.slice(1) : path;
  if (!p) return {};
  const slash = p.indexOf('/');
  if (slash < 0) return { bucket: decode(p) };
  const key = p.slice(slash + 1);
  return { bucket: decode(p.slice(0, slash)), key: key === '' ? undefined : decode(key) };
}

/**
 * x-amz-copy-source: `[/]bucket/url-encoded-key[?versionId=id]`. Split at the first '?' only (a '?'
 * inside the key arrives as %3F); the version id is percent-decoded but a '+' in it stays a '+'
 * (botocore sends the id unencoded, and S3 version ids may contain '+').
 */
export function copySource(call: IncomingCall): { bucket: string; key: string; versionId?: string } | undefined {
  const raw = header(call, 'x-amz-copy-source');
  if (!raw) return undefined;
  const q = raw.indexOf('?');
  const path = q < 0 ? raw : raw.slice(0, q);
  const loc = s3Location(path.startsWith('/') ? path : `/${path}`);
  if (!loc.bucket || loc.key === undefined) return undefined;
  const param = q < 0 ? undefined : raw.slice(q + 1).split('&').find((p) => p.startsWith('versionId='));
  const versionId = param ? decode(param.slice('versionId='.length)) : undefined;
  return { bucket: loc.bucket, key: loc.key, ...(versionId ? { versionId } : {}) };
}

/** Keys (and version ids) named in a DeleteObjects body. */
export function deleteObjectsKeys(body: string): Array<{ key: string; versionId?: string }> {
  const out: Array<{ key: string; versionId?: string }> = [];
  const unescape = (s: string) =>
    s.replace(/&(lt|gt|amp|quot|apos|#(\d+)|#x([0-9a-fA-F]+));/g, (_m, name: string, dec?: string, hex?: string) => {
      if (dec) return String.fromCodePoint(Number(dec));
      if (hex) return String.fromCodePoint(parseInt(hex, 16));
      return ({ lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" } as Record<string, string>)[name] ?? '';
    });
  // Tags may carry a namespace prefix, attributes or whitespace: the emulator's XML parser accepts
  // them, so a key this reader missed would be deleted without being authorized.
  for (const m of body.matchAll(/<(?:\w+:)?Object(?:\s[^>]*)?>([\s\S]*?)<\/(?:\w+:)?Object\s*>/g)) {
    const inner = m[1] as string;
    const key = /<(?:\w+:)?Key(?:\s[^>]*)?>([\s\S]*?)<\/(?:\w+:)?Key\s*>/.exec(inner)?.[1];
    const version = /<(?:\w+:)?VersionId(?:\s[^>]*)?>([\s\S]*?)<\/(?:\w+:)?VersionId\s*>/.exec(inner)?.[1];
    if (key !== undefined) out.push({ key: unescape(key), versionId: version ? unescape(version) : undefined });
  }
  return out;
}
