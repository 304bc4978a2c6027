import type { BenchScenario } from './types';
import type { DrillFigures } from '../test/drills/probe';
import { LocalStack, startLocalStack } from '../local/stack';

/**
 * A failure drill as a `npm run bench` scenario: its own local stack with AWS-like retry waits
 * (1 s and 2 s instead of Lambda's 1 and 2 minutes), the drill at full size, and a failed run (so
 * no results file) unless nothing was duplicated or lost.
 */
export function drillScenario(name: string, description: string, drill: (stack: LocalStack, quick: boolean) => Promise<DrillFigures>): BenchScenario {
  return {
    name,
    description,
    async run({ quick, log }) {
      const stack = await startLocalStack({ quiet: true, retryDelaysMs: [1000, 2000] });
      try {
        log(`local stack up in ${stack.timings.totalSeconds.toFixed(1)} s`);
        const started = Date.now();
        const figures = await drill(stack, quick);
        const result = { ...figures, drillSeconds: Math.round((Date.now() - started) / 100) / 10 };
        if (figures.duplicated !== 0 || figures.lost !== 0 || figures.processed !== figures.sent) {
          throw new Error(`drill ${name} failed: ${JSON.stringify(result)}`);
        }
        return result;
      } finally {
        await stack.stop();
      }
    },
  };
}
