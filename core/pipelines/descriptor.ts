/**
 * A pipeline's footprint, declared once and free of the CDK: the handler, the S3 prefixes it reads,
 * writes, lists and deletes, the kvstore namespaces it uses, whether it publishes, its idempotency
 * key prefix and its environment. The grants (lib/pipelines/grant-footprint.ts), the handlers'
 * environment reads and kvstore keys (lambda/shared/footprint.ts) and the tests all derive from it,
 * so a handler cannot write where its role may not: the role is built from the same declaration.
 */

/** Environment variables a grant sets: each names the resource the grant unlocks. */
export const RESOURCE_ENV = {
  bucket: 'BUCKET_NAME',
  kvstore: 'KVSTORE_TABLE',
  topic: 'TOPIC_ARN',
  idempotencyTable: 'IDEMPOTENCY_TABLE',
  idempotencyKeyPrefix: 'IDEMPOTENCY_KEY_PREFIX',
  auditTable: 'AUDIT_TABLE',
} as const;

/** Environment variables that hold settings, set by the pipeline module itself. */
export const SETTING_ENV = {
  auditRetentionDays: 'AUDIT_RETENTION_DAYS',
  errorSpikeThreshold: 'ERROR_SPIKE_THRESHOLD',
  logAnalysisEngine: 'LOG_ANALYSIS_ENGINE',
  logAnalysisConcurrency: 'LOG_ANALYSIS_CONCURRENCY',
} as const;

export type ResourceEnvName = (typeof RESOURCE_ENV)[keyof typeof RESOURCE_ENV];
export type SettingEnvName = (typeof SETTING_ENV)[keyof typeof SETTING_ENV];
export type EnvName = ResourceEnvName | SettingEnvName;

export interface ObjectFootprint {
  /** Key prefixes; each grant covers `${prefix}*`. */
  readonly read?: readonly string[];
  readonly write?: readonly string[];
  /** ListBucket, restricted to these prefixes through s3:prefix. */
  readonly list?: readonly string[];
  readonly delete?: readonly string[];
}

export interface PipelineDescriptor<N extends string = string, E extends EnvName = EnvName> {
  /** The handler entry point under lambda/ (also the function's logical name source). */
  readonly handler: string;
  readonly objects: ObjectFootprint;
  /** kvstore namespaces (partition keys, the key up to its first `/`) and whether they are only read. */
  readonly kvstore?: { readonly namespaces: readonly N[]; readonly access: 'read' | 'readwrite' };
  /** Whole-table item access to the audit table (AUDIT_TABLE). */
  readonly auditTable?: boolean;
  readonly publishes: boolean;
  /** Powertools idempotency records under `<keyPrefix>#…` (IDEMPOTENCY_TABLE, IDEMPOTENCY_KEY_PREFIX). */
  readonly idempotency?: { readonly keyPrefix: string };
  /** The environment schema: every variable the handler reads (resources and settings). */
  readonly env: readonly E[];
}

/** The resource variables a footprint implies, in the order the grants set them. */
export function impliedResourceEnv(d: Omit<PipelineDescriptor, 'env'>): ResourceEnvName[] {
  const out: ResourceEnvName[] = [];
  if (d.objects.list?.length) out.push(RESOURCE_ENV.bucket);
  if (d.auditTable) out.push(RESOURCE_ENV.auditTable);
  if (d.kvstore) out.push(RESOURCE_ENV.kvstore);
  if (d.publishes) out.push(RESOURCE_ENV.topic);
  if (d.idempotency) out.push(RESOURCE_ENV.idempotencyTable, RESOURCE_ENV.idempotencyKeyPrefix);
  return out;
}

/**
 * Declares a descriptor and checks that its environment schema holds exactly the resource variables
 * its footprint implies: a handler cannot be written against a variable no grant sets, and a grant
 * cannot hand over a resource the schema does not name.
 */
export function defineDescriptor<const N extends string, const E extends EnvName>(d: PipelineDescriptor<N, E>): PipelineDescriptor<N, E> {
  const implied = new Set<string>(impliedResourceEnv(d));
  const declared = new Set<string>(d.env.filter((v) => (Object.values(RESOURCE_ENV) as string[]).includes(v)));
  const missing = [...implied].filter((v) => !declared.has(v));
  const extra = [...declared].filter((v) => !implied.has(v));
  if (missing.length || extra.length) {
    throw new Error(`${d.handler}: environment schema does not match the footprint (missing ${missing.join(', ') || '-'}; not granted ${extra.join(', ') || '-'})`);
  }
  return d;
}

/**
 * The common shape: a handler of object events behind Powertools idempotency (key prefix = handler
 * name) with read-write kvstore namespaces; its environment is exactly what the footprint implies.
 */
export function objectEventPipeline<const N extends string>(
  handler: string,
  objects: ObjectFootprint,
  namespaces: readonly N[],
  options: { publishes: boolean },
): PipelineDescriptor<N, ResourceEnvName> {
  const footprint = { handler, objects, kvstore: { namespaces, access: 'readwrite' as const }, publishes: options.publishes, idempotency: { keyPrefix: handler } };
  return defineDescriptor({ ...footprint, env: impliedResourceEnv(footprint) });
}

/** The namespaces a descriptor may touch, as a set. */
export function declaredNamespaces(d: PipelineDescriptor): ReadonlySet<string> {
  return new Set(d.kvstore?.namespaces ?? []);
}
