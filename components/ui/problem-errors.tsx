"use client";
import { ApiError } from "@/lib/query-client";

/** A failed request as a panel shows it: the problem's title and each refused field with its message. */
export type TProblemErrors = { title: string; detail?: string; fields: { path: string; message: string }[] };

/** An ApiError's problem+json (title, per-field errors); anything else as its text. */
export function toProblemErrors(e: unknown): TProblemErrors {
  return e instanceof ApiError ? { title: e.problem.title, detail: e.problem.detail, fields: e.problem.errors ?? [] } : { title: String(e), fields: [] };
}

/** The alert box an admin panel shows a failed request in. */
export function ProblemErrors({ errors }: { errors: TProblemErrors }) {
  return (
    <div role="alert" className="rounded border border-red-300 bg-red-50 p-3 text-red-800">
      <p className="font-semibold">{errors.title}</p>
      {errors.detail && errors.fields.length === 0 && <p className="text-sm">{errors.detail}</p>}
      <ul>{errors.fields.map((f) => <li key={f.path}>{f.path}: {f.message}</li>)}</ul>
    </div>
  );
}
