import { GetObjectCommand, HeadObjectCommand, HeadObjectCommandOutput } from '@aws-sdk/client-s3';
import { PublishCommand } from '@aws-sdk/client-sns';
import { Readable } from 'node:stream';
import { KvStore } from '../../core/kvstore';
import type { ObjectIdentity } from '../../core/s3-events';
import { clients, ObjectGoneError, requireEnv } from './kit';

/**
 * Edges the scenario handlers share: the kvstore, notifications, and reads pinned to the exact
 * object version an event names (a later overwrite must not change what an event verifies).
 */
let kv: KvStore | undefined;
export function kvstore(): KvStore {
  return (kv ??= new KvStore(clients.doc, requireEnv('KVSTORE_TABLE')));
}

export async function publish(scenario: string, subject: string, message: Record<string, unknown>): Promise<void> {
  await clients.sns.send(
    new PublishCommand({
      TopicArn: requireEnv('TOPIC_ARN'),
      // SNS caps subjects at 100 characters.
      Subject: subject.slice(0, 100),
      Message: JSON.stringify({ scenario, ...message }),
      MessageAttributes: { scenario: { DataType: 'String', StringValue: scenario } },
    }),
  );
}

const pinned = (id: ObjectIdentity) => ({ Bucket: id.bucket, Key: id.key, ...(id.versionId ? { VersionId: id.versionId } : {}) });

/** A HEAD of a missing version fails with NotFound and the message "UnknownError": name the object instead. */
function gone(id: ObjectIdentity, err: unknown): unknown {
  const name = (err as Error).name;
  return name === 'NotFound' || name === 'NoSuchKey' || name === 'NoSuchVersion' ? new ObjectGoneError(id, name) : err;
}

export async function headVersion(id: ObjectIdentity): Promise<HeadObjectCommandOutput> {
  try {
    return await clients.s3.send(new HeadObjectCommand(pinned(id)));
  } catch (err) {
    throw gone(id, err);
  }
}

export async function openVersion(id: ObjectIdentity, range?: string): Promise<Readable> {
  const res = await clients.s3.send(new GetObjectCommand({ ...pinned(id), ...(range ? { Range: range } : {}) })).catch((err: unknown) => {
    throw gone(id, err);
  });
  if (!(res.Body instanceof Readable)) throw new Error(`s3://${id.bucket}/${id.key}: response body is not a Node stream`);
  return res.Body;
}

/** At most `max` bytes of a stream; the caller bounds the request too (a Range) so none are wasted. */
export async function readBounded(stream: Readable, max: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of stream) {
    const c = chunk as Buffer;
    chunks.push(c);
    total += c.length;
    if (total >= max) {
      stream.destroy();
      break;
    }
  }
  return Buffer.concat(chunks).subarray(0, max);
}
