import type { Json } from './intrinsics';

/** Resolved template properties of one resource. */
export type Props = Record<string, Json>;

/** A resolved property as the string the APIs take (objects as JSON, as CloudFormation passes them). */
export function str(v: Json | undefined): string | undefined {
  return v === undefined || v === null ? undefined : typeof v === 'string' ? v : JSON.stringify(v);
}

/** Tags in either template form (a list of {Key, Value} or a map). */
export function tagList(tags: Json | undefined): Array<{ Key: string; Value: string }> {
  if (Array.isArray(tags)) return tags as Array<{ Key: string; Value: string }>;
  if (tags && typeof tags === 'object') return Object.entries(tags).map(([Key, v]) => ({ Key, Value: String(v) }));
  return [];
}

/** The given properties that are set, as the string attribute map SNS and SQS take. */
export function stringAttributes(props: Props, keys: readonly string[]): Record<string, string> {
  const attributes: Record<string, string> = {};
  for (const k of keys) {
    const v = str(props[k]);
    if (v !== undefined) attributes[k] = v;
  }
  return attributes;
}
