import * as z from 'zod';
import { checkSyntax, SyntaxStatus } from './syntax-check';
import { CODEGEN } from '../../core/pipelines';
import { namespaced } from '../shared/footprint';

/**
 * Scenario 1, multi-agent code generation. Agents 1–4 upload components under
 * codegen/session-<id>/; agent 5's "validate and merge" is this pipeline. Pure decisions only.
 */
export const CODEGEN_PREFIX = CODEGEN.objects.read![0]!;
/** Per-session kvstore records share the object layout, in the codegen namespace. */
const keys = namespaced(CODEGEN);
/** The seed's four generated files (agent 5 merges them; it does not upload a component). */
export const DEFAULT_COMPONENTS: readonly string[] = ['api.py', 'models.py', 'tests.py', 'README.md'];
export const MANIFEST_FILE = 'manifest.json';
/** The merge output directory and the kvstore record of the merge share this name. */
export const MERGED = 'merged';
/** merged/report.json; a component of that name would collide with it. */
export const MERGE_REPORT = 'report.json';
/** Generated source above this size is rejected: it is read into memory to be parsed. */
export const MAX_COMPONENT_BYTES = 1024 * 1024;

export interface CodegenKey {
  readonly session: string;
  readonly file: string;
}

const KEY = /^codegen\/session-([A-Za-z0-9._-]{1,128})\/(.+)$/;

/** undefined for keys outside a session, and for the merge output (it must not re-trigger). */
export function parseCodegenKey(key: string): CodegenKey | undefined {
  const [, session, file] = KEY.exec(key) ?? [];
  if (!session || !file) return undefined;
  if (file === MERGED || file.startsWith(`${MERGED}/`) || file.endsWith('/')) return undefined;
  return { session, file };
}

export const sessionPrefix = (session: string): string => `codegen/session-${session}/`;
export const statusKey = (k: CodegenKey): string => keys.once('codegen', `session-${k.session}`, k.file);
/** The record and outbox of a rejected upload: an invalid component, or a key outside any session. */
export const rejectionKey = (objectKey: string, versionId: string): string => keys.once('codegen', 'rejected', `${objectKey.replace(/^codegen\//, '')}@${versionId}`);

/**
 * Why a key under codegen/ that parseCodegenKey refused is still an upload to answer for;
 * undefined for what is rightly ignored: the merge output (it must not re-trigger) and folder markers.
 */
export function codegenKeyProblem(key: string): string | undefined {
  if (key.endsWith('/') || /^codegen\/session-[^/]+\/merged(\/|$)/.test(key)) return undefined;
  return `${key} is not a session component: upload as codegen/session-<id>/<file> (id of 1 to 128 letters, digits, '.', '_' or '-')`;
}

/** S3 keys stop at 1,024 bytes: a component whose merged/ copy would be longer cannot be merged. */
export function mergedKeyProblem(k: CodegenKey): string | undefined {
  const bytes = Buffer.byteLength(mergedObjectKey(k.session, k.file));
  return bytes > 1024 ? `its merged copy ${MERGED}/${k.file.slice(0, 40)}… would be ${bytes} bytes, over S3's 1024-byte key limit: use a shorter file name` : undefined;
}
export const mergeRecordKey = (session: string): string => keys.key('codegen', `session-${session}`, MERGED);
export const mergedObjectKey = (session: string, file: string): string => `${sessionPrefix(session)}${MERGED}/${file}`;

export interface ComponentStatus {
  readonly file: string;
  readonly status: SyntaxStatus;
  readonly parser: string;
  readonly reason?: string;
  readonly size: number;
  readonly sha256?: string;
  readonly versionId?: string;
  /** Only for manifest.json: the components it declares. */
  readonly components?: string[];
  readonly checkedAt: string;
}

const manifestSchema = z.object({
  components: z
    .array(
      z
        .string()
        .min(1)
        .refine((f) => !f.startsWith('/') && !f.split('/').includes('..'), 'must be a relative file name inside the session')
        .refine((f) => f !== MANIFEST_FILE && f !== MERGE_REPORT && f !== MERGED && !f.startsWith(`${MERGED}/`), 'manifest.json, report.json and merged/ are reserved'),
    )
    .min(1, 'list at least one component')
    .refine((a) => new Set(a).size === a.length, 'components must be unique'),
});

/** Validates one uploaded component from its bytes (already bounded by MAX_COMPONENT_BYTES + 1). */
export function validateComponent(file: string, bytes: Buffer, size: number): Omit<ComponentStatus, 'versionId' | 'sha256' | 'checkedAt'> {
  const base = { file, size };
  if (size === 0) return { ...base, status: 'invalid', parser: 'none', reason: 'empty file: the agent uploaded nothing; re-upload the component' };
  if (size > MAX_COMPONENT_BYTES) {
    return { ...base, status: 'invalid', parser: 'none', reason: `larger than ${MAX_COMPONENT_BYTES} bytes: split the component or raise MAX_COMPONENT_BYTES` };
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return { ...base, status: 'invalid', parser: 'none', reason: 'not valid UTF-8: generated source must be UTF-8 text' };
  }
  const syntax = checkSyntax(file, text);
  if (file !== MANIFEST_FILE || syntax.status !== 'valid') return { ...base, ...syntax };
  const manifest = manifestSchema.safeParse(JSON.parse(text));
  if (!manifest.success) {
    const why = manifest.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    return { ...base, status: 'invalid', parser: 'manifest schema', reason: `invalid manifest (${why}): expected {"components": ["api.py", ...]}` };
  }
  return { ...base, status: 'valid', parser: 'manifest schema', components: manifest.data.components };
}

export type MergeDecision =
  | { readonly ready: true; readonly components: ComponentStatus[]; readonly expected: string[]; readonly source: 'manifest' | 'default' }
  | { readonly ready: false; readonly reason: string };

/**
 * Merge when every expected component is present and not invalid. The expected set is the
 * manifest's when a valid manifest.json is in the session, otherwise DEFAULT_COMPONENTS; an
 * invalid manifest blocks the merge rather than silently falling back to the default.
 */
export function decideMerge(statuses: ComponentStatus[]): MergeDecision {
  const byFile = new Map(statuses.map((s) => [s.file, s]));
  const manifest = byFile.get(MANIFEST_FILE);
  if (manifest && manifest.status !== 'valid') return { ready: false, reason: `manifest.json is invalid: ${manifest.reason ?? 'unknown'}` };
  const expected = manifest?.components ?? [...DEFAULT_COMPONENTS];
  const missing = expected.filter((f) => !byFile.has(f));
  if (missing.length) return { ready: false, reason: `waiting for ${missing.join(', ')}` };
  const invalid = expected.filter((f) => byFile.get(f)?.status === 'invalid');
  if (invalid.length) return { ready: false, reason: `invalid: ${invalid.join(', ')}; re-upload them` };
  return { ready: true, expected, components: expected.map((f) => byFile.get(f) as ComponentStatus), source: manifest ? 'manifest' : 'default' };
}

/** The merge report: what was merged, from which exact versions, and how each was checked. */
export function mergeReport(session: string, decision: Extract<MergeDecision, { ready: true }>, mergedAt: string) {
  return {
    session,
    mergedAt,
    expectedFrom: decision.source,
    components: decision.components.map((c) => ({
      file: c.file,
      status: c.status,
      parser: c.parser,
      size: c.size,
      sha256: c.sha256 ?? null,
      versionId: c.versionId ?? null,
    })),
  };
}
