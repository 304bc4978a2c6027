import { fanoutStageHandler } from './shared/fanout';

/** Pattern 2, stage "enrich" of raw-data/**.json; see lambda/shared/fanout.ts for the join. */
export const handler = fanoutStageHandler('enrich');
