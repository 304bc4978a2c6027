import type { EnvName, PipelineDescriptor } from '../../core/pipelines';
import { onceKey } from './exactly-once/keys';

/**
 * A handler's view of its descriptor (core/pipelines): its environment and its kvstore keys. Both
 * are typed by the descriptor and checked at run time too, so a handler reads only variables its
 * schema names (the ones its grants set) and builds keys only in namespaces its role may use.
 */
export interface EnvReader<E extends EnvName> {
  /** The variable's value; throws when it is unset (the function's configuration is incomplete). */
  get(name: E): string;
  /** The variable's value, or undefined when unset (settings with a default). */
  optional(name: E): string | undefined;
}

export function env<E extends EnvName>(d: PipelineDescriptor<string, E>): EnvReader<E> {
  const declared = new Set<string>(d.env);
  const check = (name: string) => {
    if (!declared.has(name)) throw new Error(`${d.handler} reads ${name}, which its descriptor does not declare`);
  };
  return {
    get(name) {
      check(name);
      const v = process.env[name];
      if (!v) throw new Error(`missing environment variable ${name}: the function's configuration is incomplete`);
      return v;
    },
    optional(name) {
      check(name);
      return process.env[name] || undefined;
    },
  };
}

export interface NamespacedKeys<N extends string> {
  /** `${namespace}/${parts.join('/')}`, as stored (an object key kept whole). */
  key(namespace: N, ...parts: string[]): string;
  /**
   * The same, always a valid kvstore key: one that is too long or holds control characters (any
   * S3 key may) is derived by safeKey (core/kvstore-key.ts). Use it for every key built from an
   * object key, and keep the object key itself in the record.
   */
  once(namespace: N, ...parts: string[]): string;
}

/**
 * kvstore keys in the descriptor's namespaces only: a namespace the descriptor does not declare,
 * hence one its role's dynamodb:LeadingKeys condition refuses, throws before any request is made.
 */
export function namespaced<N extends string>(d: PipelineDescriptor<N>): NamespacedKeys<N> {
  const declared = new Set<string>(d.kvstore?.namespaces ?? []);
  const check = (ns: string) => {
    if (!declared.has(ns)) throw new Error(`${d.handler} may not use kvstore namespace ${ns} (its descriptor declares ${[...declared].join(', ') || 'none'})`);
  };
  return {
    key(namespace, ...parts) {
      check(namespace);
      return `${namespace}/${parts.join('/')}`;
    },
    once(namespace, ...parts) {
      check(namespace);
      return onceKey(namespace, ...parts);
    },
  };
}
