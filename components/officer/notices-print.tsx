"use client";
import { useQuery } from "@tanstack/react-query";
import { useTranslations } from "next-intl";
import { useEffect, useState } from "react";
import { api, ApiError } from "@/lib/query-client";

export type TPaperSize = "A4" | "A5";
type TSummary = { region: string; name: string; nameEn: string; period: string; count: number };

const PERIOD_RE = /^\d{4}-(0[1-9]|1[0-2])$/;

/** The check notice of one row (opens the PDF in a new tab, for the browser's print dialog). */
export function noticeHref(checkId: string, size: TPaperSize): string {
  return `/api/v1/notices/checks/${checkId}?size=${size}`;
}

/**
 * Batch printing of a region's check notices: choose a region, month and paper; the count comes
 * from the server first, so an empty month says so here instead of downloading an error. The
 * download itself is a plain link: the browser streams the PDF to disk, whatever its size.
 */
export function NoticesPrint({
  regionOptions,
  region: filterRegion,
  defaultPeriod,
  size,
  onSize,
  locale,
}: {
  regionOptions: { code: string; label: string }[];
  region: string;
  defaultPeriod: string;
  size: TPaperSize;
  onSize: (s: TPaperSize) => void;
  locale: string;
}) {
  const t = useTranslations("notices");
  const [region, setRegion] = useState(filterRegion);
  const [period, setPeriod] = useState(defaultPeriod);
  useEffect(() => {
    if (filterRegion) setRegion(filterRegion);
  }, [filterRegion]);
  const ready = region !== "" && PERIOD_RE.test(period);
  const summary = useQuery({
    queryKey: ["notices", "batch-summary", region, period],
    queryFn: () => api<TSummary>(`/api/v1/notices/batch-summary?${new URLSearchParams({ region, period })}`),
    enabled: ready,
    retry: false,
  });
  const problem = summary.error instanceof ApiError ? (summary.error.problem.errors?.[0]?.message ?? summary.error.problem.title) : summary.error ? String(summary.error) : null;
  const s = summary.data;

  return (
    <section aria-labelledby="notices-print-title" className="space-y-2 rounded bg-white p-3 shadow-sm" data-testid="notices-print">
      <h2 id="notices-print-title" className="text-lg font-semibold">{t("batchTitle")}</h2>
      <p className="text-sm text-slate-600">{t("batchHint")}</p>
      <div className="flex flex-wrap items-end gap-3">
        <label className="flex flex-col text-sm">
          {t("region")}
          <select value={region} onChange={(e) => setRegion(e.target.value)} className="rounded border px-2 py-1">
            <option value="">{t("chooseRegion")}</option>
            {regionOptions.map((r) => (
              <option key={r.code} value={r.code}>{r.label}</option>
            ))}
          </select>
        </label>
        <label className="flex flex-col text-sm">
          {t("period")}
          <input type="month" value={period} onChange={(e) => setPeriod(e.target.value)} className="rounded border px-2 py-1" required />
        </label>
        <label className="flex flex-col text-sm">
          {t("size")}
          <select value={size} onChange={(e) => onSize(e.target.value as TPaperSize)} className="rounded border px-2 py-1">
            <option value="A4">{t("sizes.A4")}</option>
            <option value="A5">{t("sizes.A5")}</option>
          </select>
        </label>
        <div className="min-h-9 flex items-center" aria-live="polite">
          {!ready ? (
            <span className="text-sm text-slate-500">{t("chooseFirst")}</span>
          ) : summary.isPending ? (
            <span className="text-sm text-slate-500">{t("counting")}</span>
          ) : problem ? (
            <span role="alert" className="text-sm text-red-700">{t("error", { message: problem })}</span>
          ) : s && s.count === 0 ? (
            <span className="text-sm text-slate-600" data-testid="notices-none">{t("none", { region: locale === "en" ? s.nameEn : s.name, period })}</span>
          ) : s ? (
            <a
              href={`/api/v1/notices/checks?${new URLSearchParams({ region, period, size })}`}
              download
              title={t("printAllHint")}
              className="rounded bg-brand-700 px-4 py-1.5 text-white focus:outline-none focus:ring-2 focus:ring-brand-700 focus:ring-offset-2"
              data-testid="notices-print-all"
            >
              {t("printAll", { count: s.count })}
            </a>
          ) : null}
        </div>
      </div>
    </section>
  );
}
