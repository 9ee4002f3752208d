"use client";
import { useQuery } from "@tanstack/react-query";
import { useTranslations } from "next-intl";
import Link from "next/link";
import { formatTky } from "@/lib/bdmi/contract";
import { api } from "@/lib/query-client";
import type { TRunView } from "@/lib/server/runs/run-view";
import { RunProgress, RunState } from "./run-progress";

const STATUSES = ["alive", "suspected", "deceased", "sentenced"] as const;

export function RunDetail({ initial, joined }: { initial: TRunView; joined: boolean }) {
  const t = useTranslations("runs");
  const { data: run } = useQuery({
    queryKey: ["run", initial.id],
    queryFn: () => api<TRunView>(`/api/v1/runs/${initial.id}`),
    initialData: initial,
    refetchInterval: (q) => (q.state.data?.state === "completed" || q.state.data?.state === "refused" ? false : 1_000),
  });
  const label = (k: string) => (k === "new" ? t("new") : t(`status_${k}`));
  const when = (iso: string | null) => (iso ? new Date(iso).toLocaleString() : "—");
  const transitions = Object.entries(run.transitions).sort((a, b) => b[1] - a[1]);
  return (
    <div className="space-y-6">
      <Link href="/runs" className="text-brand-700 underline">← {t("back")}</Link>
      <header className="flex flex-wrap items-center gap-3">
        <h1 className="text-2xl font-bold">{t("detail", { period: run.period })}</h1>
        <RunState state={run.state} />
        <span className="text-slate-700">{run.regionCodes.join(", ")}</span>
      </header>
      {joined && <p role="status" className="rounded border border-blue-300 bg-blue-50 p-3 text-blue-900">{t("joined")}</p>}
      {run.state === "paused" && run.pausedReason && (
        <p role="status" className="rounded border border-amber-300 bg-amber-50 p-3 text-amber-900" data-testid="paused-reason">
          {t("pausedBecause", { reason: run.pausedReason })}
        </p>
      )}
      {run.state === "refused" && (
        <p role="alert" className="rounded border border-red-300 bg-red-50 p-3 text-red-900" data-testid="refused-reason">
          {t("refusedBecause")}
        </p>
      )}
      <section className="grid gap-4 rounded bg-white p-5 shadow-sm md:grid-cols-4">
        <div className="md:col-span-2">
          <h2 className="mb-1 font-medium">{t("progress")}</h2>
          <RunProgress run={run} />
        </div>
        <Stat label={t("rate")} value={run.ratePerSecond ? t("perSecond", { n: run.ratePerSecond.toLocaleString() }) : "—"} />
        <Stat label={t("errors")} value={run.errors.toLocaleString()} testId="run-errors" />
        <Stat label={t("batches")} value={`${run.batchesDone} / ${run.batchesTotal}`} />
        <Stat label={t("checks")} value={run.checksScheduled.toLocaleString()} testId="run-checks" />
        <Stat label={t("cases")} value={run.casesOpened.toLocaleString()} testId="run-cases" />
        <Stat label={t("fee")} value={`${formatTky(run.feeTotal)} TKY`} testId="run-fee" />
        <Stat label={t("scheduledFor")} value={when(run.scheduledFor)} />
        <Stat label={t("startedAt")} value={when(run.startedAt)} />
        <Stat label={t("finishedAt")} value={when(run.finishedAt)} />
        <Stat label={t("dueOn")} value={run.checkDueOn} />
      </section>
      <div className="grid gap-6 md:grid-cols-2">
        <section className="rounded bg-white shadow-sm">
          <h2 className="border-b px-4 py-2 font-semibold">{t("outcome")}</h2>
          <table className="w-full text-left" data-testid="run-outcome">
            <thead className="bg-slate-100 text-sm"><tr><th className="px-3 py-2">{t("state")}</th><th className="px-3 py-2 text-right">{t("count")}</th></tr></thead>
            <tbody>
              {STATUSES.map((s) => (
                <tr key={s} className="border-t">
                  <th scope="row" className="px-3 py-2 font-medium">{label(s)}</th>
                  <td className="px-3 py-2 text-right tabular-nums" data-testid={`outcome-${s}`}>{(run.statusCounts[s] ?? 0).toLocaleString()}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
        <section className="rounded bg-white shadow-sm">
          <h2 className="border-b px-4 py-2 font-semibold">{t("transitions")}</h2>
          {transitions.length === 0 ? (
            <p className="p-4 text-slate-700">{t("noOutcome")}</p>
          ) : (
            <table className="w-full text-left">
              <thead className="bg-slate-100 text-sm"><tr><th className="px-3 py-2">{t("transition")}</th><th className="px-3 py-2 text-right">{t("count")}</th></tr></thead>
              <tbody>
                {transitions.map(([k, n]) => {
                  const [from, to] = k.split(">") as [string, string];
                  return (
                    <tr key={k} className="border-t">
                      <th scope="row" className="px-3 py-2 font-medium">{label(from)} → {label(to)}</th>
                      <td className="px-3 py-2 text-right tabular-nums">{n.toLocaleString()}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          )}
        </section>
      </div>
    </div>
  );
}

function Stat({ label, value, testId }: { label: string; value: string; testId?: string }) {
  return (
    <div>
      <div className="text-sm text-slate-600">{label}</div>
      <div className="text-lg font-semibold tabular-nums" data-testid={testId}>{value}</div>
    </div>
  );
}
