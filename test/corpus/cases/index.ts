/**
 * The bad-input corpus (issue 7 item 5): inputs the pipeline handlers must survive, each with the
 * outcome the handler's design promises. Data only; test/corpus/run-case.ts turns a case into
 * objects in moto, an event and an invocation, and corpus.test.ts compares what was recorded.
 *
 * Three outcomes, from the handlers' design:
 * - `dlq`: the event itself is unusable (not an S3 event, wrong types, truncated) or the failure is
 *   not the input's fault. The handler throws; Lambda retries the async invocation and then puts
 *   the event, with the error message, on the function's dead-letter queue, where
 *   `npm run redrive` replays it once fixed. Nothing is written.
 * - `recorded`: the event is fine but the object is bad (empty, binary, huge, deleted, wrong
 *   metadata). The handler stores a status with the reason (and notifies when the design says so)
 *   and returns normally: retrying would never help, so it must not be dead-lettered.
 * - `ignored`: the handler's rule matched, but the object is not one the handler owns (returned as
 *   skipped).
 *
 * One module per class of input; CASES lists them in the order of the corpus table.
 */
import { BATCH_SKIP_CASES } from './batch-skips';
import { BYTES_CASES } from './bytes';
import { CSV_CASES } from './csv';
import { DELETED_CASES } from './deleted';
import { EVENT_CASES } from './events';
import { FORMAT_CASES } from './formats';
import { KEY_CASES } from './keys';
import { LOG_CASES } from './logs';
import { METADATA_CASES } from './metadata';
import { ODD_KEY_CASES } from './odd-keys';
import type { CorpusCase } from './types';

export type { BodySpec, CorpusCase, CorpusHandler, EventSpec, Expect, ObjectSpec, Outcome } from './types';

export const CASES: readonly CorpusCase[] = [
  ...EVENT_CASES,
  ...DELETED_CASES,
  ...BYTES_CASES,
  ...CSV_CASES,
  ...LOG_CASES,
  ...METADATA_CASES,
  ...KEY_CASES,
  ...ODD_KEY_CASES,
  ...FORMAT_CASES,
  ...BATCH_SKIP_CASES,
];
