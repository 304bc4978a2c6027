import { objectEventPipeline } from './descriptor';

/** Pattern 1: uploads/**.csv → analysis/<key> in the kvstore → one SNS summary (notified/ marker). */
export const UPLOAD_PROCESSING = objectEventPipeline('upload-processor', { read: ['uploads/'] }, ['analysis', 'notified'], { publishes: true });
