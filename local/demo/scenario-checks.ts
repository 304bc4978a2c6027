import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { createHash } from 'node:crypto';
import { KvStore, KvValue } from '../../core/kvstore';
import { errorsKey, previousHour } from '../../lambda/scenarios/log-analysis';
import { presignRollback, rollbackReference } from '../../core/rollback';
import { demoClients } from './clients';
import type { DemoContext, DemoResult } from './types';
import { waitFor } from './wait';

/**
 * End-to-end checks of the seed's four scenarios, shared by the demo flows
 * (local/demo/flows/2x-*.ts) and test/scenarios/e2e.test.ts. Each writes to the running local stack
 * over the wire the way the seed's agents do, waits for the pipeline's result, and throws with
 * what it saw when the result is wrong or late.
 */
function connect(ctx: DemoContext) {
  const { s3, doc } = demoClients(ctx);
  const kv = new KvStore(doc, ctx.table);
  const put = (key: string, body: string | Uint8Array, metadata?: Record<string, string>) =>
    s3.send(new PutObjectCommand({ Bucket: ctx.bucket, Key: key, Body: body, Metadata: metadata }));
  const text = async (key: string, versionId?: string) =>
    (await (await s3.send(new GetObjectCommand({ Bucket: ctx.bucket, Key: key, VersionId: versionId }))).Body?.transformToString()) ?? '';
  const obj = async (key: string): Promise<Record<string, KvValue> | undefined> => {
    const v = (await kv.get(key))?.value;
    return v && typeof v === 'object' && !Array.isArray(v) ? v : undefined;
  };
  return { s3, kv, put, text, obj };
}


/** Session ids and versions allow [A-Za-z0-9._-]. */
const safe = (runId: string) => runId.replace(/[^A-Za-z0-9._-]/g, '-');

export async function checkCodegen(ctx: DemoContext): Promise<DemoResult> {
  const { put, obj, text } = connect(ctx);
  const session = `demo-${safe(ctx.runId)}`;
  const files: Array<[string, string]> = [
    ['api.py', 'from models import User\n\ndef get_user(uid):\n    return User(uid)\n'],
    ['models.py', 'class User:\n    def __init__(self, uid):\n        self.uid = uid\n'],
    ['tests.py', 'from api import get_user\n\ndef test_get_user():\n    assert get_user(1).uid == 1\n'],
    ['README.md', '# Generated service\n'],
  ];
  const started = Date.now();
  await Promise.all(files.map(([f, body], i) => put(`codegen/session-${session}/${f}`, body, { agent: `agent-${i + 1}`, component: f })));
  const record = await waitFor(`codegen/session-${session}/merged`, async () => {
    const r = await obj(`codegen/session-${session}/merged`);
    return r?.notified === true ? r : undefined;
  });
  const latencyMs = Date.now() - started;
  const report = JSON.parse(await text(`codegen/session-${session}/merged/report.json`)) as { components: Array<{ file: string; status: string }> };
  const summary = report.components.map((c) => `${c.file}:${c.status}`).join(' ');
  if (report.components.length !== 4 || report.components.some((c) => c.status === 'invalid')) throw new Error(`unexpected merge report ${summary}`);
  return { detail: `4 agents → validated (${summary}) → merged/ once (${String(record.expectedFrom)} set), notified`, latencyMs };
}

export async function checkLogAnalysis(ctx: DemoContext): Promise<DemoResult> {
  const { put, text, obj } = connect(ctx);
  const run = safe(ctx.runId);
  // Above the dev threshold (config thresholds.errorSpike = 100) so the spike path runs too.
  const spike = 101;
  for (let attempt = 0; ; attempt++) {
    const hour = previousHour(new Date());
    const line = (level: string, msg: string) => JSON.stringify({ level, timestamp: new Date().toISOString(), msg });
    const agent1 = Array.from({ length: spike }, (_, i) => line(i % 2 ? 'ERROR' : 'INFO', `request ${i}`)).join('\n');
    const agent2 = Array.from({ length: spike }, (_, i) => line(i % 2 ? 'INFO' : 'ERROR', `job ${i} failed`)).join('\n');
    await put(`logs/${hour}/agent-${run}-1.log`, `${agent1}\n`);
    await put(`logs/${hour}/agent-${run}-2.log`, `${agent2}\n`);
    const started = Date.now();
    await ctx.tick('LogAnalysis');
    const latencyMs = Date.now() - started;
    // The tick analyses the hour before "now"; if the clock crossed an hour meanwhile, go again.
    if (previousHour(new Date()) !== hour && attempt === 0) continue;
    const errors = JSON.parse(await text(errorsKey(hour))) as Array<{ source?: string }>;
    const ours = errors.filter((e) => e.source?.includes(`agent-${run}-`)).length;
    if (ours !== spike) throw new Error(`expected ${spike} ERROR lines of this run in ${errorsKey(hour)}, found ${ours}`);
    const alert = await obj(`alert/error-spike-${hour}`);
    if (alert?.notified !== true) throw new Error(`no error-spike alert for ${hour} (${errors.length} errors in the hour)`);
    return { detail: `${errors.length} ERROR lines in ${errorsKey(hour)}; alert/error-spike raised once for ${hour}`, latencyMs };
  }
}

export async function checkArtifacts(ctx: DemoContext): Promise<DemoResult> {
  const { s3, kv, put, obj } = connect(ctx);
  const run = safe(ctx.runId);
  const [v1, v2] = [`v1.0.0-${run}`, `v2.0.0-${run}`];
  const bytes = { [v1]: `app ${v1}`, [v2]: `app ${v2}` };
  const started = Date.now();
  for (const [i, v] of [v1, v2].entries()) {
    await put(`artifacts/${v}/app.zip`, bytes[v] ?? '', { version: v, commit: `${i + 1}`.repeat(40) });
    await waitFor(`deployment/rollback-${v}`, () => obj(`deployment/rollback-${v}`));
  }
  const latencyMs = Date.now() - started;
  const latest = (await kv.get('deployment/latest-version'))?.value;
  if (latest !== v2) throw new Error(`deployment/latest-version is ${String(latest)}, expected ${v2}`);
  // What tools/rollback-link.ts does: a fresh link to v1's exact version, minted now.
  const url = await presignRollback(s3, await rollbackReference(kv, v1), 900);
  const body = await (await fetch(url)).text();
  if (body !== bytes[v1]) throw new Error(`rollback link for ${v1} served ${JSON.stringify(body.slice(0, 40))}`);
  const total = (await kv.get('deployment/total-deploys'))?.value;
  return { detail: `${v1} then ${v2}: latest=${v2}, total-deploys=${String(total)}; rollback link serves ${v1}'s exact version`, latencyMs };
}

export async function checkDatasetLineage(ctx: DemoContext): Promise<DemoResult> {
  const { kv, put, obj } = connect(ctx);
  const version = `v1.0.0-${safe(ctx.runId)}`;
  const csv = 'id,label\n1,a\n2,b\n';
  const sha = createHash('sha256').update(csv).digest('hex');
  const started = Date.now();
  await put(`datasets/${version}/training.csv`, csv, { version, rows: '2', hash: sha });
  await put(`datasets/${version}/tampered.csv`, `${csv}3,c\n`, { version, rows: '2', hash: sha });
  await put(`models/${version}-m1/model.pkl`, 'weights', { dataset_version: version, training_time: String(Math.floor(Date.now() / 1000)) });
  const good = await waitFor('training.csv verification', () => obj(`dataset/${version}/training.csv`));
  const bad = await waitFor('tampered.csv verification', () => obj(`dataset/${version}/tampered.csv`));
  if (good.status !== 'verified' || bad.status !== 'mismatch') throw new Error(`expected verified/mismatch, got ${String(good.status)}/${String(bad.status)}`);
  await waitFor('the mismatch alert', async () => {
    for await (const item of kv.list(`alert/dataset-mismatch/${version}/tampered.csv@`)) {
      const v = item.value as Record<string, KvValue>;
      if (v.notified === true) return true;
    }
    return undefined;
  });
  const models = await waitFor(`lineage/dataset/${version}/models/`, async () => {
    const keys: string[] = [];
    for await (const item of kv.list(`lineage/dataset/${version}/models/`)) keys.push(item.key);
    return keys.length ? keys : undefined;
  });
  const latencyMs = Date.now() - started;
  return { detail: `training.csv verified, tampered.csv caught and alerted; ${version} → ${models.length} model(s) via kvstore list`, latencyMs };
}
