import type { ZodError } from "zod";

// Every error the service answers is RFC 9457 application/problem+json, with field paths for
// validation errors so a caller can point at the offending item.

export type TProblemField = { path: string; message: string };

export type TProblem = { type: string; title: string; status: number; detail: string; errors: TProblemField[] };

export class ProblemError extends Error {
  constructor(
    readonly status: number,
    readonly slug: string,
    readonly title: string,
    detail: string,
    readonly errors: TProblemField[] = [],
  ) {
    super(detail);
  }

  toJSON(): TProblem {
    return { type: `urn:bdmi:problem:${this.slug}`, title: this.title, status: this.status, detail: this.message, errors: this.errors };
  }
}

/** The first `max` issues of a zod error, as field paths ("items.3.previous.T"). */
export function zodFields(e: ZodError, prefix: (string | number)[] = [], max = 100): TProblemField[] {
  return e.issues.slice(0, max).map((i) => ({ path: [...prefix, ...i.path].map(String).join("."), message: i.message }));
}

export function invalid(detail: string, errors: TProblemField[]): ProblemError {
  return new ProblemError(400, "invalid-request", "The request is not valid", detail, errors);
}
