import { fanoutStageHandler } from './shared/fanout';

/** Pattern 2, stage "validate" of raw-data/**.json; see lambda/shared/fanout.ts for the join. */
export const handler = fanoutStageHandler('validate');
