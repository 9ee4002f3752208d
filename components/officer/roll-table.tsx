"use client";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useTranslations } from "next-intl";
import Link from "next/link";
import { useRouter, useSearchParams } from "next/navigation";
import type { TPensionerView } from "@/lib/domain/pensioner";
import { rollPages } from "@/lib/domain/roll-total";
import { api } from "@/lib/query-client";
import { rollQueryKey } from "@/lib/query-keys";
import { yuan } from "./format";

type TPage = { items: TPensionerView[]; total: number; totalCapped: boolean; hasNext: boolean; page: number; pageSize: number };
type TRegion = { code: string; level: string; name: string; nameEn: string };

export function RollTable({ regions, canWrite, locale }: { regions: TRegion[]; canWrite: boolean; locale: string }) {
  const t = useTranslations();
  const router = useRouter();
  const params = useSearchParams();
  const q = params.get("q") ?? "";
  const region = params.get("region") ?? "";
  const status = params.get("status") ?? "";
  const page = Number(params.get("page") ?? "1") || 1;

  const search = new URLSearchParams({ ...(q && { q }), ...(region && { region }), ...(status && { status }), page: String(page) });
  const { data, isFetching, error } = useQuery({
    queryKey: rollQueryKey(q, region, status, page),
    queryFn: () => api<TPage>(`/api/v1/pensioners?${search}`),
    placeholderData: keepPreviousData,
  });

  function go(next: Record<string, string>) {
    const s = new URLSearchParams({ ...(q && { q }), ...(region && { region }), ...(status && { status }), ...next });
    for (const [k, v] of [...s.entries()]) if (!v) s.delete(k);
    router.push(`/roll?${s}`);
  }

  // A capped total ("10,000+") gives a lower bound on the pages; "next" follows whether the next page has rows.
  const pages = data ? Math.max(rollPages(data.total, data.pageSize), data.totalCapped ? page : 1) : 1;
  return (
    <section aria-labelledby="roll-title">
      <div className="mb-4 flex flex-wrap items-end gap-3">
        <h1 id="roll-title" className="mr-auto text-2xl font-bold">{t("roll.title")}</h1>
        {canWrite && (
          <>
            <Link href="/roll/import" className="rounded border border-brand-700 px-3 py-2 text-brand-700">{t("roll.import")}</Link>
            <Link href="/roll/new" className="rounded bg-brand-700 px-3 py-2 text-white">{t("roll.new")}</Link>
          </>
        )}
      </div>
      {/* A real GET form with an uncontrolled input: what is typed before hydration survives it,
          and a search submitted before then still works as a plain page load. */}
      <form
        role="search"
        action="/roll"
        method="get"
        className="mb-4 flex flex-wrap items-end gap-3 rounded bg-white p-3 shadow-sm"
        onSubmit={(e) => {
          e.preventDefault();
          go({ q: String(new FormData(e.currentTarget).get("q") ?? "").trim(), page: "1" });
        }}
      >
        <label className="flex min-w-64 flex-1 flex-col text-sm">
          {t("roll.search")}
          <input key={q} name="q" defaultValue={q} placeholder={t("roll.searchPlaceholder")} className="rounded border border-slate-400 px-3 py-2 text-base" />
        </label>
        <label className="flex flex-col text-sm">
          {t("roll.region")}
          <select name="region" value={region} onChange={(e) => go({ region: e.target.value, page: "1" })} className="rounded border border-slate-400 px-2 py-2 text-base">
            <option value="">{t("roll.allRegions")}</option>
            {regions.map((r) => (
              <option key={r.code} value={r.code}>
                {r.level === "county" ? "\u00a0\u00a0" : ""}
                {locale === "en" ? r.nameEn : r.name}
              </option>
            ))}
          </select>
        </label>
        <label className="flex flex-col text-sm">
          {t("roll.status")}
          <select name="status" value={status} onChange={(e) => go({ status: e.target.value, page: "1" })} className="rounded border border-slate-400 px-2 py-2 text-base">
            <option value="">{t("roll.allStatuses")}</option>
            {(["active", "suspended", "terminated"] as const).map((s) => (
              <option key={s} value={s}>{t(`pensioner.${s}`)}</option>
            ))}
          </select>
        </label>
        <button type="submit" className="rounded bg-slate-800 px-4 py-2 text-white">{t("roll.search")}</button>
      </form>
      {error && <p role="alert" className="mb-3 rounded bg-red-50 p-3 text-red-800">{error.message}</p>}
      <div className="overflow-x-auto rounded bg-white shadow-sm" aria-busy={isFetching}>
        <table className="w-full text-left">
          <thead className="bg-slate-100 text-sm">
            <tr>
              {(["name", "id", "sex", "birthDate", "region", "scheme", "pension", "status"] as const).map((c) => (
                <th key={c} scope="col" className="px-3 py-2">{t(`roll.col.${c}`)}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {data?.items.map((p) => (
              <tr key={p.id} className="border-t border-slate-200 hover:bg-slate-50">
                <td className="px-3 py-2"><Link href={`/roll/${p.id}`} className="font-medium text-blue-800 underline">{p.name}</Link></td>
                <td className="px-3 py-2 font-mono text-sm">{p.maskedId}</td>
                <td className="px-3 py-2">{t(`pensioner.${p.sex}`)}</td>
                <td className="px-3 py-2">{p.birthDate}</td>
                <td className="px-3 py-2">{p.regionName}</td>
                <td className="px-3 py-2 text-sm">{t(`pensioner.${p.scheme}`)}</td>
                <td className="px-3 py-2 text-right tabular-nums">¥{yuan(p.monthlyPensionFen)}</td>
                <td className="px-3 py-2">{t(`pensioner.${p.paymentStatus}`)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {data && data.items.length === 0 && <p className="p-6 text-center text-slate-600">{t("roll.empty")}</p>}
        {!data && !error && <p className="p-6 text-center text-slate-600">{t("roll.loading")}</p>}
      </div>
      {data && (
        <nav className="mt-3 flex items-center gap-3" aria-label="pagination">
          <span className="mr-auto text-sm text-slate-700" data-testid="roll-total">{t(data.totalCapped ? "roll.totalCapped" : "roll.total", { total: data.total })}</span>
          <button type="button" disabled={page <= 1} onClick={() => go({ page: String(page - 1) })} className="rounded border px-3 py-1 disabled:opacity-40">{t("roll.prev")}</button>
          <span className="text-sm" data-testid="roll-page">{t(data.totalCapped ? "roll.pageCapped" : "roll.page", { page, pages })}</span>
          <button type="button" disabled={!data.hasNext} onClick={() => go({ page: String(page + 1) })} className="rounded border px-3 py-1 disabled:opacity-40">{t("roll.next")}</button>
        </nav>
      )}
    </section>
  );
}
