"use client";
import { useQuery } from "@tanstack/react-query";
import { useLocale, useTranslations } from "next-intl";
import Link from "next/link";
import { useState, type FormEvent } from "react";
import { api, ApiError } from "@/lib/query-client";
import type { TCheckView } from "@/lib/server/checks/list-kiosk-checks";
import { Pager } from "@/components/ui/pager";
import { noticeHref, NoticesPrint, type TPaperSize } from "./notices-print";

type TList = { items: TCheckView[]; total: number; page: number; pageSize: number; today: string };
const PAGE_SIZE = 50;
const STATUSES = ["open", "all", "scheduled", "in_progress", "passed", "failed", "review", "expired"] as const;

function soon(dueOn: string, today: string): boolean {
  return dueOn >= today && Date.parse(dueOn) - Date.parse(today) <= 7 * 86_400_000;
}

export function ChecksPanel({ initial, initialRef = "", regionOptions }: { initial: TList; initialRef?: string; regionOptions: { code: string; label: string }[] }) {
  const t = useTranslations("checks");
  const tn = useTranslations("notices");
  const locale = useLocale();
  const [paperSize, setPaperSize] = useState<TPaperSize>("A4");
  const [filter, setFilter] = useState<{ region: string; status: string; ref: string }>({ region: "", status: "open", ref: initialRef });
  const [page, setPage] = useState(1);
  const isInitial = page === 1 && filter.region === "" && filter.status === "open" && filter.ref === initialRef;
  const list = useQuery({
    queryKey: ["checks", filter, page],
    queryFn: () =>
      api<TList>(
        `/api/v1/checks?${new URLSearchParams({ ...(filter.region ? { region: filter.region } : {}), status: filter.status, ...(filter.ref ? { ref: filter.ref } : {}), page: String(page), pageSize: String(PAGE_SIZE) })}`,
      ),
    initialData: isInitial ? initial : undefined,
    retry: false,
  });
  const refError = list.error instanceof ApiError ? list.error.problem.errors?.find((e) => e.path === "query.ref")?.message : undefined;

  function submit(ev: FormEvent<HTMLFormElement>) {
    ev.preventDefault();
    const f = new FormData(ev.currentTarget);
    setPage(1);
    setFilter({ region: String(f.get("region") ?? ""), status: String(f.get("status") ?? "open"), ref: String(f.get("ref") ?? "").trim() });
  }

  const data = list.data;
  const pages = data ? Math.max(1, Math.ceil(data.total / PAGE_SIZE)) : 1;
  return (
    <section className="space-y-4">
      <div>
        <h1 className="text-2xl font-bold">{t("title")}</h1>
        <p className="text-slate-600">{t("subtitle")}</p>
      </div>
      <form onSubmit={submit} className="flex flex-wrap items-end gap-3 rounded bg-white p-3 shadow-sm" aria-label={t("filter")}>
        <label className="flex flex-col text-sm">
          {t("region")}
          <select name="region" defaultValue="" className="rounded border px-2 py-1">
            <option value="">{t("allRegions")}</option>
            {regionOptions.map((r) => (
              <option key={r.code} value={r.code}>{r.label}</option>
            ))}
          </select>
        </label>
        <label className="flex flex-col text-sm">
          {t("status")}
          <select name="status" defaultValue="open" className="rounded border px-2 py-1">
            {STATUSES.map((s) => (
              <option key={s} value={s}>{s === "open" ? t("allOpen") : s === "all" ? t("allStatuses") : t(`states.${s}`)}</option>
            ))}
          </select>
        </label>
        <label className="flex flex-col text-sm">
          {t("reference")}
          <input
            name="ref"
            defaultValue={initialRef}
            placeholder="K-2026-11-3F9A2C1B"
            aria-describedby="check-ref-hint"
            aria-invalid={refError ? true : undefined}
            className="rounded border px-2 py-1 font-mono"
          />
        </label>
        <button type="submit" className="rounded bg-brand-700 px-4 py-1.5 text-white">{t("filter")}</button>
        <p id="check-ref-hint" className="basis-full text-xs text-slate-600">
          {refError ? <span role="alert" className="text-red-700">{t("referenceError", { message: refError })}</span> : t("referenceHint")}
        </p>
      </form>
      <NoticesPrint regionOptions={regionOptions} region={filter.region} defaultPeriod={initial.today.slice(0, 7)} size={paperSize} onSize={setPaperSize} locale={locale} />
      <div className="overflow-x-auto rounded bg-white shadow-sm">
        <table className="w-full text-left">
          <thead className="bg-slate-100 text-sm">
            <tr>
              {(["pensioner", "region", "period", "reason", "status", "dueOn", "failures", "reference"] as const).map((c) => <th key={c} className="px-3 py-2">{t(c)}</th>)}
              <th className="px-3 py-2">{tn("column")}</th>
            </tr>
          </thead>
          <tbody>
            {data?.items.length === 0 && (
              <tr><td colSpan={9} className="px-3 py-4 text-slate-500">{filter.ref ? t("noneForReference", { ref: filter.ref }) : t("none")}</td></tr>
            )}
            {data?.items.map((c) => (
              <tr key={c.id} className={`border-t ${c.overdue ? "bg-red-50" : ""}`} data-testid="check-row">
                <td className="px-3 py-2"><Link className="underline" href={`/roll/${c.pensionerId}`}>{c.name}</Link></td>
                <td className="px-3 py-2 font-mono">{c.regionCode}</td>
                <td className="px-3 py-2">{c.period}</td>
                <td className="px-3 py-2">{t(`reasons.${c.reason}`)}</td>
                <td className="px-3 py-2">{t(`states.${c.status}`)}</td>
                <td className="px-3 py-2">
                  {c.dueOn}{" "}
                  {c.overdue ? (
                    <span className="rounded bg-red-700 px-2 py-0.5 text-xs font-semibold text-white" data-testid="overdue">{t("overdue")}</span>
                  ) : (c.status === "scheduled" || c.status === "in_progress") && data && soon(c.dueOn, data.today) ? (
                    <span className="rounded bg-amber-200 px-2 py-0.5 text-xs">{t("dueSoon")}</span>
                  ) : null}
                </td>
                <td className="px-3 py-2">{c.failures}</td>
                <td className="px-3 py-2 font-mono text-xs" data-testid="check-reference">{c.reference}</td>
                <td className="px-3 py-2">
                  {(c.status === "scheduled" || c.status === "in_progress") && (
                    <a className="underline" href={noticeHref(c.id, paperSize)} target="_blank" rel="noopener" aria-label={tn("openLabel", { name: c.name })} data-testid="check-notice">
                      {tn("open")}
                    </a>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <Pager page={page} pages={pages} setPage={setPage} label={t("pages")} prev={t("prev")} next={t("next")} status={t("pageOf", { page, pages, total: data?.total ?? 0 })} />
    </section>
  );
}
