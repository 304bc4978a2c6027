import type { AuthzRequest } from '../evaluate';

export type EdgeCaller =
  | { readonly kind: 'service'; readonly principal: string }
  /** A role the service uses (a function's execution role, the replication role). */
  | { readonly kind: 'role'; readonly roleArn: string };

export interface PolicyEdge {
  readonly type: 'policy';
  /** Unique within an app, e.g. "alarm Blob-dev-Pipelines/UploadProcessor/Errors → topic blob-dev-operations (sns:Publish)". */
  readonly name: string;
  readonly caller: EdgeCaller;
  readonly request: AuthzRequest;
  /** `deny` for least-privilege edges that must stay closed (e.g. s3:ReplicateDelete when delete markers do not replicate). */
  readonly expect: 'allow' | 'deny';
}

/** An edge without a policy decision: what must be configured for it (`problem` when it is not). */
export interface ConfigEdge {
  readonly type: 'config';
  readonly name: string;
  readonly detail: string;
  readonly problem?: string;
}

export type ServiceEdge = PolicyEdge | ConfigEdge;
