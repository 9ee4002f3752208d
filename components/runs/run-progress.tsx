"use client";
import { useTranslations } from "next-intl";
import type { TRunView } from "@/lib/server/runs/run-view";

const STATE_STYLE: Record<TRunView["state"], string> = {
  scheduled: "bg-slate-200 text-slate-800",
  running: "bg-blue-100 text-blue-900",
  paused: "bg-amber-100 text-amber-900",
  completed: "bg-green-100 text-green-900",
  refused: "bg-red-100 text-red-900",
};

export function RunState({ state }: { state: TRunView["state"] }) {
  const t = useTranslations("runs");
  return <span className={`rounded px-2 py-0.5 text-sm font-medium ${STATE_STYLE[state]}`} data-testid="run-state">{t(`state_${state}`)}</span>;
}

/** done/total as a labelled progress bar; the numbers are text too, for screen readers and tests. */
export function RunProgress({ run }: { run: TRunView }) {
  const t = useTranslations("runs");
  const pct = run.total ? Math.floor((run.done / run.total) * 100) : run.state === "completed" ? 100 : 0;
  return (
    <div className="min-w-40">
      <div className="h-2 overflow-hidden rounded bg-slate-200" role="progressbar" aria-label={t("progress")} aria-valuemin={0} aria-valuemax={run.total} aria-valuenow={run.done}>
        <div className={`h-full ${run.state === "paused" ? "bg-amber-500" : "bg-brand-600"}`} style={{ width: `${pct}%` }} />
      </div>
      <div className="mt-1 text-sm tabular-nums" data-testid="run-progress">
        {run.done.toLocaleString()} / {run.total.toLocaleString()} ({pct}%)
      </div>
    </div>
  );
}
