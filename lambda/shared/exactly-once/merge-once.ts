import { DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { KVSTORE_KEY } from '../../../core/kvstore-key';
import { onceKey } from './keys';
import { KvValue, namespaceOf } from '../../../core/kvstore';
import { identityKey, ObjectIdentity } from '../../../core/s3-events';
import { FANOUT_STAGES, FanoutStage } from '../../../core/fanout-stages';

/**
 * merge-once, its join: the race-free join of pattern 2. One kvstore item per object version
 * (`fanout/<bucket>/<key>#<v>`) holds one attribute per stage and a `completed` counter. A stage records its result with a
 * single conditional update (attribute_not_exists(stage) … ADD completed 1): DynamoDB serialises
 * updates of one item, each stage counts once however often it is delivered, and exactly one
 * update returns completed = 3 — that caller won the "complete" transition and aggregates.
 */
export function joinKey(id: ObjectIdentity): string {
  return onceKey('fanout', identityKey(id));
}

const stageAttr = (s: FanoutStage) => `stage_${s}`;

export interface JoinState {
  readonly completed: number;
  readonly stages: Partial<Record<FanoutStage, KvValue>>;
}

export interface RecordStageOutcome {
  /** False when this stage had already recorded its result (a duplicate delivery). */
  readonly recorded: boolean;
  /** True for exactly one recording: the one that made the set complete. */
  readonly won: boolean;
  readonly state: JoinState;
}

function toState(item: Record<string, unknown> | undefined): JoinState {
  const stages: Partial<Record<FanoutStage, KvValue>> = {};
  for (const s of FANOUT_STAGES) if (item?.[stageAttr(s)] !== undefined) stages[s] = item[stageAttr(s)] as KvValue;
  return { completed: Number(item?.completed ?? 0), stages };
}

export async function recordStage(
  doc: DynamoDBDocumentClient,
  tableName: string,
  id: ObjectIdentity,
  stage: FanoutStage,
  result: KvValue,
): Promise<RecordStageOutcome> {
  const key = joinKey(id);
  const Key = { [KVSTORE_KEY.partitionKey]: namespaceOf(key), [KVSTORE_KEY.sortKey]: key };
  try {
    const res = await doc.send(
      new UpdateCommand({
        TableName: tableName,
        Key,
        UpdateExpression: 'SET #stage = :result, updatedAt = :now, #value = if_not_exists(#value, :pending) ADD completed :one',
        ConditionExpression: 'attribute_not_exists(#stage)',
        ExpressionAttributeNames: { '#stage': stageAttr(stage), '#value': 'value' },
        ExpressionAttributeValues: {
          ':result': result,
          ':now': new Date().toISOString(),
          ':pending': { status: 'pending', bucket: id.bucket, key: id.key, versionId: id.versionId ?? null },
          ':one': 1,
        },
        ReturnValues: 'ALL_NEW',
      }),
    );
    const state = toState(res.Attributes);
    return { recorded: true, won: state.completed === FANOUT_STAGES.length, state };
  } catch (err) {
    if ((err as Error).name !== 'ConditionalCheckFailedException') throw err;
    return { recorded: false, won: false, state: await readJoin(doc, tableName, id) };
  }
}

export async function readJoin(doc: DynamoDBDocumentClient, tableName: string, id: ObjectIdentity): Promise<JoinState> {
  const key = joinKey(id);
  const res = await doc.send(
    new GetCommand({ TableName: tableName, Key: { [KVSTORE_KEY.partitionKey]: namespaceOf(key), [KVSTORE_KEY.sortKey]: key }, ConsistentRead: true }),
  );
  return toState(res.Item);
}

/** Stores the merge summary as the join item's value (what `kvstore get fanout/…` shows). */
export async function markJoined(doc: DynamoDBDocumentClient, tableName: string, id: ObjectIdentity, summary: KvValue): Promise<void> {
  const key = joinKey(id);
  await doc.send(
    new UpdateCommand({
      TableName: tableName,
      Key: { [KVSTORE_KEY.partitionKey]: namespaceOf(key), [KVSTORE_KEY.sortKey]: key },
      UpdateExpression: 'SET #value = :v, updatedAt = :now',
      ExpressionAttributeNames: { '#value': 'value' },
      ExpressionAttributeValues: { ':v': summary, ':now': new Date().toISOString() },
    }),
  );
}
