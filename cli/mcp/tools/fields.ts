import { z } from 'zod';

/** Argument fields several tools share, described once. */
export const key = z.string().min(1).describe('object key (in the environment\'s bucket) or s3://bucket/key');
export const versionId = z.string().min(1).optional().describe('a specific version (from versions); default: the current one');
export const prefix = z.string().describe('key prefix, e.g. "uploads/" ("" for the whole bucket), or s3://bucket/prefix');
export const kvKey = z.string().min(1).describe('kvstore key "namespace/name", e.g. "deployment/latest-version"');
