import { DeleteObjectCommand, HeadObjectCommand } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import type { Context } from 'aws-lambda';
import { Readable } from 'node:stream';
import { handler as artifactsDeploy } from '../../lambda/artifacts-deploy';
import { handler as auditRecorder } from '../../lambda/audit-recorder';
import { handler as codegenValidate } from '../../lambda/codegen-validate';
import { handler as datasetsVerify } from '../../lambda/datasets-verify';
import { handler as fanoutEnrich } from '../../lambda/fanout-enrich';
import { handler as fanoutIndex } from '../../lambda/fanout-index';
import { handler as fanoutValidate } from '../../lambda/fanout-validate';
import { handler as hourlyBatch } from '../../lambda/hourly-batch';
import { handler as logsAnalyze } from '../../lambda/logs-analyze';
import { handler as modelsLineage } from '../../lambda/models-lineage';
import { handler as replicaProcessor } from '../../lambda/replica-processor';
import { handler as uploadProcessor } from '../../lambda/upload-processor';
import { HandlerFixture, lambdaContext, s3Event } from '../handlers/fixture';
import type { BodySpec, CorpusCase, CorpusHandler, EventSpec, ObjectSpec } from './cases';

type Invoke = (event: unknown, context: Context) => Promise<unknown>;

/** The deployed function(s) behind each corpus handler; fan-out is its three parallel stages. */
const HANDLERS: Record<CorpusHandler, readonly Invoke[]> = {
  'upload-processor': [uploadProcessor],
  'fan-out': [fanoutValidate, fanoutEnrich, fanoutIndex],
  'hourly-batch': [hourlyBatch],
  'replica-processor': [replicaProcessor],
  'audit-recorder': [auditRecorder],
  'codegen-validate': [codegenValidate],
  'logs-analyze': [logsAnalyze],
  'artifacts-deploy': [artifactsDeploy],
  'datasets-verify': [datasetsVerify],
  'models-lineage': [modelsLineage],
};

export interface Observation {
  readonly error?: { readonly name: string; readonly message: string };
  readonly result?: unknown;
  /** The object versions the case uploaded (and did not delete itself), to check nothing was lost. */
  readonly kept?: readonly Stored[];
}

/** Generated bodies are produced chunk by chunk, never held whole, and uploaded as a multipart stream. */
function bodyStream(spec: { head: string; line: string; bytes: number }): Readable {
  return Readable.from(
    (function* () {
      let sent = 0;
      yield Buffer.from(spec.head);
      sent += Buffer.byteLength(spec.head);
      const chunk = Buffer.from(spec.line.repeat(Math.max(1, Math.floor(64 * 1024 / Buffer.byteLength(spec.line)))));
      while (sent < spec.bytes) {
        const part = chunk.subarray(0, Math.min(chunk.length, spec.bytes - sent));
        sent += part.length;
        yield part;
      }
    })(),
  );
}

function bodyOf(spec: BodySpec): Buffer | Readable {
  if ('text' in spec) return Buffer.from(spec.text);
  if ('hex' in spec) return Buffer.from(spec.hex, 'hex');
  return bodyStream(spec.stream);
}

export interface Stored {
  readonly key: string;
  readonly versionId: string;
  readonly size: number;
}

async function putObject(fx: HandlerFixture, o: ObjectSpec): Promise<Stored> {
  const upload = new Upload({
    client: fx.s3,
    params: { Bucket: fx.bucket, Key: o.key, Body: bodyOf(o.body), Metadata: o.metadata ? { ...o.metadata } : undefined, StorageClass: o.storageClass },
    partSize: 5 * 1024 * 1024,
  });
  const res = await upload.done();
  const versionId = res.VersionId ?? '';
  const size = Number((await fx.s3.send(new HeadObjectCommand({ Bucket: fx.bucket, Key: o.key, VersionId: versionId }))).ContentLength ?? 0);
  if (o.then === 'delete-version') await fx.s3.send(new DeleteObjectCommand({ Bucket: fx.bucket, Key: o.key, VersionId: versionId }));
  if (o.then === 'delete-marker') await fx.s3.send(new DeleteObjectCommand({ Bucket: fx.bucket, Key: o.key }));
  return { key: o.key, versionId, size };
}

/** Sets (or, with `undefined`, removes) a dotted path; keys of S3 events contain dashes, not dots. */
function setPath(target: Record<string, unknown>, path: string, value: unknown, remove: boolean): void {
  const parts = path.split('.');
  let node: Record<string, unknown> = target;
  for (const p of parts.slice(0, -1)) {
    const next = node[p];
    if (typeof next !== 'object' || next === null) return;
    node = next as Record<string, unknown>;
  }
  const last = parts[parts.length - 1] as string;
  if (remove) delete node[last];
  else node[last] = value;
}

function eventsFor(fx: HandlerFixture, spec: EventSpec, stored: readonly Stored[]): unknown[] {
  if ('raw' in spec) return [spec.raw];
  if ('scheduled' in spec) {
    return [
      {
        version: '0',
        id: `corpus-${Math.random().toString(36).slice(2)}`,
        'detail-type': 'Scheduled Event',
        source: 'aws.events',
        account: '123456789012',
        time: new Date().toISOString(),
        region: fx.region,
        resources: ['arn:aws:events:eu-central-1:123456789012:rule/corpus'],
        detail: spec.scheduled.hour ? { hour: spec.scheduled.hour } : {},
      },
    ];
  }
  return stored.map((s) => {
    const event = s3Event(spec.detailType ?? 'Object Created', fx.bucket, s.key, {
      versionId: spec.omitVersion ? undefined : s.versionId,
      size: spec.omitSize ? undefined : s.size,
    });
    for (const path of spec.unset ?? []) setPath(event, path, undefined, true);
    for (const [path, value] of Object.entries(spec.set ?? {})) setPath(event, path, value, false);
    return event;
  });
}

/**
 * Puts the case's objects into moto, sends its event(s) to the real handler module(s) in order, and
 * reports what the last invocation returned or threw. Everything the handler writes is read back by
 * the test from moto, not from this result.
 */
export async function runCase(fx: HandlerFixture, c: CorpusCase): Promise<Observation> {
  const stored: Stored[] = [];
  for (const o of c.objects ?? []) stored.push(await putObject(fx, o));
  const kept = stored.filter((_s, i) => c.objects?.[i]?.then !== 'delete-version');
  let observation: Observation = { kept };
  for (const event of eventsFor(fx, c.event, stored)) {
    for (const invoke of HANDLERS[c.handler]) {
      try {
        observation = { kept, result: await invoke(event, lambdaContext(c.handler)) };
      } catch (err) {
        const e = err as Error;
        return { kept, error: { name: e.name, message: e.message } };
      }
    }
  }
  return observation;
}
