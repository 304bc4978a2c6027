import type { Json } from '../../provision/intrinsics';

/** Reading resolved template properties (any shape) without a cast at every step. */

export function get(o: Json | undefined, ...path: Array<string | number>): Json | undefined {
  let v: Json | undefined = o;
  for (const p of path) {
    if (v === null || v === undefined || typeof v !== 'object') return undefined;
    v = (v as Record<string | number, Json>)[p];
  }
  return v;
}

export function str(v: Json | undefined): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

export function list(v: Json | undefined): Json[] {
  return Array.isArray(v) ? v : v === undefined || v === null ? [] : [v];
}

/** Region and service of an ARN. */
export function arnParts(arn: string): { service: string; region: string; resource: string } {
  const [, , service = '', region = '', , ...rest] = arn.split(':');
  return { service, region, resource: rest.join(':') };
}
