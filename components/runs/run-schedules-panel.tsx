"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTranslations } from "next-intl";
import Link from "next/link";
import { useState, type FormEvent } from "react";
import type { TRunScheduleView } from "@/lib/server/runs/run-schedule-view";
import { api } from "@/lib/query-client";
import { ProblemErrors, toProblemErrors, type TProblemErrors } from "@/components/ui/problem-errors";

type TList = { items: TRunScheduleView[] };

/** An instant as the bureau reads it: "YYYY-MM-DD HH:mm", China Standard Time. */
const beijing = (iso: string) => new Date(new Date(iso).getTime() + 8 * 3600_000).toISOString().slice(0, 16).replace("T", " ");

export function RunSchedulesPanel({ initial, regionOptions, canManage }: { initial: TList; regionOptions: { code: string; label: string }[]; canManage: boolean }) {
  const t = useTranslations("runs.schedules");
  const qc = useQueryClient();
  const [errors, setErrors] = useState<TProblemErrors | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const [editing, setEditing] = useState<string | null>(null);
  const [confirming, setConfirming] = useState<string | null>(null);
  const list = useQuery({ queryKey: ["run-schedules"], queryFn: () => api<TList>("/api/v1/run-schedules"), initialData: initial });

  const done = (msg: string) => async () => {
    setErrors(null);
    setMessage(msg);
    setEditing(null);
    setConfirming(null);
    await qc.invalidateQueries({ queryKey: ["run-schedules"] });
    await qc.invalidateQueries({ queryKey: ["runs"] });
  };
  const failed = (e: unknown) => {
    setMessage(null);
    setErrors(toProblemErrors(e));
  };
  const create = useMutation({ mutationFn: (body: object) => api("/api/v1/run-schedules", { method: "POST", json: body }), onSuccess: done(t("created")), onError: failed });
  const update = useMutation({
    mutationFn: ({ id, body }: { id: string; body: object }) => api(`/api/v1/run-schedules/${id}`, { method: "PATCH", json: body }),
    onSuccess: done(t("updated")),
    onError: failed,
  });
  const cancel = useMutation({
    mutationFn: (s: TRunScheduleView) => api(`/api/v1/run-schedules/${s.id}?version=${s.version}`, { method: "DELETE" }),
    onSuccess: done(t("cancelled")),
    onError: failed,
  });

  const timing = (f: FormData) => ({
    dayOfMonth: Number(f.get("dayOfMonth")),
    time: String(f.get("time") ?? ""),
    cohortMinAge: String(f.get("cohortMinAge") ?? "") === "" ? null : Number(f.get("cohortMinAge")),
  });
  function submitNew(ev: FormEvent<HTMLFormElement>) {
    ev.preventDefault();
    const f = new FormData(ev.currentTarget);
    create.mutate({ regionCodes: f.getAll("regionCodes").map(String), ...timing(f) });
  }
  function submitEdit(ev: FormEvent<HTMLFormElement>, s: TRunScheduleView) {
    ev.preventDefault();
    update.mutate({ id: s.id, body: { ...timing(new FormData(ev.currentTarget)), version: s.version } });
  }

  const items = list.data?.items ?? [];
  return (
    <section className="space-y-3 rounded bg-white p-5 shadow-sm" aria-labelledby="schedules-heading">
      <h2 id="schedules-heading" className="text-lg font-semibold">{t("title")}</h2>
      <p className="text-sm text-slate-700">{t("help")}</p>
      {items.length === 0 ? (
        <p className="text-slate-700" data-testid="schedules-empty">{t("empty")}</p>
      ) : (
        <table className="w-full text-left">
          <thead className="bg-slate-100 text-sm">
            <tr>
              <th className="px-3 py-2">{t("regions")}</th>
              <th className="px-3 py-2">{t("when")}</th>
              <th className="px-3 py-2">{t("next")}</th>
              <th className="px-3 py-2">{t("last")}</th>
              {canManage && <th className="px-3 py-2"><span className="sr-only">{t("actions")}</span></th>}
            </tr>
          </thead>
          <tbody>
            {items.map((s) => (
              <tr key={s.id} className="border-t align-top" data-testid="schedule-row">
                <td className="px-3 py-2 text-sm">{s.regionCodes.join(", ")}</td>
                <td className="px-3 py-2">
                  {editing === s.id ? (
                    <form onSubmit={(e) => submitEdit(e, s)} className="flex flex-wrap items-end gap-2" aria-label={t("edit")}>
                      <TimingFields defaults={s} />
                      <button type="submit" disabled={update.isPending} className="rounded bg-brand-700 px-3 py-1 font-semibold text-white disabled:opacity-60">{t("save")}</button>
                      <button type="button" onClick={() => setEditing(null)} className="rounded border px-3 py-1">{t("discard")}</button>
                    </form>
                  ) : (
                    <span data-testid="schedule-when">{t("every", { day: s.dayOfMonth, time: s.time })}</span>
                  )}
                </td>
                <td className="px-3 py-2 tabular-nums" data-testid="schedule-next">{s.nextRunAt ? t("beijing", { at: beijing(s.nextRunAt) }) : "—"}</td>
                <td className="px-3 py-2 text-sm">
                  {s.lastPeriod ? (s.lastRunId && !s.lastError ? <Link href={`/runs/${s.lastRunId}`} className="text-brand-700 underline">{s.lastPeriod}</Link> : s.lastPeriod) : "—"}
                  {s.lastError && <p className="text-red-800" data-testid="schedule-error">{s.lastError}</p>}
                </td>
                {canManage && (
                  <td className="px-3 py-2 whitespace-nowrap">
                    {confirming === s.id ? (
                      <span role="group" aria-label={t("confirmCancel")} className="inline-flex items-center gap-2">
                        <span>{t("confirmCancel")}</span>
                        <button type="button" disabled={cancel.isPending} onClick={() => cancel.mutate(s)} className="rounded bg-red-700 px-3 py-1 font-semibold text-white disabled:opacity-60">{t("confirmYes")}</button>
                        <button type="button" onClick={() => setConfirming(null)} className="rounded border px-3 py-1">{t("confirmNo")}</button>
                      </span>
                    ) : (
                      <>
                        <button type="button" onClick={() => { setEditing(s.id); setConfirming(null); }} className="mr-2 rounded border px-3 py-1">{t("edit")}</button>
                        <button type="button" onClick={() => { setConfirming(s.id); setEditing(null); }} className="rounded border border-red-400 px-3 py-1 text-red-800">{t("cancel")}</button>
                      </>
                    )}
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {message && <p role="status" className="text-green-800">{message}</p>}
      {errors && <ProblemErrors errors={errors} />}
      {canManage && (
        <form onSubmit={submitNew} className="grid gap-3 border-t pt-3 md:grid-cols-2" aria-label={t("create")}>
          <label className="block md:row-span-2">
            <span className="mb-1 block font-medium">{t("regions")}</span>
            <select name="regionCodes" multiple size={6} className="w-full rounded border px-2 py-1">
              {regionOptions.map((r) => <option key={r.code} value={r.code}>{r.label}</option>)}
            </select>
          </label>
          <div className="flex flex-wrap items-end gap-3">
            <TimingFields defaults={{ dayOfMonth: 22, time: "08:00", cohortMinAge: null }} />
          </div>
          <div>
            <button type="submit" disabled={create.isPending} className="rounded bg-brand-700 px-5 py-2 font-semibold text-white hover:bg-brand-600 disabled:opacity-60">{t("create")}</button>
          </div>
        </form>
      )}
    </section>
  );
}

function TimingFields({ defaults }: { defaults: { dayOfMonth: number; time: string; cohortMinAge: number | null } }) {
  const t = useTranslations("runs.schedules");
  return (
    <>
      <label className="block">
        <span className="mb-1 block text-sm font-medium">{t("day")}</span>
        <input name="dayOfMonth" type="number" min={1} max={31} required defaultValue={defaults.dayOfMonth} className="w-20 rounded border px-2 py-1" />
      </label>
      <label className="block">
        <span className="mb-1 block text-sm font-medium">{t("time")}</span>
        <input name="time" type="time" required defaultValue={defaults.time} className="rounded border px-2 py-1" />
      </label>
      <label className="block">
        <span className="mb-1 block text-sm font-medium">{t("cohort")}</span>
        <input name="cohortMinAge" type="number" min={0} max={130} defaultValue={defaults.cohortMinAge ?? ""} className="w-20 rounded border px-2 py-1" />
      </label>
    </>
  );
}
