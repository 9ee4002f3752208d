"use client";
import { useQuery } from "@tanstack/react-query";
import { useFormatter, useLocale, useTranslations } from "next-intl";
import Link from "next/link";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import type { FormEvent } from "react";
import { addMonths } from "@/lib/domain/period";
import { ZDashboard, type TDashboard } from "@/lib/domain/dashboard-contract";
import { api, ApiError } from "@/lib/query-client";
import { ChecksSection } from "./checks-section";
import { FeesSection } from "./fees-section";
import { ManpowerSection } from "./manpower-section";
import type { TSectionProps } from "./parts";
import { SavingsSection } from "./savings-section";

export type TRegionOption = { code: string; label: string; level: "province" | "city" | "county" };

const PERIOD_RE = /^\d{4}-(0[1-9]|1[0-2])$/;
/** How far back the period menu reaches; the previous-month button and the URL go further. */
const MENU_MONTHS = 60;

function hasFigures(d: TDashboard): boolean {
  return (
    d.savings.holds > 0 ||
    d.checks.due > 0 ||
    d.checks.statusMix.some((m) => m.n > 0) ||
    d.checks.kioskUsage.length > 0 ||
    d.fees.calls > 0 ||
    d.manpower.passive + d.manpower.kioskPassed + d.manpower.officerCases > 0 ||
    d.trend.some((p) => p.checksDue > 0 || p.holds > 0 || p.feesBase !== "0" || p.passive > 0 || p.officerCases > 0)
  );
}

/**
 * The supervisors' dashboard. The period and region live in the URL (?period=2026-10&region=5201),
 * so a view can be shared, bookmarked and printed, and the browser's back button walks the drill-down.
 */
export function DashboardView({ currentPeriod, homeRegion, regionOptions }: { currentPeriod: string; homeRegion: string | null; regionOptions: TRegionOption[] }) {
  const t = useTranslations("dashboard");
  const locale = useLocale();
  const format = useFormatter();
  const router = useRouter();
  const pathname = usePathname();
  const sp = useSearchParams();
  const period = sp.get("period") ?? currentPeriod;
  // A user with one region starts there (the URL stays short); one with several starts with all of them.
  const region = sp.get("region") || homeRegion;

  const href = (next: { period?: string; region?: string | null }) => {
    const q = new URLSearchParams(sp.toString());
    const p = next.period ?? period;
    if (p === currentPeriod && !sp.has("period")) q.delete("period");
    else q.set("period", p);
    const r = next.region === undefined ? region : next.region;
    if (r && r !== homeRegion) q.set("region", r);
    else q.delete("region");
    const s = q.toString();
    return s ? `${pathname}?${s}` : pathname;
  };

  const query = useQuery({
    queryKey: ["dashboard", period, region],
    queryFn: async () => ZDashboard.parse(await api<unknown>(`/api/v1/dashboard?${new URLSearchParams({ period, ...(region ? { region } : {}) })}`)),
    // The worker rebuilds the rollups every ROLLUP_INTERVAL_SECONDS; ask more often while they are pending.
    refetchInterval: (q) => (q.state.status === "error" ? false : q.state.data?.refreshedAt ? 60_000 : 5_000),
  });
  const d = query.data;

  const regionName = (r: { name: string; nameEn: string }) => (locale === "en" ? r.nameEn : r.name);
  const selectedName = d?.region ? regionName(d.region) : region ? (regionOptions.find((o) => o.code === region)?.label.trim() ?? region) : t("wholeScope");
  const sectionProps: TSectionProps | null = d
    ? {
        d,
        regionName,
        fileName: (table) => `dashboard-${table}-${d.period}-${d.region?.code ?? "all"}.csv`,
        regionHref: (code) => href({ region: code }),
        openRegion: (code) => router.push(href({ region: code })),
      }
    : null;

  const validPeriod = PERIOD_RE.test(period);
  const menu = Array.from({ length: MENU_MONTHS }, (_, i) => addMonths(currentPeriod, -i));
  if (validPeriod && !menu.includes(period) && period < currentPeriod) menu.push(period);

  function submit(ev: FormEvent<HTMLFormElement>) {
    ev.preventDefault();
    const f = new FormData(ev.currentTarget);
    router.push(href({ period: String(f.get("period") ?? period), region: String(f.get("region") ?? "") || null }));
  }

  const problem = query.error instanceof ApiError ? query.error.problem : null;
  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-start gap-3">
        <div>
          <h1 className="text-2xl font-bold">{t("title")}</h1>
          <p className="text-slate-600 print:hidden">{t("subtitle")}</p>
          {/* On paper the selectors are gone, so the heading says what the figures are for. */}
          <p className="hidden text-lg print:block" data-testid="print-scope">
            {t("printedFor", { period, region: selectedName })}
          </p>
        </div>
        <button type="button" onClick={() => window.print()} className="ml-auto rounded border border-slate-400 bg-white px-4 py-1.5 hover:bg-slate-100 print:hidden">
          {t("print")}
        </button>
      </div>

      <form key={`${period}:${region}`} onSubmit={submit} aria-label={t("selectors")} className="flex flex-wrap items-end gap-3 rounded bg-white p-3 shadow-sm print:hidden">
        <div className="flex items-end gap-1">
          <Link href={href({ period: validPeriod ? addMonths(period, -1) : currentPeriod })} className="rounded border px-2 py-1 hover:bg-slate-100" aria-label={t("prevPeriod")} title={t("prevPeriod")}>
            ‹
          </Link>
          <label className="flex flex-col text-sm">
            {t("period")}
            <select name="period" defaultValue={validPeriod ? period : currentPeriod} className="rounded border px-2 py-1 tabular-nums">
              {menu.map((p) => (
                <option key={p} value={p}>
                  {p}
                </option>
              ))}
            </select>
          </label>
          {validPeriod && period < currentPeriod ? (
            <Link href={href({ period: addMonths(period, 1) })} className="rounded border px-2 py-1 hover:bg-slate-100" aria-label={t("nextPeriod")} title={t("nextPeriod")}>
              ›
            </Link>
          ) : (
            <span className="rounded border px-2 py-1 text-slate-300" aria-hidden="true">
              ›
            </span>
          )}
        </div>
        <label className="flex flex-col text-sm">
          {t("region")}
          <select name="region" defaultValue={region ?? ""} className="rounded border px-2 py-1">
            {!homeRegion && <option value="">{t("wholeScope")}</option>}
            {regionOptions.map((r) => (
              <option key={r.code} value={r.code}>
                {r.label}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" className="rounded bg-brand-700 px-4 py-1.5 text-white">
          {t("show")}
        </button>
      </form>

      <nav aria-label={t("breadcrumb")} className="text-sm" data-testid="breadcrumbs">
        <ol className="flex flex-wrap items-center gap-1">
          {!homeRegion && (
          <li>
            {region ? (
              <Link href={href({ region: null })} className="text-brand-700 underline print:no-underline">
                {t("wholeScope")}
              </Link>
            ) : (
              <span aria-current="page" className="font-semibold">
                {t("wholeScope")}
              </span>
            )}
          </li>
          )}
          {(d?.breadcrumbs ?? []).map((b, i, all) => (
            <li key={b.code} className="flex items-center gap-1">
              {(i > 0 || !homeRegion) && <span aria-hidden="true">›</span>}
              {i === all.length - 1 && b.code === region ? (
                <span aria-current="page" className="font-semibold">
                  {regionName(b)}
                </span>
              ) : (
                <Link href={href({ region: b.code })} className="text-brand-700 underline print:no-underline">
                  {regionName(b)}
                </Link>
              )}
            </li>
          ))}
        </ol>
      </nav>

      {query.isPending && (
        <p role="status" className="text-slate-600">
          {t("loading")}
        </p>
      )}
      {query.isError && (
        <div role="alert" className="rounded border-l-4 border-red-600 bg-red-50 p-4" data-testid="dashboard-error">
          <p className="font-semibold">{t("error")}</p>
          <p>{problem?.title ?? query.error.message}</p>
          {problem?.errors && (
            <ul className="list-disc pl-5">
              {problem.errors.map((e) => (
                <li key={e.path}>
                  <code>{e.path}</code>: {e.message}
                </li>
              ))}
            </ul>
          )}
          <button type="button" onClick={() => void query.refetch()} className="mt-2 rounded border border-slate-400 bg-white px-3 py-1 print:hidden">
            {t("retry")}
          </button>
        </div>
      )}
      {d && !d.refreshedAt && (
        <p role="status" className="rounded border-l-4 border-amber-500 bg-amber-50 p-4" data-testid="dashboard-pending">
          {t("pending")}
        </p>
      )}
      {d?.refreshedAt && (
        <p className="text-sm text-slate-600" data-testid="refreshed-at">
          {t("refreshedAt", { at: format.dateTime(new Date(d.refreshedAt), { dateStyle: "medium", timeStyle: "medium" }) })}
        </p>
      )}
      {d?.refreshedAt && sectionProps && !hasFigures(d) && (
        <p role="status" className="rounded bg-white p-4 text-slate-600 shadow-sm" data-testid="dashboard-empty">
          {t("noData", { period: d.period })}
        </p>
      )}
      {d?.refreshedAt && sectionProps && hasFigures(d) && (
        <div className="space-y-8" data-testid="dashboard-figures">
          <SavingsSection {...sectionProps} />
          <ChecksSection {...sectionProps} />
          <FeesSection {...sectionProps} />
          <ManpowerSection {...sectionProps} />
        </div>
      )}
    </div>
  );
}
