/**
 * A lock's state and the two ways a lock request fails, apart from the protocol (kvstore-lock.ts)
 * so that kvstore's error mapping can recognise them without loading the DynamoDB client.
 */
export interface LockState {
  readonly name: string;
  readonly held: boolean;
  readonly token: number;
  readonly owner?: string;
  readonly leaseUntil?: Date;
}

export class LockHeldError extends Error {
  constructor(readonly state: LockState) {
    super(`lock "${state.name}" is held by ${state.owner ?? 'another owner'} until ${state.leaseUntil?.toISOString() ?? 'its lease ends'} (token ${state.token})`);
    this.name = 'LockHeldError';
  }
}

/** release/renew with a token that no longer holds the lock. */
export class StaleTokenError extends Error {
  constructor(name: string, token: number, state: LockState, action: string) {
    const why =
      state.token > token
        ? `its lease ran out and token ${state.token} took it over`
        : state.token < token
          ? `token ${token} was never issued (latest is ${state.token})`
          : 'it is no longer held (released, or its lease ran out)';
    super(`cannot ${action} lock "${name}" with token ${token}: ${why}`);
    this.name = 'StaleTokenError';
  }
}
