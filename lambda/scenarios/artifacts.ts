import { ARTIFACTS } from '../../core/pipelines';
import { namespaced } from '../shared/footprint';
/**
 * Scenario 3, CI/CD artifacts: artifacts/<version>/<file> with user metadata `version` and
 * `commit`. Deploy state lives in the kvstore `deployment/` namespace.
 */
export interface ArtifactKey {
  readonly version: string;
  readonly file: string;
}

// The version names kvstore keys (deployment/rollback-<version>), so it cannot hold control characters.
// eslint-disable-next-line no-control-regex
const KEY = /^artifacts\/([^/\u0000-\u001f\u007f]{1,128})\/(.+[^/])$/s;

export function parseArtifactKey(key: string): ArtifactKey | undefined {
  const [, version, file] = KEY.exec(key) ?? [];
  return version && file ? { version, file } : undefined;
}

const keys = namespaced(ARTIFACTS);
export const LATEST_VERSION = keys.key('deployment', 'latest-version');
export const LATEST_COMMIT = keys.key('deployment', 'latest-commit');
export const TOTAL_DEPLOYS = keys.key('deployment', 'total-deploys');
/** One record per deployed object version: the audit entry and the notification outbox. */
export const deployLogKey = (a: ArtifactKey, versionId: string): string => keys.once('deployment', 'log', a.version, `${a.file}@${versionId}`);
/**
 * One record per rejected object version (`deployment/rejected/<key after artifacts/>@<version>`,
 * derived by safeKey when the key cannot be held as is): the reason, and the outbox of the
 * artifacts.rejected notification.
 */
export const rejectionKey = (objectKey: string, versionId: string): string =>
  keys.once('deployment', 'rejected', `${objectKey.replace(/^artifacts\//, '')}@${versionId}`);

/** Why a key under artifacts/ is not an artifact; undefined for folder markers (keys ending in `/`), which are ignored. */
export function artifactKeyProblem(key: string): string | undefined {
  if (key.endsWith('/')) return undefined;
  return `${key} is not an artifact key: upload artifacts as artifacts/<version>/<file> (a version of 1 to 128 characters, without '/' or control characters)`;
}

export type DeployMetadata = { readonly version: string; readonly commit: string };

/**
 * Checks the user metadata against the key. A mismatch is a build-pipeline bug; deploying it would
 * record the wrong version, so it is rejected with the fix in the message.
 */
export function checkDeployMetadata(a: ArtifactKey, metadata: Record<string, string> | undefined): { ok: true; meta: DeployMetadata } | { ok: false; reason: string } {
  const version = metadata?.version;
  const commit = metadata?.commit;
  if (!version || !commit) {
    const missing = [!version && 'version', !commit && 'commit'].filter(Boolean).join(' and ');
    return { ok: false, reason: `artifact artifacts/${a.version}/${a.file} lacks metadata ${missing}: re-upload with --metadata version=${a.version} --metadata commit=<sha>` };
  }
  if (version !== a.version) {
    return { ok: false, reason: `artifact metadata version "${version}" differs from its path version "${a.version}": upload it under artifacts/${version}/ or fix the metadata` };
  }
  return { ok: true, meta: { version, commit } };
}
