import { z } from 'zod';
import { ENVIRONMENT_NAMES, ENVIRONMENT_REGIONS, EnvironmentName, environmentParameters, isEnvironmentName } from '../core/environments';
import { REPLICATED_PREFIX } from '../core/pipelines/replica-processing';

/**
 * The one place environment settings live. Stacks receive an `EnvironmentConfig` and never read
 * context or process.env themselves, so a fork changes behaviour here and nowhere else.
 */

/** Values the seed document fixes. They are identical in every environment on purpose. */
export const SEED_LIFECYCLE = {
  /** sessions/ → STANDARD_IA after 30 days, → GLACIER after 90 days */
  sessionsInfrequentAccessDays: 30,
  sessionsGlacierDays: 90,
  /** logs/ expire after 90 days */
  logsExpirationDays: 90,
  /** every noncurrent version expires 30 days after it stops being current */
  noncurrentVersionExpirationDays: 30,
  /** beyond the seed: abandoned multipart uploads cost money and are invisible in listings */
  abortIncompleteMultipartUploadDays: 7,
} as const;

export const SEED_REPLICATION = {
  prefix: REPLICATED_PREFIX,
  /** Replication Time Control: 15 minutes is the only value S3 accepts. */
  replicationTimeMinutes: 15,
  metricsThresholdMinutes: 15,
  /**
   * Delete markers are NOT replicated: the replica is the disaster-recovery copy, and an agent
   * deleting `critical/x` in the primary must not hide it in the replica as well. Versions are
   * kept either way; see README "Replication".
   */
  deleteMarkerReplication: false,
} as const;

// Names, regions and parameter paths are shared with the CLIs, which may not import lib/: they live in core/.
export { ENVIRONMENT_NAMES, isEnvironmentName } from '../core/environments';
export type { EnvironmentName } from '../core/environments';

const regionSchema = z.string().regex(/^[a-z]{2}(-gov)?-[a-z]+-\d$/, 'must be an AWS region such as eu-central-1');

/**
 * The only retention periods CloudWatch Logs accepts (AWS::Logs::LogGroup RetentionInDays). Any
 * other number synthesizes fine and fails only at deploy time, so the schema refuses it at synth.
 */
export const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653] as const;
export type LogRetentionDays = (typeof LOG_RETENTION_DAYS)[number];

/**
 * Who may hand out agent sessions (sts:AssumeRole on the agent role with session tags). The agents
 * themselves never hold this right: a platform or CI assumes the role on an agent's behalf and
 * passes the session's credentials into the agent's sandbox.
 */
const agentAssumerSchema = z.discriminatedUnion('kind', [
  /** Principals of the deploying account whose own IAM policy allows sts:AssumeRole on the role. */
  z.object({ kind: z.literal('account') }),
  /** One role, for example the CI role that starts agent runs. */
  z.object({ kind: z.literal('role'), arn: z.string().regex(/^arn:aws[\w-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/, 'must be an IAM role ARN') }),
  /** An OIDC provider (GitHub Actions, a Kubernetes cluster): only tokens whose `sub` matches one of `subjects`. */
  z.object({
    kind: z.literal('oidc'),
    providerArn: z.string().regex(/^arn:aws[\w-]*:iam::\d{12}:oidc-provider\/.+$/, 'must be an IAM OIDC provider ARN'),
    /** The provider host as it appears in condition keys, e.g. token.actions.githubusercontent.com */
    issuer: z.string().regex(/^[\w.-]+(\/[\w.-]+)*$/, 'must be the issuer host and path without https://'),
    audience: z.string().min(1).default('sts.amazonaws.com'),
    subjects: z.array(z.string().min(1)).min(1, 'name at least one sub pattern, e.g. repo:org/repo:ref:refs/heads/main'),
  }),
]);

/** An object prefix: ends with '/', no wildcard, never the whole bucket. */
const prefixSchema = z.string().regex(/^[\w.-]+(\/[\w.-]+)*\/$/, "must be a key prefix ending in '/', such as shared/");
/** A kvstore namespace (the partition key: the part of a key before its first '/'). */
const namespaceSchema = z.string().regex(/^[\w.-]+$/, 'must be one kvstore namespace (no / or wildcard)');

/**
 * Agent workspaces (issue 15): `{agent}` and `{session}` in a workspace stand for the session tags
 * the role is assumed with; the stack turns them into ${aws:PrincipalTag/…} policy variables.
 */
export const agentAccessSchema = z.object({
  assumers: z.array(agentAssumerSchema).min(1).default([{ kind: 'account' }]),
  /** Longest session `blob credentials --duration` may ask for (the role's MaxSessionDuration). */
  maxSessionHours: z.number().int().min(1).max(12).default(12),
  shared: z
    .object({
      /** Every agent may read and list these, never write or delete them. */
      read: z.array(prefixSchema).default([]),
      /** Every agent may read, list and write (new versions) here, never delete. */
      write: z.array(prefixSchema).default([]),
      /** kvstore namespaces every agent may read and write (locks, queues, counters). */
      namespaces: z.array(namespaceSchema).default([]),
    })
    .default({ read: [], write: [], namespaces: [] }),
  workspaces: z
    .object({
      /** Object prefixes one agent owns (read, write, delete, list), e.g. agents/{agent}/ */
      agent: z.array(z.string().regex(/^([\w.-]+\/)*[\w.-]*\{agent\}[\w.-]*\/$/, 'must be a prefix containing {agent}, e.g. agents/{agent}/')).min(1),
      /** Object prefixes one session owns, shared by every agent of that session: codegen/session-{session}/ */
      session: z.array(z.string().regex(/^([\w.-]+\/)*[\w.-]*\{session\}[\w.-]*\/$/, 'must be a prefix containing {session}, e.g. codegen/session-{session}/')).default([]),
      /** kvstore namespaces of one agent / one session, e.g. agent-{agent} */
      agentNamespace: z.string().regex(/^[\w.-]*\{agent\}[\w.-]*$/, 'must contain {agent} and no /'),
      sessionNamespace: z.string().regex(/^[\w.-]*\{session\}[\w.-]*$/, 'must contain {session} and no /').optional(),
    }),
});
export type AgentAccessConfig = z.infer<typeof agentAccessSchema>;

/** The seed's layout: datasets and artifacts are published by pipelines and only read by agents. */
const DEFAULT_AGENT_ACCESS = {
  shared: { read: ['datasets/', 'artifacts/', 'models/'], write: ['shared/'], namespaces: ['coordination'] },
  workspaces: {
    agent: ['agents/{agent}/'],
    session: ['codegen/session-{session}/', 'sessions/{session}/'],
    agentNamespace: 'agent-{agent}',
    sessionNamespace: 'session-{session}',
  },
} as const;

export const environmentConfigSchema = z
  .object({
    name: z.enum(ENVIRONMENT_NAMES),
    /** Optional: leave empty for environment-agnostic synth; CI sets CDK_DEFAULT_ACCOUNT. */
    account: z.string().regex(/^\d{12}$/, 'must be a 12-digit AWS account id').optional(),
    primaryRegion: regionSchema,
    replicaRegion: regionSchema,
    /** `retain` keeps buckets, keys and tables when a stack is deleted. */
    removalPolicy: z.enum(['destroy', 'retain']),
    deletionProtection: z.boolean(),
    notificationEmail: z.string().email().optional(),
    /** How long audit records of object events are kept (DynamoDB TTL). */
    auditRetentionDays: z.number().int().min(1).max(3650),
    /** CloudWatch Logs retention for every function: one of the values CloudWatch Logs accepts. */
    logRetentionDays: z.literal(LOG_RETENTION_DAYS, {
      error: `must be one of the retention periods CloudWatch Logs accepts (days): ${LOG_RETENTION_DAYS.join(', ')}`,
    }),
    /** Lambda memory for event processors (Lambda accepts whole MB from 128 to 10240); streaming keeps usage flat. */
    processorMemoryMb: z
      .number()
      .int('must be a whole number of MB')
      .min(128, 'must be at least 128 MB (the smallest Lambda memory size)')
      .max(10240, 'must be at most 10240 MB (the largest Lambda memory size)'),
    /**
     * Reserved concurrent executions for every function of the environment. Set it where environments
     * share an account, so that one (dev) cannot take the capacity another needs; leave it unset
     * (dev always does) while the account's concurrency limit is small. 0 would disable every function.
     */
    reservedConcurrency: z.number().int('must be a whole number of executions').min(1, 'must be at least 1 (0 would stop every function)').optional(),
    /**
     * AWS Backup of the stateful tables (audit and kvstore, both regions): daily, kept retentionDays.
     * Point-in-time recovery reaches back 35 days only, while audit records live auditRetentionDays,
     * so without it an audit record older than 35 days is lost for good after a bad write or delete.
     * Off unless configured: dev and staging data is disposable.
     */
    backup: z
      .discriminatedUnion('enabled', [
        z.object({ enabled: z.literal(false) }),
        z.object({ enabled: z.literal(true), retentionDays: z.number().int('must be a whole number of days').min(1, 'must be at least 1 day') }),
      ])
      .default({ enabled: false }),
    /** Agent workspaces and who may hand out agent sessions (README "Agent access"). */
    agentAccess: agentAccessSchema,
    thresholds: z.object({
      /** log-analysis scenario: ERROR lines per hour above which an alert fires */
      errorSpike: z.number().int().nonnegative(),
      /** alarm when any dead-letter queue holds at least this many messages */
      dlqDepth: z.number().int().positive(),
      /** alarm when replication latency exceeds this many seconds */
      replicationLatencySeconds: z.number().int().positive(),
    }),
  })
  .refine((c) => c.primaryRegion !== c.replicaRegion, {
    message: 'replicaRegion must differ from primaryRegion (cross-region replication)',
  })
  // A backup must still exist when the oldest audit record it protects is deleted by TTL.
  .refine((c) => !c.backup.enabled || c.backup.retentionDays >= c.auditRetentionDays, {
    message: 'must be at least auditRetentionDays, so every audit record stays recoverable while it is kept',
    path: ['backup', 'retentionDays'],
  });

export type EnvironmentConfig = z.infer<typeof environmentConfigSchema>;

const base = {
  primaryRegion: ENVIRONMENT_REGIONS.primary,
  replicaRegion: ENVIRONMENT_REGIONS.replica,
  logRetentionDays: 30,
  processorMemoryMb: 512,
  agentAccess: DEFAULT_AGENT_ACCESS,
} as const;

const RAW: Record<EnvironmentName, unknown> = {
  dev: {
    ...base,
    name: 'dev',
    removalPolicy: 'destroy',
    deletionProtection: false,
    auditRetentionDays: 30,
    logRetentionDays: 14,
    thresholds: { errorSpike: 100, dlqDepth: 1, replicationLatencySeconds: 900 },
  },
  staging: {
    ...base,
    name: 'staging',
    removalPolicy: 'destroy',
    deletionProtection: false,
    auditRetentionDays: 90,
    thresholds: { errorSpike: 100, dlqDepth: 1, replicationLatencySeconds: 900 },
  },
  prod: {
    ...base,
    name: 'prod',
    removalPolicy: 'retain',
    deletionProtection: true,
    auditRetentionDays: 400,
    logRetentionDays: 90,
    backup: { enabled: true, retentionDays: 400 },
    thresholds: { errorSpike: 100, dlqDepth: 1, replicationLatencySeconds: 900 },
  },
};

export class UnknownEnvironmentError extends Error {
  constructor(name: string) {
    super(`unknown environment "${name}": use one of ${ENVIRONMENT_NAMES.join(', ')} (for example -c env=dev)`);
    this.name = 'UnknownEnvironmentError';
  }
}

/**
 * Resolves and validates one environment. `overrides` exists for the account and e-mail that CI
 * injects; everything else is reviewed in this file.
 */
export function loadEnvironmentConfig(
  name: string,
  overrides: { account?: string; notificationEmail?: string } = {},
): EnvironmentConfig {
  if (!isEnvironmentName(name)) throw new UnknownEnvironmentError(name);
  return parseEnvironmentConfig(name, { ...(RAW[name] as object), ...stripUndefined(overrides) });
}

/** Validates raw settings of one environment; every failure becomes one line naming each field. */
export function parseEnvironmentConfig(name: EnvironmentName, raw: unknown): EnvironmentConfig {
  const parsed = environmentConfigSchema.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new Error(`invalid configuration for environment "${name}": ${issues}`);
  }
  return parsed.data;
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== '')) as Partial<T>;
}

/** Names every stack, resource and parameter derives from, so the CLIs and local copy agree with AWS. */
export function resourceNames(env: EnvironmentName) {
  const prefix = `blob-${env}`;
  return {
    prefix,
    stacks: {
      replicaStorage: `Blob-${env}-ReplicaStorage`,
      storage: `Blob-${env}-Storage`,
      pipelines: `Blob-${env}-Pipelines`,
      replicaPipelines: `Blob-${env}-ReplicaPipelines`,
    },
    kvstoreTable: `${prefix}-kvstore`,
    idempotencyTable: `${prefix}-idempotency`,
    auditTable: `${prefix}-audit`,
    notificationTopic: `${prefix}-notifications`,
    operationsTopic: `${prefix}-operations`,
    replicaKeyAlias: `alias/${prefix}-replica`,
    /** AWS Backup vault and plan of the stateful tables, one of each per region (backup.enabled). */
    backupVault: `${prefix}-backups`,
    backupPlan: `${prefix}-tables-daily`,
    /** SSM parameter paths the CLIs read to find this environment's resources. */
    parameters: environmentParameters(env),
  } as const;
}
