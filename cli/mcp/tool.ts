import { z } from 'zod';
import type { BlobContext } from '../blob/context';
import type { KvContext } from '../kvstore/context';
import type { Scope } from './scope';

/**
 * One MCP tool: its schemas (zod, published as JSON Schema), its annotations, and `run`, which calls
 * the same code as the matching CLI command and returns that command's JSON as structured output.
 */
export interface ToolServices {
  readonly blob: BlobContext;
  /** The kvstore table of --env / --table, opened on first use. */
  readonly kv: KvContext;
  readonly scope: Scope;
  /** --read-only: write tools are not listed, and read tools refuse their write modes. */
  readonly readOnly: boolean;
}

export interface ToolAnnotations {
  readonly readOnlyHint: boolean;
  readonly destructiveHint: boolean;
  readonly idempotentHint: boolean;
  /** false: the tool touches only this project's bucket and table. */
  readonly openWorldHint: false;
}

/** Which error mapping a failure goes through: blob's (S3) or kvstore's (locks, queues, item size). */
export type ToolFamily = 'blob' | 'kvstore';

export interface ToolSpec<I extends z.ZodObject, O extends z.ZodObject> {
  readonly name: string;
  readonly title: string;
  readonly description: string;
  readonly family: ToolFamily;
  readonly input: I;
  readonly output: O;
  readonly annotations: ToolAnnotations;
  /** The operand an error names, as the CLI's "get s3://b/k: not found". */
  readonly subject: (args: z.output<I>) => string;
  readonly run: (args: z.output<I>, services: ToolServices) => Promise<z.input<O>>;
}

/** A tool with its generic types closed over, so the registry can hold a list of them. */
export interface Tool {
  readonly name: string;
  readonly title: string;
  readonly description: string;
  readonly family: ToolFamily;
  readonly annotations: ToolAnnotations;
  readonly input: z.ZodObject;
  readonly output: z.ZodObject;
  /** Parses raw arguments (throws a usage CliError) and runs; returns the structured result. */
  readonly call: (raw: unknown, services: ToolServices) => Promise<Record<string, unknown>>;
  readonly subjectOf: (raw: unknown) => string;
}

export const READ: ToolAnnotations = { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false };
/** Writes that add or overwrite with the same result when repeated (put of the same bytes, set). */
export const WRITE_IDEMPOTENT: ToolAnnotations = { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false };
/** Writes whose repeat changes state again (inc, push, pop, lock). */
export const WRITE: ToolAnnotations = { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false };

export function defineTool<I extends z.ZodObject, O extends z.ZodObject>(spec: ToolSpec<I, O>): Tool {
  return {
    name: spec.name,
    title: spec.title,
    description: spec.description,
    family: spec.family,
    annotations: spec.annotations,
    input: spec.input,
    output: spec.output,
    async call(raw, services) {
      const args = parseArguments(spec.input, raw);
      const result = await spec.run(args, services);
      return spec.output.parse(result) as Record<string, unknown>;
    },
    subjectOf(raw) {
      const parsed = spec.input.safeParse(raw ?? {});
      return parsed.success ? spec.subject(parsed.data) : '';
    },
  };
}

/** Bad arguments are the caller's to fix: one usage error naming each problem and its field. */
export class ArgumentsError extends Error {
  constructor(readonly issues: string) {
    super(issues);
    this.name = 'ArgumentsError';
  }
}

function parseArguments<I extends z.ZodObject>(schema: I, raw: unknown): z.output<I> {
  const parsed = schema.safeParse(raw ?? {});
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((i) => `${i.path.length ? i.path.join('.') : 'arguments'}: ${i.message}`).join('; ');
  throw new ArgumentsError(issues);
}
