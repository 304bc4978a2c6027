import { parse } from 'csv-parse';
import type { Readable } from 'node:stream';
import { MAX_RECORD_BYTES } from '../lambda/csv/analyze';
import { CsvInsights, CsvInsightsAccumulator } from '../lambda/csv/insights';

/**
 * The analysis as it was before lambda/csv/splitter.ts: every record through csv-parse (same
 * options) into the same accumulator. csv-1gb runs it on the same object to show the handler's
 * stored insights are exactly what the previous implementation computed.
 */
export async function referenceInsights(input: Readable): Promise<CsvInsights> {
  const parser = input.pipe(parse({ bom: true, relax_column_count: true, skip_empty_lines: true, max_record_size: MAX_RECORD_BYTES }));
  const acc = new CsvInsightsAccumulator();
  let record = 0;
  await new Promise<void>((resolve, reject) => {
    parser.on('data', (cells: string[]) => {
      record++;
      if (record === 1) acc.header(cells);
      else acc.row(cells, record);
    });
    parser.once('end', resolve);
    parser.once('error', reject);
    input.once('error', reject);
  });
  return acc.result();
}
