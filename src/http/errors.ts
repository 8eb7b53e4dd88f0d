/**
 * An error the hub answers on purpose: an HTTP status, a stable machine code, and a message
 * a person can act on.
 */
export class HubError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }

  toJSON() {
    return { error: this.code, message: this.message };
  }
}
