import type { LocalStackOutputs } from '../stack';

/**
 * Contract between the demo runner (`npm run demo`) and the flows that pattern and scenario modules
 * contribute under local/demo/flows/. A flow drives the running local stack over the wire only
 * (SDK calls or the blob/kvstore CLIs) and throws when the result is wrong.
 */
export interface DemoContext extends LocalStackOutputs {
  readonly env: string;
  readonly endpoint: string;
  readonly region: string;
  readonly replicaRegion: string;
  /** AWS_* variables for SDK clients and CLI subprocesses pointed at the local stack. */
  readonly awsEnv: Record<string, string>;
  /** Fires a scheduled rule now (its logical id or a substring of it) and waits for its invocations. */
  tick(rule: string): Promise<void>;
  /** A unique prefix for this run, so flows can be re-run against the same stack. */
  readonly runId: string;
}

export interface DemoResult {
  readonly detail: string;
  /** From the triggering write to the observed result, when the flow measures it. */
  readonly latencyMs?: number;
}

export interface DemoFlow {
  readonly name: string;
  /** Lower runs first; flows with equal order keep file order. */
  readonly order?: number;
  run(ctx: DemoContext): Promise<DemoResult>;
}
