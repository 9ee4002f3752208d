"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useLocale, useTranslations } from "next-intl";
import { useState, type FormEvent } from "react";
import { formatTky } from "@/lib/bdmi/contract";
import type { TBureauBalance, TFailedSettlement, TFeesOverview } from "@/lib/server/ledger/get-fees-overview";
import { api } from "@/lib/query-client";
import { ProblemErrors, toProblemErrors, type TProblemErrors } from "@/components/ui/problem-errors";

const tky = (v: string) => `${formatTky(v).replace(/^(-?\d+)/, (w) => Number(w).toLocaleString("en-US"))} TKY`;

/** A v4 UUID; crypto.randomUUID exists only in secure contexts (HTTPS, localhost). */
function uuid(): string {
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, "0")).join("");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

const tone = { ok: "border-emerald-600 bg-emerald-50", low: "border-amber-500 bg-amber-50", blocked: "border-red-600 bg-red-50" } as const;

export function FeesOverview({ initial, canManage = false, topUpProvinces = [] }: { initial: TFeesOverview; canManage?: boolean; topUpProvinces?: string[] }) {
  const t = useTranslations("fees");
  const locale = useLocale();
  const { data } = useQuery({ queryKey: ["ledger-fees"], queryFn: () => api<TFeesOverview>("/api/v1/ledger/fees"), initialData: initial, refetchInterval: 10_000 });
  const failed = data.failedSettlements ?? [];
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
            {canManage && topUpProvinces.includes(a.province) && <TopUp account={a} />}
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
      {(failed.length > 0 || canManage) && <FailedSettlements items={failed} canManage={canManage} />}
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

/** Tops up a bureau's account from the funding account, after a confirmation naming both accounts and the amount. */
function TopUp({ account }: { account: TBureauBalance }) {
  const t = useTranslations("fees.topUp");
  const qc = useQueryClient();
  const [open, setOpen] = useState(false);
  const [amount, setAmount] = useState("");
  const [confirming, setConfirming] = useState<{ amount: string; key: string } | null>(null);
  const [errors, setErrors] = useState<TProblemErrors | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const topUp = useMutation({
    mutationFn: (b: { amount: string; key: string }) => api<{ amount: string }>("/api/v1/ledger/top-ups", { method: "POST", json: { province: account.province, ...b } }),
    onSuccess: async (r) => {
      setErrors(null);
      setConfirming(null);
      setOpen(false);
      setAmount("");
      setDone(t("done", { amount: tky(r.amount), account: account.account }));
      await qc.invalidateQueries({ queryKey: ["ledger-fees"] });
    },
    onError: (e) => {
      setConfirming(null);
      setErrors(toProblemErrors(e));
    },
  });
  function review(ev: FormEvent<HTMLFormElement>) {
    ev.preventDefault();
    setDone(null);
    setErrors(null);
    // One key per reviewed top-up: a double click or a retry of the same confirmation funds once.
    setConfirming({ amount: amount.trim(), key: uuid() });
  }
  return (
    <div className="mt-3 space-y-2">
      {done && <p role="status" className="text-sm font-medium text-emerald-800">{done}</p>}
      {!open ? (
        <button type="button" onClick={() => { setOpen(true); setDone(null); }} className="rounded border border-slate-400 bg-white px-3 py-1 text-sm font-medium">{t("open")}</button>
      ) : confirming ? (
        <div role="group" aria-label={t("confirmTitle")} className="rounded border bg-white p-3 text-sm">
          <p>{t("confirm", { amount: `${confirming.amount} TKY`, account: account.account })}</p>
          <div className="mt-2 flex gap-2">
            <button type="button" disabled={topUp.isPending} onClick={() => topUp.mutate(confirming)} className="rounded bg-brand-700 px-3 py-1 font-semibold text-white disabled:opacity-60">{topUp.isPending ? t("sending") : t("confirmYes")}</button>
            <button type="button" onClick={() => setConfirming(null)} className="rounded border px-3 py-1">{t("back")}</button>
          </div>
        </div>
      ) : (
        <form onSubmit={review} className="flex flex-wrap items-end gap-2" aria-label={t("open")}>
          <label className="block text-sm">
            <span className="mb-1 block font-medium">{t("amount")}</span>
            <input name="amount" inputMode="decimal" required value={amount} onChange={(e) => setAmount(e.target.value)} className="w-40 rounded border px-2 py-1" />
          </label>
          <button type="submit" className="rounded bg-brand-700 px-3 py-1 text-sm font-semibold text-white">{t("review")}</button>
          <button type="button" onClick={() => { setOpen(false); setErrors(null); }} className="rounded border px-3 py-1 text-sm">{t("close")}</button>
        </form>
      )}
      {errors && <ProblemErrors errors={errors} />}
    </div>
  );
}

/** Settlements the ledger refused, each with its error and, for supervisors, a requeue after a confirmation. */
function FailedSettlements({ items, canManage }: { items: TFailedSettlement[]; canManage: boolean }) {
  const t = useTranslations("fees.failedSettlements");
  const qc = useQueryClient();
  const [confirming, setConfirming] = useState<string | null>(null);
  const [errors, setErrors] = useState<TProblemErrors | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const requeue = useMutation({
    mutationFn: (s: TFailedSettlement) => api(`/api/v1/ledger/settlements/${s.id}/requeue`, { method: "POST" }),
    onSuccess: async (_r, s) => {
      setErrors(null);
      setConfirming(null);
      setDone(t("done", { key: s.key }));
      await qc.invalidateQueries({ queryKey: ["ledger-fees"] });
    },
    onError: (e) => {
      setConfirming(null);
      setErrors(toProblemErrors(e));
    },
  });
  return (
    <section aria-labelledby="failed-settlements" className="space-y-2">
      <h2 id="failed-settlements" className="text-lg font-semibold">{t("title")}</h2>
      {done && <p role="status" className="text-sm font-medium text-emerald-800">{done}</p>}
      {errors && <ProblemErrors errors={errors} />}
      {items.length === 0 ? (
        <p className="text-slate-600" data-testid="failed-settlements-none">{t("none")}</p>
      ) : (
        <div className="overflow-x-auto rounded bg-white shadow-sm">
          <table className="w-full text-left text-sm">
            <thead className="bg-slate-100">
              <tr>
                <th className="px-3 py-2">{t("key")}</th>
                <th className="px-3 py-2">{t("period")}</th>
                <th className="px-3 py-2 text-right">{t("amount")}</th>
                <th className="px-3 py-2">{t("error")}</th>
                {canManage && <th className="px-3 py-2"><span className="sr-only">{t("actions")}</span></th>}
              </tr>
            </thead>
            <tbody>
              {items.map((s) => (
                <tr key={s.id} className="border-t align-top" data-testid="failed-settlement">
                  <td className="px-3 py-2"><code>{s.key}</code></td>
                  <td className="px-3 py-2 tabular-nums">{s.period}</td>
                  <td className="px-3 py-2 text-right tabular-nums">{tky(s.amount)}</td>
                  <td className="px-3 py-2 text-red-800">{s.lastError ?? "—"}</td>
                  {canManage && (
                    <td className="px-3 py-2 whitespace-nowrap">
                      {confirming === s.id ? (
                        <span role="group" aria-label={t("confirm")} className="inline-flex items-center gap-2">
                          <span>{t("confirm")}</span>
                          <button type="button" disabled={requeue.isPending} onClick={() => requeue.mutate(s)} className="rounded bg-brand-700 px-3 py-1 font-semibold text-white disabled:opacity-60">{t("confirmYes")}</button>
                          <button type="button" onClick={() => setConfirming(null)} className="rounded border px-3 py-1">{t("back")}</button>
                        </span>
                      ) : (
                        <button type="button" onClick={() => { setConfirming(s.id); setDone(null); }} className="rounded border px-3 py-1">{t("requeue")}</button>
                      )}
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
