import type { LocalStack } from '../stack';
import type { DemoContext } from './types';

/** The DemoContext of a LocalStack started in this process (demo runner and end-to-end tests). */
export function contextFromStack(stack: LocalStack, runId: string): DemoContext {
  return {
    env: stack.env,
    endpoint: stack.endpoint,
    region: stack.region,
    replicaRegion: stack.replicaRegion,
    ...stack.outputs,
    awsEnv: stack.awsEnv,
    tick: async (rule) => {
      await stack.tick(rule);
    },
    runId,
  };
}
