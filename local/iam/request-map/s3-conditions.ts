import type { ContextValue } from '../evaluate';
import { copySource } from './s3-request';
import { IncomingCall, MapContext, header, queryValue } from './types';

/** The condition keys an S3 request carries, and the KMS key S3 uses for a write. */

export function listContext(call: IncomingCall): Record<string, ContextValue> {
  const ctx: Record<string, ContextValue> = {};
  for (const [q, k] of [
    ['prefix', 's3:prefix'],
    ['delimiter', 's3:delimiter'],
    ['max-keys', 's3:max-keys'],
  ] as const) {
    const v = queryValue(call, q);
    if (v !== undefined) ctx[k] = v;
  }
  return ctx;
}

/** Request headers that become condition keys of a write (PutObject's keys in the S3 reference). */
const WRITE_CONDITION_HEADERS: ReadonlyArray<readonly [string, string]> = [
  ['x-amz-server-side-encryption', 's3:x-amz-server-side-encryption'],
  ['x-amz-server-side-encryption-aws-kms-key-id', 's3:x-amz-server-side-encryption-aws-kms-key-id'],
  ['x-amz-server-side-encryption-customer-algorithm', 's3:x-amz-server-side-encryption-customer-algorithm'],
  ['x-amz-storage-class', 's3:x-amz-storage-class'],
  ['x-amz-acl', 's3:x-amz-acl'],
  ['x-amz-grant-full-control', 's3:x-amz-grant-full-control'],
  ['x-amz-grant-read', 's3:x-amz-grant-read'],
  ['x-amz-grant-read-acp', 's3:x-amz-grant-read-acp'],
  ['x-amz-grant-write', 's3:x-amz-grant-write'],
  ['x-amz-grant-write-acp', 's3:x-amz-grant-write-acp'],
  ['x-amz-metadata-directive', 's3:x-amz-metadata-directive'],
  ['x-amz-website-redirect-location', 's3:x-amz-website-redirect-location'],
  ['x-amz-object-lock-mode', 's3:object-lock-mode'],
  ['x-amz-object-lock-retain-until-date', 's3:object-lock-retain-until-date'],
  ['x-amz-object-lock-legal-hold', 's3:object-lock-legal-hold'],
  ['if-match', 's3:if-match'],
  ['if-none-match', 's3:if-none-match'],
];

export function writeContext(call: IncomingCall): Record<string, ContextValue> {
  const ctx: Record<string, ContextValue> = {};
  for (const [h, k] of WRITE_CONDITION_HEADERS) {
    const v = header(call, h);
    if (v !== undefined) ctx[k] = v;
  }
  const source = copySource(call);
  // The reference's example value is `bucket/key`: no leading slash, key decoded, no version.
  if (source) ctx['s3:x-amz-copy-source'] = `${source.bucket}/${source.key}`;
  return ctx;
}

/** s3:RequestObjectTagKeys and s3:RequestObjectTag/<key> from an x-amz-tagging header (`k=v&k2=v2`, form-encoded). */
export function requestTagContext(tagging: string): Record<string, ContextValue> {
  const tags = [...new URLSearchParams(tagging)];
  const ctx: Record<string, ContextValue> = { 's3:RequestObjectTagKeys': tags.map(([k]) => k) };
  for (const [k, v] of tags) ctx[`s3:RequestObjectTag/${k}`] = v;
  return ctx;
}

/** A KeyId as S3 headers give it (id, ARN, alias, alias ARN) → the key ARN, known or not. */
export function keyArnOf(id: string, region: string, ctx: MapContext): string {
  const known = ctx.directory.keyArn(region, id);
  if (known) return known;
  if (id.startsWith('arn:')) return id;
  return `arn:aws:kms:${region}:${ctx.directory.accountId}:${id.startsWith('alias/') ? id : `key/${id}`}`;
}

/**
 * The KMS key S3 uses for a write: the key the request names, none when it asks for SSE-S3
 * (AES256), else the bucket's default key. `aws:kms` without a key id means the AWS managed key
 * aws/s3 (PutObject reference), whose key policy admits every principal of the account through S3,
 * so it needs no check here.
 */
export function writeKey(call: IncomingCall, bucket: string, region: string, ctx: MapContext): string | undefined {
  const sse = header(call, 'x-amz-server-side-encryption');
  const id = header(call, 'x-amz-server-side-encryption-aws-kms-key-id');
  if (sse === 'AES256' || header(call, 'x-amz-server-side-encryption-customer-algorithm')) return undefined;
  if (id) return keyArnOf(id, region, ctx);
  if (sse?.startsWith('aws:kms')) return undefined;
  return ctx.directory.bucketKey(bucket);
}
