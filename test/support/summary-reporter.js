// Prints one plain closing line ("jest: N passed, N failed, N skipped") that CI log readers
// recognise in any language, after jest's own summary.
class SummaryReporter {
  onRunComplete(_contexts, results) {
    const skipped = results.numPendingTests + results.numTodoTests;
    process.stdout.write(
      `\njest: ${results.numPassedTests} passed, ${results.numFailedTests + results.numRuntimeErrorTestSuites} failed, ${skipped} skipped\n`,
    );
  }
}
module.exports = SummaryReporter;
