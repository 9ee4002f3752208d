"use client";
import { useQuery } from "@tanstack/react-query";
import { useTranslations } from "next-intl";
import { useEffect, useRef, useState, type MouseEvent } from "react";
import { api, ApiError } from "@/lib/query-client";
import { downloadPdf, type TDownloadResult } from "./pdf-download";

export type TPaperSize = "A4" | "A5";
type TSummary = { region: string; name: string; nameEn: string; period: string; count: number };

const PERIOD_RE = /^\d{4}-(0[1-9]|1[0-2])$/;

/** The check notice of one row (opens the PDF in a new tab, for the browser's print dialog). */
export function noticeHref(checkId: string, size: TPaperSize): string {
  return `/api/v1/notices/checks/${checkId}?size=${size}`;
}

const mb = (bytes: number) => (bytes / (1 << 20)).toFixed(1);

/**
 * Batch printing of a region's check notices: choose a region, month and paper; the count comes
 * from the server first, so an empty month says so here instead of downloading an error. The
 * download runs in the page (the link's href stays for opening it by hand): its progress shows
 * here, and the PDF is saved only once it arrived whole, so a batch that breaks part-way says so
 * on the page instead of leaving a shorter PDF in the downloads folder.
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
  const [job, setJob] = useState<{ running: true; bytes: number } | (TDownloadResult & { running: false }) | null>(null);
  const abort = useRef<AbortController | null>(null);
  useEffect(() => () => abort.current?.abort(), []);
  useEffect(() => setJob((j) => (j?.running ? j : null)), [region, period, size]);

  async function printAll(ev: MouseEvent<HTMLAnchorElement>) {
    ev.preventDefault();
    if (abort.current) return;
    const ctl = (abort.current = new AbortController());
    setJob({ running: true, bytes: 0 });
    let shown = 0;
    const r = await downloadPdf(ev.currentTarget.href, `check-notices-${region}-${period}-${size}.pdf`, {
      signal: ctl.signal,
      onProgress: (bytes) => {
        // A re-render every quarter megabyte is plenty for a progress line.
        if (bytes - shown < 256 * 1024) return;
        shown = bytes;
        setJob({ running: true, bytes });
      },
    });
    abort.current = null;
    setJob({ ...r, running: false });
  }

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
          ) : s && job?.running ? (
            <span className="flex items-center gap-3 text-sm" data-testid="notices-progress">
              <span role="status">{t("downloading", { mb: mb(job.bytes) })}</span>
              <button type="button" onClick={() => abort.current?.abort()} className="rounded border px-3 py-1">{t("cancel")}</button>
            </span>
          ) : s ? (
            <a
              href={`/api/v1/notices/checks?${new URLSearchParams({ region, period, size })}`}
              download
              onClick={printAll}
              title={t("printAllHint")}
              className="rounded bg-brand-700 px-4 py-1.5 text-white focus:outline-none focus:ring-2 focus:ring-brand-700 focus:ring-offset-2"
              data-testid="notices-print-all"
            >
              {t("printAll", { count: s.count })}
            </a>
          ) : null}
        </div>
      </div>
      {job && !job.running && (
        <p
          role={job.kind === "failed" || job.kind === "refused" ? "alert" : "status"}
          className={`text-sm ${job.kind === "failed" || job.kind === "refused" ? "rounded border border-red-300 bg-red-50 p-2 text-red-800" : "text-slate-700"}`}
          data-testid={`notices-${job.kind}`}
        >
          {job.kind === "saved"
            ? t("saved", { fileName: job.fileName, mb: mb(job.bytes) })
            : job.kind === "cancelled"
              ? t("cancelled")
              : job.kind === "refused"
                ? t("refused", { message: job.problem.errors?.[0]?.message ?? job.problem.title })
                : t("failed", { mb: mb(job.bytes), requestId: job.requestId ?? "—" })}
        </p>
      )}
    </section>
  );
}
