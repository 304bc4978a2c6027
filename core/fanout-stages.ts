/**
 * Pattern 2's three parallel stages. The CDK app creates one function and rule per stage
 * (lib/pipelines/fan-out.ts) and the aggregator waits for every one of them (lambda/fanout/), so
 * the list is the contract between the two and lives in core/, the only layer both may import.
 */
export const FANOUT_STAGES = ['validate', 'enrich', 'index'] as const;
export type FanoutStage = (typeof FANOUT_STAGES)[number];
