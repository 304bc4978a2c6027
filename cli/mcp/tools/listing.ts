import { z } from 'zod';
import { listPages, ListedObject, parseSince } from '../../blob/commands/list';
import { planSelect, runSelect } from '../../blob/commands/select';
import { historyOf } from '../../blob/commands/history';
import { uri } from '../../blob/context';
import { defineTool, READ, Tool } from '../tool';
import { key, prefix } from './fields';

/**
 * list, select, history: results that can be large. Each is bounded (a count and, for select, bytes)
 * and says how to get the rest; nothing past the bound is read from S3.
 */
export const MAX_LIST = 5000;
export const MAX_SELECT_BYTES = 256 * 1024;

export const listTool: Tool = defineTool({
  name: 'list',
  title: 'List objects under a prefix',
  description:
    'Objects under a prefix with size, last_modified and etag (as `blob list`); recursive by default, or one level with sub-prefixes. since filters by modification time ("7 days ago", ISO date). At most limit objects; truncated says there are more (narrow the prefix or use since).',
  family: 'blob',
  input: z.object({
    prefix,
    recursive: z.boolean().default(true).describe('false: one level, with sub-prefixes in "prefixes"'),
    since: z.string().optional().describe('only objects modified since, e.g. "2026-01-31" or "24 hours ago"'),
    metadata: z.boolean().default(false).describe('also fetch content type and user metadata (one HEAD per object)'),
    limit: z.number().int().min(1).max(MAX_LIST).default(200).describe(`most objects returned (max ${MAX_LIST})`),
  }),
  output: z.object({
    uri: z.string(),
    objects: z.array(
      z.looseObject({ key: z.string(), size: z.number(), last_modified: z.string().nullable(), etag: z.string(), storage_class: z.string() }),
    ),
    prefixes: z.array(z.string()),
    count: z.number(),
    truncated: z.boolean(),
    note: z.string().optional(),
  }),
  annotations: READ,
  subject: (a) => a.prefix,
  async run(a, { blob, scope }) {
    await scope.check(a.prefix);
    const since = await parseSince(a.since);
    const loc = await blob.location(a.prefix);
    const s3 = await blob.s3();
    const objects: ListedObject[] = [];
    const prefixes: string[] = [];
    let truncated = false;
    for await (const page of listPages(s3, loc, { recursive: a.recursive, ...(since ? { since } : {}), withHead: a.metadata, withTags: false })) {
      prefixes.push(...page.prefixes);
      for (const o of page.objects) {
        if (objects.length === a.limit) truncated = true;
        else objects.push(o);
      }
      if (truncated) break;
    }
    return {
      uri: uri(loc),
      objects: objects.map((o) => ({ ...o })),
      prefixes,
      count: objects.length,
      truncated,
      ...(truncated ? { note: `more than ${a.limit} objects; raise limit (max ${MAX_LIST}), narrow the prefix, pass since, or use \`blob list\` for everything` } : {}),
    };
  },
});

export const selectTool: Tool = defineTool({
  name: 'select',
  title: 'SQL over a CSV, JSON Lines or Parquet object',
  description:
    'Run S3 Select SQL over one object and get matching records (as `blob select`), e.g. SELECT s.name FROM s3object s WHERE CAST(s.total AS INT) > 10 LIMIT 20. The format comes from the extension unless given. At most limit records / 256 KB; truncated says there were more.',
  family: 'blob',
  input: z.object({
    key,
    sql: z.string().min(1).describe("e.g. SELECT * FROM s3object s WHERE s.level = 'ERROR' LIMIT 10"),
    format: z.enum(['csv', 'json', 'jsonl', 'parquet']).optional().describe('input format (default: from the key\'s extension)'),
    delimiter: z.string().optional().describe('CSV field delimiter (default , or tab for .tsv)'),
    header: z.boolean().default(true).describe('CSV has a header row (else columns are _1, _2, ...)'),
    limit: z.number().int().min(1).max(10_000).default(500).describe('most records returned'),
  }),
  output: z.object({ uri: z.string(), records: z.array(z.record(z.string(), z.unknown())), count: z.number(), truncated: z.boolean(), note: z.string().optional() }),
  annotations: READ,
  subject: (a) => a.key,
  async run(a, { blob, scope }) {
    await scope.check(a.key);
    const plan = await planSelect(blob, a.key, a.sql, {
      ...(a.format ? { format: a.format } : {}),
      ...(a.delimiter !== undefined ? { delimiter: a.delimiter } : {}),
      header: a.header,
    });
    const records: Array<Record<string, unknown>> = [];
    let bytes = 0;
    let truncated = false;
    await runSelect(blob, plan, async (r) => {
      const size = JSON.stringify(r).length;
      if (truncated || records.length >= a.limit || bytes + size > MAX_SELECT_BYTES) {
        truncated = true;
        return false;
      }
      records.push(r);
      bytes += size;
      return true;
    });
    return {
      uri: uri(plan.loc),
      records,
      count: records.length,
      truncated,
      ...(truncated ? { note: `stopped after ${records.length} records (limit ${a.limit}, 256 KB); add a WHERE or LIMIT, select fewer columns, or run \`blob select\` for the full result` } : {}),
    };
  },
});

export const historyTool: Tool = defineTool({
  name: 'history',
  title: 'Audit trail of a key',
  description: 'Who changed an object and when (writes, deletes, copies), newest first, from the environment\'s audit table (as `blob history`). Needs --env.',
  family: 'blob',
  input: z.object({ key, limit: z.number().int().min(1).max(1000).default(50) }),
  output: z.object({ uri: z.string(), history: z.array(z.record(z.string(), z.unknown())) }),
  annotations: READ,
  subject: (a) => a.key,
  async run(a, { blob, scope }) {
    await scope.check(a.key);
    const res = await historyOf(blob, a.key, { limit: String(a.limit) });
    return { uri: res.uri, history: res.history.map((r) => ({ ...r })) };
  },
});
