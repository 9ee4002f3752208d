import "server-only";
import { NextResponse } from "next/server";
import type { z, ZodType } from "zod";
import { AppError, type TFieldError } from "./app-error";
import { isDbUnavailable } from "./db-unavailable";
import { log } from "./log";
import { localizeMessage, problemTitle } from "../i18n/validation";
import type { TLocale } from "../i18n/locales";

// What withRoute (staff) and withKioskRoute (devices) share: input parsing with field paths, and
// every error as application/problem+json.

export type TSchemas = { params?: ZodType; query?: ZodType; body?: ZodType };
export type TOut<S, K extends keyof TSchemas> = S extends Record<K, ZodType> ? z.output<S[K]> : undefined;

function zodFieldErrors(error: z.ZodError, prefix: string): TFieldError[] {
  return error.issues.map((i) => ({ path: [prefix, ...i.path.map(String)].join("."), message: i.message }));
}

export function parseInput<T extends ZodType>(schema: T | undefined, value: unknown, prefix: string) {
  if (!schema) return undefined;
  const r = schema.safeParse(value);
  if (!r.success) throw AppError.validation(zodFieldErrors(r.error, prefix));
  return r.data;
}

/**
 * application/problem+json; the title is the error code's title in the caller's language, the
 * detail the use case's own (English) sentence; field messages are codes until here, then words
 * in the caller's language.
 */
export function problem(err: AppError, requestId: string, locale: TLocale): NextResponse {
  const errors = err.fieldErrors.map((f) => ({ path: f.path, ...localizeMessage(f.message, locale) }));
  return NextResponse.json(
    {
      type: `about:blank#${err.code}`,
      title: problemTitle(err.code, locale),
      detail: err.userMessage,
      status: err.status,
      code: err.code,
      errors: errors.length ? errors : undefined,
      upstreamStatus: err.upstreamStatus,
      requestId,
    },
    {
      status: err.status,
      headers: {
        "content-type": "application/problem+json",
        "x-request-id": requestId,
        ...(err.retryAfterSeconds ? { "retry-after": String(err.retryAfterSeconds) } : {}),
      },
    },
  );
}


/**
 * An error no use case turned into an AppError: the database being away is a 503 the client may
 * retry (the pools reconnect by themselves); anything else is logged with its stack and answered
 * 500 with the request id.
 */
export function unexpectedProblem(e: unknown, requestId: string, locale: TLocale, where: { kind: string; path: string }): NextResponse {
  if (isDbUnavailable(e)) {
    log.warn("database unavailable", { requestId, path: where.path, error: String((e as Error)?.message ?? e) });
    return problem(new AppError("SERVICE_UNAVAILABLE", "The database is briefly unavailable; try again in a few seconds", { retryAfterSeconds: 5 }), requestId, locale);
  }
  log.error(`unhandled ${where.kind} route error`, { requestId, path: where.path, error: String((e as Error)?.stack ?? e) });
  return problem(new AppError("INTERNAL", "Something went wrong; the request id identifies it"), requestId, locale);
}
