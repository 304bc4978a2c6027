/**
 * The fixture every request-map suite shares: a resource directory (two keys, buckets, tables, topics),
 * request builders in the shapes the SDK v3, lib-dynamodb and the AWS CLI send, and expectChecks,
 * which also records every mapped call for the IAM reference check (./reference.ts).
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { AuthzRequest, ContextValue } from '../../../local/iam/evaluate';
import type { ResolvedResource } from '../../../local/iam/policies';
import { IncomingCall, MappedCall, mapRequest } from '../../../local/iam/request-map';
import { buildDirectory } from '../../../local/iam/resource-directory';
import { parseQuery } from '../../../local/iam/sigv4';

export const ACCOUNT = '111122223333';
export const EU = 'eu-central-1';
export const US = 'us-west-2';
export const K1_ID = '11111111-2222-4333-8444-555555555555';
export const K2_ID = '66666666-7777-4888-9999-000000000000';
export const K1 = `arn:aws:kms:${EU}:${ACCOUNT}:key/${K1_ID}`;
export const K2 = `arn:aws:kms:${US}:${ACCOUNT}:key/${K2_ID}`;
export const TOPIC = `arn:aws:sns:${EU}:${ACCOUNT}:notify`;

function res(region: string, type: string, ref: string, props: Record<string, unknown>, arn?: string): ResolvedResource {
  return { stackName: 'Fixture', region, logicalId: ref.replace(/\W/g, ''), type, props: props as ResolvedResource['props'], ref, ...(arn ? { arn } : {}) };
}

const kmsBucket = (key: string) => ({ BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: key } }] } });

const directory = buildDirectory(ACCOUNT, [
  res(EU, 'AWS::KMS::Key', K1_ID, {}, K1),
  res(EU, 'AWS::KMS::Alias', 'alias/blob-dev-storage', { AliasName: 'alias/blob-dev-storage', TargetKeyId: K1_ID }),
  res(US, 'AWS::KMS::Key', K2_ID, {}, K2),
  res(US, 'AWS::KMS::Alias', 'alias/blob-dev-replica', { AliasName: 'alias/blob-dev-replica', TargetKeyId: K2 }),
  res(EU, 'AWS::S3::Bucket', 'data', kmsBucket(K1)),
  res(US, 'AWS::S3::Bucket', 'replica', kmsBucket('alias/blob-dev-replica')),
  res(EU, 'AWS::S3::Bucket', 'plain', { BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] } }),
  res(EU, 'AWS::DynamoDB::Table', 'kv', { KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }], SSESpecification: { SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: K1 } }),
  res(EU, 'AWS::DynamoDB::Table', 'audit', { KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }] }),
  res(EU, 'AWS::SNS::Topic', TOPIC, { KmsMasterKeyId: K1 }),
  res(EU, 'AWS::SNS::Topic', `arn:aws:sns:${EU}:${ACCOUNT}:plain`, {}),
]);

const COMMON = { 'aws:SecureTransport': 'true' };
const ctx = { directory, common: COMMON };

// ---------------------------------------------------------------- request builders

export interface Req {
  readonly service?: string;
  readonly region?: string;
  readonly method?: string;
  readonly path?: string;
  readonly query?: string;
  readonly headers?: IncomingHttpHeaders;
  readonly body?: string;
}

function call(r: Req): IncomingCall {
  return {
    service: r.service ?? 's3',
    region: r.region ?? EU,
    method: r.method ?? 'GET',
    path: r.path ?? '/',
    query: parseQuery(r.query ?? ''),
    headers: { host: '127.0.0.1:4566', ...(r.headers ?? {}) },
    ...(r.body !== undefined ? { body: Buffer.from(r.body) } : {}),
  };
}

export const json = (service: string, target: string, body: unknown, region = EU): Req => ({ service, region, method: 'POST', headers: { 'x-amz-target': target, 'content-type': 'application/x-amz-json-1.0' }, body: JSON.stringify(body) });
export const form = (service: string, params: Record<string, string>, path = '/'): Req => ({ service, method: 'POST', path, headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' }, body: new URLSearchParams(params).toString() });

// ---------------------------------------------------------------- expectations

export type Expected = readonly [action: string, resource: string, context?: Record<string, ContextValue | undefined>];

export const allMapped: Array<{ name: string; mapped: MappedCall }> = [];

/** Exactly these checks, in order; each named context key equals its value (undefined: absent). */
export function expectChecks(name: string, r: Req, expected: readonly Expected[], operation?: string): MappedCall {
  const mapped = mapRequest(call(r), ctx);
  allMapped.push({ name, mapped });
  expect(mapped.checks.map((c) => [c.action, c.resource])).toEqual(expected.map(([a, res]) => [a, res]));
  expected.forEach(([, , context], i) => {
    const got = (mapped.checks[i] as AuthzRequest).context;
    for (const [k, v] of Object.entries(context ?? {})) expect([name, k, got[k]]).toEqual([name, k, v]);
  });
  if (operation) expect(mapped.operation).toBe(operation);
  return mapped;
}

export const via = (service: string, region = EU) => ({ 'kms:ViaService': `${service}.${region}.amazonaws.com`, 'kms:CallerAccount': ACCOUNT });
