/** The shape of a bad-input corpus case: its objects, its event and the outcome it expects. */

export type CorpusHandler =
  | 'upload-processor'
  | 'fan-out'
  | 'hourly-batch'
  | 'replica-processor'
  | 'audit-recorder'
  | 'codegen-validate'
  | 'logs-analyze'
  | 'artifacts-deploy'
  | 'datasets-verify'
  | 'models-lineage';

/** How an object's bytes are made; `stream` is generated on the fly and uploaded as a multipart stream. */
export type BodySpec = { readonly text: string } | { readonly hex: string } | { readonly stream: { readonly head: string; readonly line: string; readonly bytes: number } };

export interface ObjectSpec {
  readonly key: string;
  readonly body: BodySpec;
  readonly metadata?: Readonly<Record<string, string>>;
  /** Stored in this class (GLACIER, DEEP_ARCHIVE: archived, unreadable until restored). */
  readonly storageClass?: 'GLACIER' | 'DEEP_ARCHIVE';
  /** After the upload: remove that exact version (NoSuchVersion), or add a delete marker. */
  readonly then?: 'delete-version' | 'delete-marker';
}

/**
 * `created`: the "Object Created" event S3 sends for each object, in order (the last invocation's
 * result is the case's result), optionally damaged: `unset` removes dotted paths, `set` overwrites them. `detailType` sends another
 * S3 event type for the same object. `raw`: exactly this value is the event. `scheduled`: an
 * EventBridge "Scheduled Event" (hourly handlers), with `detail.hour` when given.
 */
export type EventSpec =
  | {
      readonly created: true;
      readonly detailType?: string;
      readonly omitVersion?: boolean;
      readonly omitSize?: boolean;
      readonly set?: Readonly<Record<string, unknown>>;
      readonly unset?: readonly string[];
    }
  | { readonly raw: unknown }
  | { readonly scheduled: { readonly hour?: string } };

/** A partial value: objects match as subsets, RegExps match strings. */
export type Expect = unknown;

export type Outcome =
  | { readonly kind: 'dlq'; readonly error: string; readonly message: RegExp }
  | {
      readonly kind: 'recorded' | 'ignored';
      /** What the handler returned (Lambda's async result; Powertools keeps it for duplicates). */
      readonly result?: Expect;
      /** kvstore items that must hold these values. */
      readonly kv?: Readonly<Record<string, Expect>>;
      /**
       * kvstore prefixes under which exactly one item must hold this value: for records whose key
       * ends in a version id the case cannot know (rejections, done markers).
       */
      readonly kvListed?: Readonly<Record<string, Expect>>;
      /** kvstore keys that must not exist (nothing half-written). */
      readonly kvAbsent?: readonly string[];
      /** Keys whose current version must still be there (not deleted as if processed). */
      readonly current?: readonly string[];
      /** Keys that must have been deleted (a delete marker; the versions stay). */
      readonly notCurrent?: readonly string[];
      /** S3 objects (JSON) that must hold these values. */
      readonly s3Json?: Readonly<Record<string, Expect>>;
      /** Exactly these notifications, in any order: event type (pipeline topic) or subject. */
      readonly notifications: ReadonlyArray<{ readonly event?: string; readonly subject?: RegExp; readonly body?: Expect }>;
    };

export interface CorpusCase {
  readonly id: string;
  readonly handler: CorpusHandler;
  /** What is wrong with the input, for the table. */
  readonly input: string;
  readonly objects?: readonly ObjectSpec[];
  readonly event: EventSpec;
  readonly expected: Outcome;
  /**
   * The handler does not do this yet: the case runs as an expected failure (jest test.failing), so
   * the suite stays green while the bug is open and turns red the day it is fixed, to drop this.
   */
  readonly knownBug?: string;
}
