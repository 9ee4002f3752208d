"use client";
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTranslations } from "next-intl";
import Link from "next/link";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useState } from "react";
import { CASE_REASONS } from "@/lib/domain/case-machine";
import type { TCaseDetail, TCaseList, TCaseListItem } from "@/lib/domain/case-contract";
import { api } from "@/lib/query-client";
import { fenToYuan, useShowProblem, type TShownProblem } from "./case-client";
import { CASE_FILTER_DEFAULTS as DEFAULTS, CASE_PAGE_SIZE as PAGE_SIZE, caseFilters, caseListSearch, casesKeys, type TCaseFilterKey } from "./case-keys";

const STATUSES = ["active", "open", "proposed", "closed", "all"] as const;
const ASSIGNED = ["any", "me", "unassigned"] as const;
const SORTS = ["age", "amount"] as const;

const PAY_TONE = { active: "text-green-800", suspended: "bg-amber-100 text-amber-900", terminated: "bg-red-100 text-red-900" } as const;

/** The case queue of the caller's regions: every filter, the sort and the page live in the URL. */
export function CaseQueue({ regionOptions, userId, canApprove }: { regionOptions: { code: string; label: string }[]; userId: string; canApprove: boolean }) {
  const t = useTranslations("cases");
  const router = useRouter();
  const pathname = usePathname();
  const params = useSearchParams();
  const qc = useQueryClient();
  const show = useShowProblem();
  const f = caseFilters((k) => params.get(k));
  const page = Math.max(1, Number(f.page) || 1);
  const search = caseListSearch(f);
  const list = useQuery({
    queryKey: casesKeys.list(search.toString()),
    queryFn: () => api<TCaseList>(`/api/v1/cases?${search}`),
    placeholderData: keepPreviousData,
  });
  // What waits for this supervisor's decision, in the regions chosen: others' proposals only, since
  // four eyes forbid her to approve her own (a count on the prominent filter).
  const awaiting = useQuery({
    queryKey: casesKeys.list(`awaiting:${f.region}`),
    queryFn: () => api<TCaseList>(`/api/v1/cases?${new URLSearchParams({ status: "proposed", proposer: "others", pageSize: "1", ...(f.region ? { region: f.region } : {}) })}`),
    enabled: canApprove,
  });

  const [rowError, setRowError] = useState<{ id: string; problem: TShownProblem } | null>(null);
  const assign = useMutation({
    mutationFn: (c: TCaseListItem) => api<TCaseDetail>(`/api/v1/cases/${c.id}/assign`, { method: "POST", json: { version: c.version } }),
    onMutate: () => setRowError(null),
    onSuccess: (d) => {
      qc.setQueryData(casesKeys.one(d.id), d);
      void qc.invalidateQueries({ queryKey: ["cases", "list"] });
    },
    onError: (e, c) => {
      setRowError({ id: c.id, problem: show(e) });
      void qc.invalidateQueries({ queryKey: ["cases", "list"] });
    },
  });

  function go(next: Partial<Record<TCaseFilterKey, string>>) {
    const merged = { ...f, page: "1", ...next };
    const s = new URLSearchParams();
    for (const k of Object.keys(DEFAULTS) as TCaseFilterKey[]) if (merged[k] && merged[k] !== DEFAULTS[k]) s.set(k, merged[k]);
    const qs = s.toString();
    router.push(qs ? `${pathname}?${qs}` : pathname);
  }

  const data = list.data;
  const pages = data ? Math.max(1, Math.ceil(data.total / PAGE_SIZE)) : 1;
  const sel = "rounded border border-slate-400 px-2 py-2 text-base";
  return (
    <section aria-labelledby="cases-title" className="space-y-4">
      <div className="flex flex-wrap items-end gap-3">
        <div className="mr-auto">
          <h1 id="cases-title" className="text-2xl font-bold">{t("title")}</h1>
          <p className="text-slate-600">{t("subtitle")}</p>
        </div>
        {canApprove && (
          <button
            type="button"
            onClick={() => go({ status: "proposed", assigned: "any", proposer: "others" })}
            aria-pressed={f.status === "proposed" && f.proposer === "others"}
            data-testid="awaiting-approval"
            className={`rounded px-4 py-2 font-semibold ${f.status === "proposed" ? "bg-amber-600 text-white" : "border-2 border-amber-600 bg-amber-50 text-amber-900"}`}
          >
            {t("awaitingApproval")}
            {awaiting.data && <span className="ml-2 rounded-full bg-white px-2 text-amber-900 tabular-nums">{awaiting.data.total}</span>}
          </button>
        )}
      </div>
      <form
        className="flex flex-wrap items-end gap-3 rounded bg-white p-3 shadow-sm"
        aria-label={t("filters")}
        action={pathname}
        method="get"
        onSubmit={(e) => e.preventDefault()}
      >
        <label className="flex flex-col text-sm">
          {t("status")}
          <select name="status" value={f.status} onChange={(e) => go({ status: e.target.value })} className={sel}>
            {STATUSES.map((s) => <option key={s} value={s}>{t(`statusFilter.${s}`)}</option>)}
          </select>
        </label>
        <label className="flex flex-col text-sm">
          {t("reason")}
          <select name="reason" value={f.reason} onChange={(e) => go({ reason: e.target.value })} className={sel}>
            <option value="">{t("allReasons")}</option>
            {CASE_REASONS.map((r) => <option key={r} value={r}>{t(`reasons.${r}`)}</option>)}
          </select>
        </label>
        <label className="flex flex-col text-sm">
          {t("region")}
          <select name="region" value={f.region} onChange={(e) => go({ region: e.target.value })} className={sel}>
            <option value="">{t("allRegions")}</option>
            {regionOptions.map((r) => <option key={r.code} value={r.code}>{r.label}</option>)}
          </select>
        </label>
        <label className="flex flex-col text-sm">
          {t("assigned")}
          <select name="assigned" value={f.assigned} onChange={(e) => go({ assigned: e.target.value })} className={sel}>
            {ASSIGNED.map((a) => <option key={a} value={a}>{t(`assignedFilter.${a}`)}</option>)}
          </select>
        </label>
        <label className="flex flex-col text-sm">
          {t("sort")}
          <select name="sort" value={f.sort} onChange={(e) => go({ sort: e.target.value })} className={sel}>
            {SORTS.map((s) => <option key={s} value={s}>{t(`sorts.${s}`)}</option>)}
          </select>
        </label>
        {params.toString() !== "" && (
          <button type="button" onClick={() => router.push(pathname)} className="rounded border border-slate-500 px-3 py-2">{t("clearFilters")}</button>
        )}
      </form>
      {list.error && (
        <p role="alert" className="rounded bg-red-50 p-3 text-red-800" data-testid="queue-load-error">
          {show(list.error).title} {[show(list.error).detail, ...Object.values(show(list.error).fields)].filter(Boolean).join("; ")}
        </p>
      )}
      {rowError && (
        <p role="alert" className="rounded bg-red-50 p-3 text-red-800" data-testid="queue-error">
          {rowError.problem.title}
          {rowError.problem.detail && <span className="ml-2 text-sm">({rowError.problem.detail})</span>}
        </p>
      )}
      <div className="overflow-x-auto rounded bg-white shadow-sm" aria-busy={list.isFetching}>
        <table className="w-full text-left">
          <caption className="sr-only">{t("title")}</caption>
          <thead className="bg-slate-100 text-sm">
            <tr>
              {(["pensioner", "region", "reason", "opened", "amount", "payment", "assignee", "state", "actions"] as const).map((c) => (
                <th key={c} scope="col" className={`px-3 py-2 ${c === "amount" ? "text-right" : ""}`}>{t(`col.${c}`)}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {data?.items.map((c) => (
              <tr key={c.id} className="border-t border-slate-200 hover:bg-slate-50" data-testid="case-row" data-case-id={c.id}>
                <td className="px-3 py-2">
                  <Link href={`/roll/${c.pensionerId}`} className="font-medium text-blue-800 underline">{c.pensionerName}</Link>
                  <div className="font-mono text-xs text-slate-600">{c.idMasked}</div>
                </td>
                <td className="px-3 py-2">{c.regionName}</td>
                <td className="px-3 py-2">{t(`reasons.${c.reason}`)}</td>
                <td className="px-3 py-2 tabular-nums">
                  {c.openedAt.slice(0, 10)}
                  <div className="text-xs text-slate-600">{t("ageDays", { days: c.ageDays })}</div>
                </td>
                <td className="px-3 py-2 text-right tabular-nums">¥{fenToYuan(c.monthlyPensionFen)}</td>
                <td className="px-3 py-2"><span className={`rounded px-2 py-0.5 text-sm ${PAY_TONE[c.paymentStatus]}`}>{t(`payment.${c.paymentStatus}`)}</span></td>
                <td className="px-3 py-2">{c.assignedTo ? (c.assignedTo.id === userId ? t("me") : c.assignedTo.displayName) : <span className="text-slate-500">{t("unassigned")}</span>}</td>
                <td className="px-3 py-2">
                  <CaseStateLabel item={c} />
                </td>
                <td className="whitespace-nowrap px-3 py-2">
                  <Link href={`/cases/${c.id}`} className="mr-2 rounded bg-brand-700 px-3 py-1 text-white" aria-label={t("openCaseOf", { name: c.pensionerName })}>{t("openCase")}</Link>
                  {c.status !== "closed" && c.assignedTo?.id !== userId && (
                    <button
                      type="button"
                      disabled={assign.isPending}
                      onClick={() => assign.mutate(c)}
                      className="rounded border border-brand-700 px-3 py-1 text-brand-700 disabled:opacity-50"
                      aria-label={t("assignToMeOf", { name: c.pensionerName })}
                    >
                      {assign.isPending && assign.variables?.id === c.id ? t("working") : t("assignToMe")}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {data && data.items.length === 0 && (
          <div className="p-6 text-center text-slate-600" data-testid="cases-empty">
            <p>{t("empty")}</p>
            {params.toString() !== "" && <button type="button" onClick={() => router.push(pathname)} className="mt-2 underline">{t("clearFilters")}</button>}
          </div>
        )}
        {!data && !list.error && <p className="p-6 text-center text-slate-600">{t("loading")}</p>}
      </div>
      {data && (
        <nav className="flex items-center gap-3" aria-label={t("pages")}>
          <span className="mr-auto text-sm text-slate-700" data-testid="cases-total">{t("total", { total: data.total })}</span>
          <button type="button" disabled={page <= 1} onClick={() => go({ page: String(page - 1) })} className="rounded border px-3 py-1 disabled:opacity-40">{t("prev")}</button>
          <span className="text-sm">{t("pageOf", { page, pages })}</span>
          <button type="button" disabled={page >= pages} onClick={() => go({ page: String(page + 1) })} className="rounded border px-3 py-1 disabled:opacity-40">{t("next")}</button>
        </nav>
      )}
    </section>
  );
}

/** Status, with the proposal waiting or the outcome decided. */
export function CaseStateLabel({ item }: { item: Pick<TCaseListItem, "status" | "proposedOutcome" | "outcome"> }) {
  const t = useTranslations("cases");
  return (
    <span data-testid="case-state">
      <span className={item.status === "proposed" ? "font-semibold text-amber-800" : item.status === "closed" ? "text-slate-600" : ""}>{t(`statuses.${item.status}`)}</span>
      {item.status === "proposed" && item.proposedOutcome && <span>{` · ${t(`outcomes.${item.proposedOutcome}`)}`}</span>}
      {item.status === "closed" && item.outcome && <span>{` · ${t(`outcomes.${item.outcome}`)}`}</span>}
    </span>
  );
}
