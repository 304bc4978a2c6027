/** A query the engine cannot run: bad syntax, or SQL outside the supported subset. */
export class SqlError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SqlError';
  }
}
