"use client";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useTranslations } from "next-intl";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { yuanGrouped } from "@/lib/domain/money";
import { api, ApiError } from "@/lib/query-client";
import type { TPaymentHoldsList } from "@/lib/server/payments/list-payment-holds";
import { Pager } from "@/components/ui/pager";

const PAGE_SIZE = 50;

/** The period selector: the month lives in the URL, so a view can be shared and the back button works. */
export function PeriodSelector({ period, current }: { period: string; current: string }) {
  const t = useTranslations("payments");
  const router = useRouter();
  function submit(ev: FormEvent<HTMLFormElement>) {
    ev.preventDefault();
    const v = String(new FormData(ev.currentTarget).get("period") ?? "");
    if (v) router.push(`/payments?period=${encodeURIComponent(v)}`);
  }
  return (
    <form onSubmit={submit} className="flex flex-wrap items-end gap-3">
      <label className="flex flex-col text-sm">
        {t("period")}
        <input type="month" name="period" defaultValue={period} max={current} required pattern="\d{4}-\d{2}" className="rounded border px-2 py-1" key={period} />
      </label>
      <button type="submit" className="rounded bg-brand-700 px-4 py-2 text-white">{t("show")}</button>
      {period !== current && (
        <button type="button" className="rounded border px-3 py-2" onClick={() => router.push(`/payments?period=${current}`)}>
          {t("current")}
        </button>
      )}
    </form>
  );
}

export function PaymentsPanel({ initial }: { initial: TPaymentHoldsList }) {
  const t = useTranslations("payments");
  const period = initial.period;
  const [page, setPage] = useState(1);
  const list = useQuery({
    queryKey: ["payment-holds", period, page],
    queryFn: () => api<TPaymentHoldsList>(`/api/v1/payment-holds/lines?period=${period}&page=${page}&pageSize=${PAGE_SIZE}`),
    initialData: page === 1 ? initial : undefined,
    placeholderData: keepPreviousData,
  });
  const data = list.data;
  const totals = data?.totals ?? initial.totals;
  const pages = data ? Math.max(1, Math.ceil(data.total / PAGE_SIZE)) : 1;
  const empty = totals.heldPensioners === 0 && totals.arrearsCount === 0;

  return (
    <div className="space-y-5">
      <section aria-labelledby="totals-heading" className="space-y-2">
        <h2 id="totals-heading" className="text-lg font-semibold">{t("totalsHeading", { period })}</h2>
        <dl className="grid gap-3 sm:grid-cols-3">
          <div className="rounded bg-white p-4 shadow-sm">
            <dt className="text-sm text-slate-600">{t("heldPensioners")}</dt>
            <dd className="text-3xl font-bold tabular-nums" data-testid="held-pensioners">{totals.heldPensioners.toLocaleString("en-US")}</dd>
          </div>
          <div className="rounded bg-white p-4 shadow-sm">
            <dt className="text-sm text-slate-600">{t("heldAmount")}</dt>
            <dd className="text-3xl font-bold tabular-nums">¥<span data-testid="held-amount">{yuanGrouped(totals.heldFen)}</span></dd>
          </div>
          <div className="rounded bg-white p-4 shadow-sm">
            <dt className="text-sm text-slate-600">{t("arrearsDue")}</dt>
            <dd className="text-3xl font-bold tabular-nums">¥<span data-testid="arrears-amount">{yuanGrouped(totals.arrearsFen)}</span></dd>
            <dd className="text-sm text-slate-700">{t("arrearsPensioners", { count: totals.arrearsPensioners, months: totals.arrearsCount })}</dd>
          </div>
        </dl>
      </section>

      <div className="flex flex-wrap items-center gap-3">
        <a href={`/api/v1/payment-holds/export?period=${period}`} download className="rounded bg-brand-700 px-4 py-2 text-white" data-testid="export-csv">
          {t("export")}
        </a>
        <span className="text-sm text-slate-600">{t("exportHint")}</span>
      </div>

      {list.error && (
        <p role="alert" className="rounded border border-red-300 bg-red-50 p-3 text-red-800">
          {t("error", { message: list.error instanceof ApiError ? list.error.problem.title : String(list.error) })}
        </p>
      )}

      <div className="overflow-x-auto rounded bg-white shadow-sm">
        <table className="w-full text-left" data-testid="holds-table">
          <caption className="sr-only">{t("table", { period })}</caption>
          <thead className="bg-slate-100 text-sm">
            <tr>
              <th scope="col" className="px-3 py-2">{t("name")}</th>
              <th scope="col" className="px-3 py-2">{t("maskedId")}</th>
              <th scope="col" className="px-3 py-2">{t("region")}</th>
              <th scope="col" className="px-3 py-2">{t("kindHeading")}</th>
              <th scope="col" className="px-3 py-2">{t("causeHeading")}</th>
              <th scope="col" className="px-3 py-2 text-right">{t("monthly")}</th>
              <th scope="col" className="px-3 py-2 text-right">{t("held")}</th>
              <th scope="col" className="px-3 py-2">{t("startPeriod")}</th>
              <th scope="col" className="px-3 py-2">{t("liftedPeriod")}</th>
              <th scope="col" className="px-3 py-2 text-right">{t("arrears")}</th>
            </tr>
          </thead>
          <tbody aria-busy={list.isFetching}>
            {data?.items.map((r) => (
              <tr key={r.holdId} className="border-t" data-testid="hold-row" data-pensioner-id={r.pensionerId}>
                <th scope="row" className="px-3 py-2 font-medium">{r.name}</th>
                <td className="px-3 py-2 font-mono">{r.maskedId}</td>
                <td className="px-3 py-2">{r.regionName} <span className="font-mono text-xs text-slate-500">{r.regionCode}</span></td>
                <td className="px-3 py-2">{t(`kind.${r.kind}`)}</td>
                <td className="px-3 py-2">{t(`cause.${r.cause}`)}</td>
                <td className="px-3 py-2 text-right tabular-nums">{yuanGrouped(r.monthlyFen)}</td>
                <td className="px-3 py-2 text-right tabular-nums">{yuanGrouped(r.heldFen)}</td>
                <td className="px-3 py-2 tabular-nums">{r.startPeriod}</td>
                <td className="px-3 py-2 tabular-nums">{r.liftedPeriod ?? "—"}</td>
                <td className="px-3 py-2 text-right tabular-nums">{yuanGrouped(r.arrearsDueFen)}</td>
              </tr>
            ))}
            {!list.isFetching && data?.items.length === 0 && (
              <tr>
                <td colSpan={10} className="px-3 py-6 text-center text-slate-600">{empty ? t("none", { period }) : t("loading")}</td>
              </tr>
            )}
            {!data && list.isFetching && (
              <tr>
                <td colSpan={10} className="px-3 py-6 text-center text-slate-600">{t("loading")}</td>
              </tr>
            )}
          </tbody>
        </table>
      </div>
      <Pager page={page} pages={pages} setPage={setPage} label={t("pages")} prev={t("prev")} next={t("next")} status={t("pageOf", { page, pages, total: data?.total ?? 0 })} statusTestId="page" />
    </div>
  );
}
