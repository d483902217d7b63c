// Base of every typed error the protocol core throws. Each area declares its own code table
// (`as const` object) and a subclass, so a caller can branch on `err.code`, a stable string.
export class ProtocolError<Code extends string = string> extends Error {
  readonly code: Code;
  readonly detail: Record<string, unknown> | undefined;

  constructor(code: Code, message: string, detail?: Record<string, unknown>) {
    super(`${code}: ${message}`);
    this.name = new.target.name;
    this.code = code;
    this.detail = detail;
  }
}

export function isProtocolError(err: unknown): err is ProtocolError {
  return err instanceof ProtocolError;
}
