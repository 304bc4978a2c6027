/** write() that honours backpressure: resolves once the stream can take more. */
export function writeChunk(out: NodeJS.WritableStream, chunk: string | Uint8Array): Promise<void> {
  if (out.write(chunk)) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const onDrain = (): void => {
      out.off('error', onError);
      resolve();
    };
    const onError = (err: Error): void => {
      out.off('drain', onDrain);
      reject(err);
    };
    out.once('drain', onDrain);
    out.once('error', onError);
  });
}

/**
 * The reader of a pipe or FIFO went away (`| head`, a consumer that stopped): normal shell usage,
 * not an error. Ends quietly with exit 0, as runMain does for stdout.
 */
export function readerWentAway(): never {
  process.exit(0);
}
