"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTranslations } from "next-intl";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState, type FormEvent, type ReactNode } from "react";
import { formatTky } from "@/lib/bdmi/contract";
import { api, ApiError } from "@/lib/query-client";
import type { TRunView } from "@/lib/server/runs/run-view";
import { RunProgress, RunState } from "./run-progress";

type TList = { items: TRunView[]; total: number };
const PAGE_SIZE = 20;

export function RunsPanel({
  initial,
  regionOptions,
  defaultPeriod,
  defaultCohortMinAge,
  defaultScheduledFor,
  canStart,
  schedules,
}: {
  initial: TList;
  regionOptions: { code: string; label: string }[];
  defaultPeriod: string;
  defaultCohortMinAge: number;
  /** "YYYY-MM-DDTHH:mm" in Beijing time: the 22nd at 08:00. */
  defaultScheduledFor: string;
  canStart: boolean;
  /** The recurring schedule panel, shown under the start form. */
  schedules?: ReactNode;
}) {
  const t = useTranslations("runs");
  const router = useRouter();
  const qc = useQueryClient();
  const [page, setPage] = useState(1);
  const [when, setWhen] = useState<"now" | "later">("now");
  const [message, setMessage] = useState<string | null>(null);
  const [errors, setErrors] = useState<{ title: string; fields: { path: string; message: string }[] } | null>(null);

  const list = useQuery({
    queryKey: ["runs", page],
    queryFn: () => api<TList>(`/api/v1/runs?page=${page}&pageSize=${PAGE_SIZE}`),
    initialData: page === 1 ? initial : undefined,
    // Live while anything is moving; quiet otherwise.
    refetchInterval: (q) => (q.state.data?.items.some((r) => r.state !== "completed" && r.state !== "refused") ? 2_000 : false),
  });

  const start = useMutation({
    mutationFn: (body: object) => api<{ run: TRunView; joined: boolean }>("/api/v1/runs", { method: "POST", json: body }),
    onSuccess: async ({ run, joined }) => {
      setErrors(null);
      setMessage(joined ? t("joined") : run.state === "scheduled" && new Date(run.scheduledFor) > new Date() ? t("scheduled") : t("created"));
      await qc.invalidateQueries({ queryKey: ["runs"] });
      router.push(`/runs/${run.id}${joined ? "?joined=1" : ""}`);
    },
    onError: (e) => {
      setMessage(null);
      setErrors(e instanceof ApiError ? { title: e.problem.title, fields: e.problem.errors ?? [] } : { title: String(e), fields: [] });
    },
  });

  function submit(ev: FormEvent<HTMLFormElement>) {
    ev.preventDefault();
    const f = new FormData(ev.currentTarget);
    const at = String(f.get("scheduledFor") ?? "");
    start.mutate({
      period: String(f.get("period")),
      regionCodes: f.getAll("regionCodes").map(String),
      cohortMinAge: Number(f.get("cohortMinAge")),
      // datetime-local has no zone: the bureau's clock is China Standard Time.
      scheduledFor: when === "later" && at ? `${at}:00+08:00` : undefined,
    });
  }

  const data = list.data ?? { items: [], total: 0 };
  const pages = Math.max(1, Math.ceil(data.total / PAGE_SIZE));
  return (
    <div className="space-y-6">
      <header>
        <h1 className="text-2xl font-bold">{t("title")}</h1>
        <p className="text-slate-700">{t("subtitle")}</p>
      </header>

      {canStart && (
        <form onSubmit={submit} className="grid gap-4 rounded bg-white p-5 shadow-sm md:grid-cols-2" aria-label={t("start")}>
          <label className="block">
            <span className="mb-1 block font-medium">{t("period")}</span>
            <input name="period" type="month" required defaultValue={defaultPeriod} max={defaultPeriod} className="w-full rounded border px-3 py-2" />
          </label>
          <label className="block">
            <span className="mb-1 block font-medium">{t("cohortMinAge")}</span>
            <input name="cohortMinAge" type="number" min={0} max={130} defaultValue={defaultCohortMinAge} className="w-32 rounded border px-3 py-2" aria-describedby="cohort-help" />
            <span id="cohort-help" className="ml-2 text-sm text-slate-600">{t("cohortHelp")}</span>
          </label>
          <label className="block md:row-span-2">
            <span className="mb-1 block font-medium">{t("regions")}</span>
            <select name="regionCodes" multiple size={8} className="w-full rounded border px-2 py-1" aria-describedby="regions-help">
              {regionOptions.map((r) => (
                <option key={r.code} value={r.code}>{r.label}</option>
              ))}
            </select>
            <span id="regions-help" className="text-sm text-slate-600">{t("regionsHelp")}</span>
          </label>
          <fieldset>
            <legend className="mb-1 font-medium">{t("when")}</legend>
            <label className="mr-4 inline-flex items-center gap-2">
              <input type="radio" name="when" checked={when === "now"} onChange={() => setWhen("now")} /> {t("now")}
            </label>
            <label className="inline-flex items-center gap-2">
              <input type="radio" name="when" checked={when === "later"} onChange={() => setWhen("later")} /> {t("later")}
            </label>
            {when === "later" && <input name="scheduledFor" type="datetime-local" required defaultValue={defaultScheduledFor} className="mt-2 block rounded border px-3 py-2" aria-label={t("scheduledFor")} />}
          </fieldset>
          <div className="md:col-span-2">
            <button type="submit" disabled={start.isPending} className="rounded bg-brand-700 px-5 py-2 font-semibold text-white hover:bg-brand-600 disabled:opacity-60">
              {start.isPending ? t("starting") : t("start")}
            </button>
            {message && <p role="status" className="mt-2 text-green-800">{message}</p>}
            {errors && (
              <div role="alert" className="mt-2 rounded border border-red-300 bg-red-50 p-3 text-red-900">
                <p className="font-semibold">{errors.title}</p>
                <ul className="list-disc pl-5">
                  {errors.fields.map((f) => <li key={f.path}><code>{f.path}</code>: {f.message}</li>)}
                </ul>
              </div>
            )}
          </div>
        </form>
      )}

      {schedules}

      <section className="overflow-x-auto rounded bg-white shadow-sm">
        {data.items.length === 0 ? (
          <p className="p-5 text-slate-700" data-testid="runs-empty">{t("empty")}</p>
        ) : (
          <table className="w-full text-left">
            <thead className="bg-slate-100 text-sm">
              <tr>
                <th className="px-3 py-2">{t("period")}</th>
                <th className="px-3 py-2">{t("regions")}</th>
                <th className="px-3 py-2">{t("state")}</th>
                <th className="px-3 py-2">{t("progress")}</th>
                <th className="px-3 py-2 text-right">{t("rate")}</th>
                <th className="px-3 py-2 text-right">{t("errors")}</th>
                <th className="px-3 py-2 text-right">{t("fee")}</th>
                <th className="px-3 py-2"><span className="sr-only">{t("open")}</span></th>
              </tr>
            </thead>
            <tbody>
              {data.items.map((r) => (
                <tr key={r.id} className="border-t align-top" data-testid="run-row">
                  <td className="px-3 py-2 font-medium">{r.period}</td>
                  <td className="px-3 py-2 text-sm">{r.regionCodes.join(", ")}</td>
                  <td className="px-3 py-2"><RunState state={r.state} /></td>
                  <td className="px-3 py-2"><RunProgress run={r} /></td>
                  <td className="px-3 py-2 text-right tabular-nums">{r.ratePerSecond ? t("perSecond", { n: r.ratePerSecond.toLocaleString() }) : "—"}</td>
                  <td className="px-3 py-2 text-right tabular-nums">{r.errors.toLocaleString()}</td>
                  <td className="px-3 py-2 text-right tabular-nums">{formatTky(r.feeTotal)}</td>
                  <td className="px-3 py-2"><Link href={`/runs/${r.id}`} className="text-brand-700 underline">{t("open")}</Link></td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {pages > 1 && (
          <nav className="flex items-center gap-3 border-t p-3" aria-label="pagination">
            <button type="button" disabled={page <= 1} onClick={() => setPage((p) => p - 1)} className="rounded border px-3 py-1 disabled:opacity-50">{t("prev")}</button>
            <span>{t("page", { page, pages })}</span>
            <button type="button" disabled={page >= pages} onClick={() => setPage((p) => p + 1)} className="rounded border px-3 py-1 disabled:opacity-50">{t("next")}</button>
          </nav>
        )}
      </section>
    </div>
  );
}
