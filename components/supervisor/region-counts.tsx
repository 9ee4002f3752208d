"use client";
import { useQuery } from "@tanstack/react-query";
import { useLocale, useTranslations } from "next-intl";
import type { TRegionCounts, TStatusCounts } from "@/lib/server/dashboard/count-pensioners";
import { api } from "@/lib/query-client";

type TData = { total: TStatusCounts; regions: TRegionCounts[] };

export function RegionCounts({ initial }: { initial: TData }) {
  const t = useTranslations();
  const locale = useLocale();
  const { data } = useQuery({ queryKey: ["dashboard-counts"], queryFn: () => api<TData>("/api/v1/dashboard/counts"), initialData: initial, refetchInterval: 15_000 });
  const statuses = ["active", "suspended", "terminated"] as const;
  return (
    <div className="space-y-5">
      <dl className="grid grid-cols-2 gap-3 sm:grid-cols-4">
        <div className="rounded bg-white p-4 shadow-sm">
          <dt className="text-sm text-slate-600">{t("dashboard.total")}</dt>
          <dd className="text-3xl font-bold tabular-nums" data-testid="count-total">{data.total.total.toLocaleString()}</dd>
        </div>
        {statuses.map((s) => (
          <div key={s} className="rounded bg-white p-4 shadow-sm">
            <dt className="text-sm text-slate-600">{t(`pensioner.${s}`)}</dt>
            <dd className="text-3xl font-bold tabular-nums">{data.total[s].toLocaleString()}</dd>
          </div>
        ))}
      </dl>
      <div className="overflow-x-auto rounded bg-white shadow-sm">
        <table className="w-full text-left">
          <thead className="bg-slate-100 text-sm">
            <tr>
              <th className="px-3 py-2">{t("dashboard.region")}</th>
              {statuses.map((s) => <th key={s} className="px-3 py-2 text-right">{t(`pensioner.${s}`)}</th>)}
              <th className="px-3 py-2 text-right">{t("dashboard.total")}</th>
            </tr>
          </thead>
          <tbody>
            {data.regions.map((r) => (
              <tr key={r.code} className="border-t">
                <th scope="row" className="px-3 py-2 font-medium">{locale === "en" ? r.nameEn : r.name}</th>
                {statuses.map((s) => <td key={s} className="px-3 py-2 text-right tabular-nums">{r.counts[s].toLocaleString()}</td>)}
                <td className="px-3 py-2 text-right font-semibold tabular-nums">{r.counts.total.toLocaleString()}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
