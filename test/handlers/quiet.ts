/**
 * Imported first by the handler tests: Powertools reads these when the handler module is loaded,
 * before any fixture runs. Metrics would otherwise print one EMF blob per invocation.
 */
process.env.POWERTOOLS_METRICS_DISABLED = 'true';
process.env.POWERTOOLS_LOG_LEVEL = 'ERROR';
process.env.POWERTOOLS_METRICS_NAMESPACE = 'blob-test';
process.env.POWERTOOLS_SERVICE_NAME = 'test';
