/**
 * A benchmark scenario for `npm run bench` (bench/run.ts). Each file in bench/scenarios/ default-
 * exports one. Results are figures from this run only; comparisons are ratios against a peer
 * measured in the same run, never absolute timings asserted in tests.
 */
export interface BenchScenario {
  readonly name: string;
  /** Short description written into the results file. */
  readonly description: string;
  run(options: { quick: boolean; log: (line: string) => void }): Promise<Record<string, unknown>>;
}
