"use client";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useLocale, useTranslations } from "next-intl";
import type { TCaseDetail } from "@/lib/domain/case-contract";
import { yuanGrouped } from "@/lib/domain/money";
import { api, ApiError } from "@/lib/query-client";
import { casesKeys } from "./case-keys";

/** Fen as a decimal string → "1,234.56" (yuan), exact; what is not a whole number of fen is shown as it is. */
export function fenToYuan(fen: string): string {
  try {
    return yuanGrouped(fen);
  } catch {
    return fen;
  }
}

/** The sum of fen strings, exact. */
export function sumFen(values: string[]): string {
  return values.reduce((s, v) => s + BigInt(v), 0n).toString();
}

export type TShownProblem = {
  code: string;
  /** In the reader's language, from the error code. */
  title: string;
  /** The server's own words (its title, in English), for English readers or an unknown code. */
  detail: string | null;
  /** Field errors by input name ("note", "receivedOn"), without the "body." prefix. */
  fields: Record<string, string>;
  stale: boolean;
};

const KNOWN_CODES = [
  "CASE_STALE",
  "CASE_FOUR_EYES",
  "CASE_BAD_STATE",
  "CASE_BAD_OUTCOME",
  "CASE_REINSTATE_WITHOUT_CLOSED_CASE",
  "CASE_ROLE",
  "VALIDATION",
  "NOT_FOUND",
  "FORBIDDEN",
  "UNAUTHENTICATED",
  "CONFLICT",
] as const;

/** problem+json (or a network failure) → what the case page shows, in the reader's language. */
export function useShowProblem() {
  const t = useTranslations("cases.errors");
  const locale = useLocale();
  return (e: unknown): TShownProblem => {
    if (!(e instanceof ApiError)) return { code: "NETWORK", title: t("network"), detail: e instanceof Error ? e.message : String(e), fields: {}, stale: false };
    const p = e.problem;
    const fields: Record<string, string> = {};
    for (const f of p.errors ?? []) {
      const name = f.path.replace(/^body\./, "");
      fields[name] = fields[name] ? `${fields[name]}; ${f.message}` : f.message;
    }
    const known = (KNOWN_CODES as readonly string[]).includes(p.code);
    return {
      code: p.code,
      title: known ? t(p.code as (typeof KNOWN_CODES)[number]) : t("generic"),
      // The server's title is English: it is shown to English readers, and to everyone only when
      // the code is one this page has no words for (then it is the only specific information).
      detail: p.title && p.title !== p.code && (locale === "en" || !known) ? p.title : null,
      fields,
      stale: p.code === "CASE_STALE",
    };
  };
}

/**
 * One move on a case: POST /api/v1/cases/:id/<path> with the body (moves that change the case
 * carry the version the caller saw). On success the server's new detail replaces the cached one
 * and every case list is refetched.
 */
export function useCaseMove<TBody>(caseId: string, path: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: TBody) => api<TCaseDetail>(`/api/v1/cases/${caseId}/${path}`, { method: "POST", json: body }),
    onSuccess: (detail) => {
      // The response is the case as committed: no refetch of the case itself (TanStack Query,
      // "Updates from Mutation Responses"); the queues that show it are refetched.
      qc.setQueryData(casesKeys.one(caseId), detail);
      void qc.invalidateQueries({ queryKey: ["cases", "list"] });
    },
    // A stale version is not refetched behind the user's back: the form says so and offers a reload.
  });
}

/** A local datetime-local value for now ("2026-11-24T09:30"). */
export function nowLocalInput(): string {
  const d = new Date();
  const off = d.getTimezoneOffset() * 60_000;
  return new Date(d.getTime() - off).toISOString().slice(0, 16);
}

/** A datetime-local value → ISO 8601 with offset (UTC), as the API takes it. */
export function localInputToIso(v: string): string {
  const d = new Date(v);
  return Number.isNaN(d.getTime()) ? v : d.toISOString();
}
