"use client";
import { useQuery } from "@tanstack/react-query";
import { useLocale, useTranslations } from "next-intl";
import { formatTky } from "@/lib/bdmi/contract";
import type { TFeesOverview } from "@/lib/server/ledger/get-fees-overview";
import { api } from "@/lib/query-client";

const tky = (v: string) => `${formatTky(v).replace(/^(-?\d+)/, (w) => Number(w).toLocaleString("en-US"))} TKY`;

const tone = { ok: "border-emerald-600 bg-emerald-50", low: "border-amber-500 bg-amber-50", blocked: "border-red-600 bg-red-50" } as const;

export function FeesOverview({ initial }: { initial: TFeesOverview }) {
  const t = useTranslations("fees");
  const locale = useLocale();
  const { data } = useQuery({ queryKey: ["ledger-fees"], queryFn: () => api<TFeesOverview>("/api/v1/ledger/fees"), initialData: initial, refetchInterval: 10_000 });
  return (
    <div className="space-y-5">
      <div className="grid gap-3 sm:grid-cols-2">
        {data.accounts.map((a) => (
          <div key={a.account} className={`rounded border-l-4 p-4 shadow-sm ${tone[a.warning]}`} data-testid="bureau-balance" data-warning={a.warning}>
            <div className="text-sm text-slate-600">
              {t("balance")} · {t("account")} <code>{a.account}</code>
            </div>
            <div className="text-3xl font-bold tabular-nums" data-testid="balance-amount">{tky(a.balance)}</div>
            <div className="mt-1 text-sm text-slate-700">
              {t("unsettled")}: <span className="tabular-nums">{tky(a.unsettled)}</span> · {t("threshold")}: <span className="tabular-nums">{tky(a.threshold)}</span>
            </div>
            <p role={a.warning === "ok" ? undefined : "alert"} className="mt-2 text-sm font-medium" data-testid="balance-warning">
              {a.warning === "ok" ? t("ok") : a.warning === "low" ? t("low", { days: data.lowBalanceDays }) : t("blocked")}
            </p>
          </div>
        ))}
        {data.accounts.length === 0 && <p className="text-slate-600">{t("noAccount")}</p>}
        <div className="rounded bg-white p-4 shadow-sm">
          <div className="text-sm text-slate-600">{t("unsettled")}</div>
          <div className="text-3xl font-bold tabular-nums" data-testid="unsettled-amount">{tky(data.unsettled.amount)}</div>
          <div className="text-sm text-slate-700" data-testid="unsettled-count">{t("unsettledCount", { count: data.unsettled.count })}</div>
          {data.unsettled.failed > 0 && <p role="alert" className="mt-2 text-sm font-medium text-red-700">{t("failed", { count: data.unsettled.failed })}</p>}
        </div>
      </div>
      <h2 className="text-lg font-semibold">{t("byPeriod")}</h2>
      <div className="overflow-x-auto rounded bg-white shadow-sm">
        <table className="w-full text-left" data-testid="fees-table">
          <thead className="bg-slate-100 text-sm">
            <tr>
              <th className="px-3 py-2">{t("period")}</th>
              <th className="px-3 py-2">{t("region")}</th>
              <th className="px-3 py-2 text-right">{t("count")}</th>
              <th className="px-3 py-2 text-right">{t("amount")}</th>
              <th className="px-3 py-2 text-right">{t("settled")}</th>
              <th className="px-3 py-2 text-right">{t("unsettled")}</th>
            </tr>
          </thead>
          <tbody>
            {data.fees.map((f) => (
              <tr key={`${f.period}:${f.regionCode}`} className="border-t" data-testid="fee-row">
                <td className="px-3 py-2 tabular-nums">{f.period}</td>
                <th scope="row" className="px-3 py-2 font-medium">{locale === "en" ? f.nameEn : f.name}</th>
                <td className="px-3 py-2 text-right tabular-nums">{f.count.toLocaleString("en-US")}</td>
                <td className="px-3 py-2 text-right tabular-nums">{tky(f.amount)}</td>
                <td className="px-3 py-2 text-right tabular-nums">{tky(f.settled)}</td>
                <td className="px-3 py-2 text-right tabular-nums">{tky(f.unsettled)}</td>
              </tr>
            ))}
            {data.fees.length === 0 && (
              <tr>
                <td colSpan={6} className="px-3 py-4 text-center text-slate-600">{t("none")}</td>
              </tr>
            )}
          </tbody>
        </table>
      </div>
    </div>
  );
}
