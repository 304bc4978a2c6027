import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { KvStore, assertLockOrQueueName, reservedKeyOf } from '../../core/kvstore';
import { LockHeldError, LockState, StaleTokenError } from './lock-errors';

export { LockHeldError, StaleTokenError } from './lock-errors';
export type { LockState } from './lock-errors';

/**
 * Leased locks with fencing tokens. One item per lock name holds `fence` (a counter that only ever
 * grows) and, while held, `leaseUntil` (epoch ms) and `owner`. The item deliberately has no TTL
 * attribute: deleting it would restart the fence at 1 and let a stale holder's token look current.
 * A lease that has run out counts as free, whether or not anybody released it.
 */
export interface LockGrant {
  readonly name: string;
  /** Fencing token: larger than every token handed out before for this name. */
  readonly token: number;
  readonly owner: string;
  readonly leaseUntil: Date;
}

const LOCK = 'lock';

export class KvLock {
  constructor(private readonly kv: KvStore) {}

  private keyOf(name: string): Record<string, string> {
    assertLockOrQueueName('lock', name);
    return reservedKeyOf(LOCK, name);
  }

  async acquire(name: string, options: { leaseSeconds: number; owner: string }): Promise<LockGrant> {
    const now = Date.now();
    const leaseUntil = now + options.leaseSeconds * 1000;
    try {
      const res = await this.kv.doc.send(
        new UpdateCommand({
          TableName: this.kv.tableName,
          Key: this.keyOf(name),
          UpdateExpression: 'SET leaseUntil = :until, #owner = :owner, acquiredAt = :iso ADD fence :one',
          ConditionExpression: 'attribute_not_exists(leaseUntil) OR leaseUntil <= :now',
          ExpressionAttributeNames: { '#owner': 'owner' },
          ExpressionAttributeValues: { ':until': leaseUntil, ':owner': options.owner, ':iso': new Date(now).toISOString(), ':one': 1, ':now': now },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return { name, token: Number(res.Attributes?.fence), owner: options.owner, leaseUntil: new Date(leaseUntil) };
    } catch (err) {
      if ((err as Error).name !== 'ConditionalCheckFailedException') throw err;
      throw new LockHeldError(await this.state(name));
    }
  }

  /** Retries while the lock is held, with capped exponential backoff and jitter, until `waitSeconds` pass. */
  async acquireWaiting(name: string, options: { leaseSeconds: number; owner: string; waitSeconds: number }): Promise<LockGrant> {
    const deadline = Date.now() + options.waitSeconds * 1000;
    for (let delay = 100; ; delay = Math.min(delay * 2, 2000)) {
      try {
        return await this.acquire(name, options);
      } catch (err) {
        if (!(err instanceof LockHeldError)) throw err;
        const left = deadline - Date.now();
        if (left <= 0) throw err;
        const leaseLeft = (err.state.leaseUntil?.getTime() ?? 0) - Date.now();
        const pause = Math.min(left, Math.max(Math.min(delay, leaseLeft + 10), 20) * (0.5 + Math.random() / 2));
        await new Promise((r) => setTimeout(r, pause));
      }
    }
  }

  /**
   * Frees the lock if `token` still holds it. Releasing again with the same token is a no-op, so a
   * retried release is safe; a token that was taken over is refused.
   */
  async release(name: string, token: number): Promise<{ released: boolean }> {
    try {
      await this.kv.doc.send(
        new UpdateCommand({
          TableName: this.kv.tableName,
          Key: this.keyOf(name),
          UpdateExpression: 'REMOVE leaseUntil, #owner',
          ConditionExpression: 'fence = :token AND attribute_exists(leaseUntil)',
          ExpressionAttributeNames: { '#owner': 'owner' },
          ExpressionAttributeValues: { ':token': token },
        }),
      );
      return { released: true };
    } catch (err) {
      if ((err as Error).name !== 'ConditionalCheckFailedException') throw err;
      const state = await this.state(name);
      if (state.token === token && !state.held) return { released: false };
      throw new StaleTokenError(name, token, state, 'release');
    }
  }

  /** Extends the lease of a lock that `token` still holds (its lease has not run out). */
  async renew(name: string, token: number, leaseSeconds: number): Promise<LockGrant> {
    const now = Date.now();
    const leaseUntil = now + leaseSeconds * 1000;
    try {
      const res = await this.kv.doc.send(
        new UpdateCommand({
          TableName: this.kv.tableName,
          Key: this.keyOf(name),
          UpdateExpression: 'SET leaseUntil = :until',
          ConditionExpression: 'fence = :token AND leaseUntil > :now',
          ExpressionAttributeValues: { ':until': leaseUntil, ':token': token, ':now': now },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return { name, token, owner: String(res.Attributes?.owner ?? ''), leaseUntil: new Date(leaseUntil) };
    } catch (err) {
      if ((err as Error).name !== 'ConditionalCheckFailedException') throw err;
      throw new StaleTokenError(name, token, await this.state(name), 'renew');
    }
  }

  async state(name: string): Promise<LockState> {
    const res = await this.kv.doc.send(new GetCommand({ TableName: this.kv.tableName, Key: this.keyOf(name), ConsistentRead: true }));
    const item = res.Item ?? {};
    const until = typeof item.leaseUntil === 'number' ? item.leaseUntil : undefined;
    const held = until !== undefined && until > Date.now();
    return {
      name,
      held,
      token: Number(item.fence ?? 0),
      ...(held ? { owner: String(item.owner ?? ''), leaseUntil: new Date(until) } : {}),
    };
  }
}
