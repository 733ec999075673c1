/**
 * An error a handler throws on purpose. `status` < 500 errors are the client's: their message is
 * shown and they are not logged as failures.
 */
export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'AppError';
  }
  get expose(): boolean {
    return this.status < 500;
  }
}
