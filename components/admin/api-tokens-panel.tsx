"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTranslations } from "next-intl";
import { useState, type FormEvent } from "react";
import { api } from "@/lib/query-client";
import type { TApiTokenList } from "@/lib/server/api-tokens/list-api-tokens";
import type { TApiTokenView } from "@/lib/server/api-tokens/api-token-view";
import type { TTokenRegionOption } from "@/lib/server/api-tokens/token-region-options";
import { Pager } from "@/components/ui/pager";
import { ProblemErrors, toProblemErrors, type TProblemErrors } from "@/components/ui/problem-errors";
import { RevokeButton } from "@/components/ui/revoke-button";

const PAGE_SIZE = 25;
// Message keys cannot contain dots (next-intl nests on them), so each scope names its own key.
const SCOPES = [{ scope: "payment-holds.read", key: "paymentHoldsRead" }] as const;
const fmt = (iso: string | null) => (iso ? new Date(iso).toLocaleString("zh-CN", { timeZone: "Asia/Shanghai", hour12: false }) : null);
const indent = { province: "", city: "pl-4", county: "pl-8" } as const;

export function ApiTokensPanel({ initial, regionOptions }: { initial: TApiTokenList; regionOptions: TTokenRegionOption[] }) {
  const t = useTranslations("apiTokens");
  const qc = useQueryClient();
  const [page, setPage] = useState(1);
  const [regions, setRegions] = useState<string[]>([]);
  const [issued, setIssued] = useState<{ name: string; token: string } | null>(null);
  const [copy, setCopy] = useState<"idle" | "copied" | "failed">("idle");
  const [errors, setErrors] = useState<TProblemErrors | null>(null);
  const label = new Map(regionOptions.map((r) => [r.code, r.label]));

  const list = useQuery({
    queryKey: ["api-tokens", page],
    queryFn: () => api<TApiTokenList>(`/api/v1/api-tokens?page=${page}&pageSize=${PAGE_SIZE}`),
    initialData: page === 1 ? initial : undefined,
  });

  const create = useMutation({
    mutationFn: (body: { name: string; regionCodes: string[]; scopes: string[] }) => api<{ token: string; apiToken: TApiTokenView }>("/api/v1/api-tokens", { method: "POST", json: body }),
    onSuccess: async (r) => {
      setErrors(null);
      setCopy("idle");
      setIssued({ name: r.apiToken.name, token: r.token });
      setRegions([]);
      setPage(1);
      await qc.invalidateQueries({ queryKey: ["api-tokens"] });
    },
    onError: (e) => {
      setIssued(null);
      setErrors(toProblemErrors(e));
    },
  });

  const revoke = useMutation({
    mutationFn: (id: string) => api<TApiTokenView>(`/api/v1/api-tokens/${id}/revoke`, { method: "POST" }),
    onSuccess: () => qc.invalidateQueries({ queryKey: ["api-tokens"] }),
    onError: (e) => setErrors(toProblemErrors(e)),
  });

  function submit(ev: FormEvent<HTMLFormElement>) {
    ev.preventDefault();
    const form = ev.currentTarget;
    const f = new FormData(form);
    create.mutate({ name: String(f.get("name") ?? ""), regionCodes: regions, scopes: f.getAll("scopes").map(String) }, { onSuccess: () => form.reset() });
  }

  async function copyToken(token: string) {
    try {
      await navigator.clipboard.writeText(token);
      setCopy("copied");
    } catch {
      setCopy("failed");
    }
  }

  const toggle = (code: string, on: boolean) => setRegions((rs) => (on ? [...new Set([...rs, code])] : rs.filter((c) => c !== code)));
  const data = list.data;
  const pages = data ? Math.max(1, Math.ceil(data.total / PAGE_SIZE)) : 1;
  return (
    <section className="space-y-6">
      <div>
        <h1 className="text-2xl font-bold">{t("title")}</h1>
        <p className="text-slate-600">{t("subtitle")}</p>
      </div>

      <form onSubmit={submit} className="grid gap-4 rounded bg-white p-4 shadow-sm md:grid-cols-3" aria-label={t("create")}>
        <label className="flex flex-col text-sm">
          {t("name")}
          <input name="name" required maxLength={80} placeholder={t("namePlaceholder")} className="rounded border px-2 py-1" />
        </label>
        <fieldset className="text-sm">
          <legend>{t("regions")}</legend>
          <p className="text-xs text-slate-600" id="regions-hint">{t("regionsHint")}</p>
          <div className="mt-1 max-h-56 overflow-y-auto rounded border p-2" aria-describedby="regions-hint">
            {regionOptions.map((r) => (
              <label key={r.code} className={`flex items-center gap-2 py-0.5 ${indent[r.level]}`}>
                <input type="checkbox" checked={regions.includes(r.code)} onChange={(e) => toggle(r.code, e.target.checked)} />
                <span>{r.label}</span>
                <span className="font-mono text-xs text-slate-500">{r.code}</span>
              </label>
            ))}
          </div>
          <p className="mt-1 text-xs text-slate-600" aria-live="polite">{t("selectedRegions", { count: regions.length })}</p>
        </fieldset>
        <div className="flex flex-col justify-between gap-3 text-sm">
          <fieldset>
            <legend>{t("scopes")}</legend>
            {SCOPES.map((s) => (
              <label key={s.scope} className="flex items-center gap-2 py-0.5">
                <input type="checkbox" name="scopes" value={s.scope} defaultChecked />
                <span>{t(`scope.${s.key}`)}</span>
              </label>
            ))}
          </fieldset>
          <div>
            <button type="submit" disabled={create.isPending} className="rounded bg-brand-700 px-4 py-2 text-white">{t("create")}</button>
          </div>
        </div>
      </form>

      {errors && <ProblemErrors errors={errors} />}
      {issued && (
        <div role="status" className="space-y-2 rounded border border-amber-400 bg-amber-50 p-4" data-testid="issued-token">
          <p>{t("issuedFor", { name: issued.name })}</p>
          <div className="flex flex-wrap items-center gap-2">
            <code className="select-all break-all rounded bg-white px-2 py-1 font-mono text-sm" data-testid="api-token">{issued.token}</code>
            <button type="button" className="rounded border px-3 py-1" onClick={() => void copyToken(issued.token)}>{t("copy")}</button>
            <span aria-live="polite" className="text-sm">{copy === "copied" ? t("copied") : copy === "failed" ? t("copyFailed") : ""}</span>
          </div>
          <p className="text-sm font-medium text-amber-900">{t("once")}</p>
          <p className="text-sm text-slate-700">{t("usage")}</p>
          <button type="button" className="rounded border px-3 py-1" onClick={() => setIssued(null)}>{t("dismiss")}</button>
        </div>
      )}

      <div className="overflow-x-auto rounded bg-white shadow-sm">
        <table className="w-full text-left">
          <thead className="bg-slate-100 text-sm">
            <tr>
              <th scope="col" className="px-3 py-2">{t("name")}</th>
              <th scope="col" className="px-3 py-2">{t("scopes")}</th>
              <th scope="col" className="px-3 py-2">{t("regions")}</th>
              <th scope="col" className="px-3 py-2">{t("createdAt")}</th>
              <th scope="col" className="px-3 py-2">{t("lastUsedAt")}</th>
              <th scope="col" className="px-3 py-2">{t("stateHeading")}</th>
              <th scope="col"><span className="sr-only">{t("revoke")}</span></th>
            </tr>
          </thead>
          <tbody>
            {data?.items.length === 0 && (
              <tr><td colSpan={7} className="px-3 py-4 text-center text-slate-600">{t("none")}</td></tr>
            )}
            {data?.items.map((k) => (
              <tr key={k.id} className="border-t" data-testid="token-row">
                <th scope="row" className="px-3 py-2 font-medium">{k.name}</th>
                <td className="px-3 py-2 font-mono text-sm">{k.scopes.join(", ")}</td>
                <td className="px-3 py-2 text-sm">{k.regionCodes.map((c) => `${label.get(c) ?? ""} ${c}`.trim()).join("，")}</td>
                <td className="px-3 py-2 text-sm">{fmt(k.createdAt)}</td>
                <td className="px-3 py-2 text-sm" data-testid="token-last-used">{fmt(k.lastUsedAt) ?? t("never")}</td>
                <td className="px-3 py-2 text-sm" data-testid="token-state">{k.revokedAt ? t("revoked", { at: fmt(k.revokedAt)! }) : t("active")}</td>
                <td className="px-3 py-2">
                  {!k.revokedAt && <RevokeButton label={t("revoke")} confirm={t("revokeConfirm", { name: k.name })} pending={revoke.isPending} onRevoke={() => revoke.mutate(k.id)} />}
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
