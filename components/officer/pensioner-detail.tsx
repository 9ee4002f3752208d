"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTranslations } from "next-intl";
import Link from "next/link";
import { useState } from "react";
import type { TPensionerView } from "@/lib/domain/pensioner";
import { api, ApiError } from "@/lib/query-client";
import { yuan } from "./format";
import { PensionerForm } from "./pensioner-form";

type TAudit = { items: { id: string; at: string; actorName: string | null; actorRole: string; action: string; summary: unknown }[]; total: number };
type TProps = { initial: TPensionerView; counties: { code: string; label: string }[]; canWrite: boolean; canReveal: boolean };

export function PensionerDetail({ initial, counties, canWrite, canReveal }: TProps) {
  const t = useTranslations("pensioner");
  const qc = useQueryClient();
  const [p, setP] = useState(initial);
  const [editing, setEditing] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const [revealed, setRevealed] = useState<string | null>(null);
  const [reason, setReason] = useState("");
  const audit = useQuery({ queryKey: ["audit", p.id], queryFn: () => api<TAudit>(`/api/v1/pensioners/${p.id}/audit-events?pageSize=50`) });
  const reveal = useMutation({
    mutationFn: () => api<{ nationalId: string }>(`/api/v1/pensioners/${p.id}/reveal`, { method: "POST", json: { reason } }),
    onSuccess: (r) => {
      setRevealed(r.nationalId);
      void qc.invalidateQueries({ queryKey: ["audit", p.id] });
    },
  });

  const rows: [string, string][] = [
    [t("sex"), t(p.sex)],
    [t("birthDate"), p.birthDate],
    [t("regionCode"), p.regionName],
    [t("address"), p.address || "—"],
    [t("phone"), p.phone || "—"],
    [t("scheme"), t(p.scheme)],
    [t("monthlyPensionFen"), `¥${yuan(p.monthlyPensionFen)}`],
    [t("paymentStatus"), t(p.paymentStatus)],
    [t("enrolledOn"), p.enrolledOn],
  ];

  return (
    <div className="space-y-6">
      <Link href="/roll" className="text-blue-800 underline">← {t("back")}</Link>
      <section className="rounded bg-white p-5 shadow-sm">
        <div className="mb-4 flex flex-wrap items-center gap-3">
          <h1 className="mr-auto text-2xl font-bold">{p.name}</h1>
          {canWrite && !editing && (
            <button type="button" onClick={() => { setEditing(true); setNotice(null); }} className="rounded bg-brand-700 px-4 py-2 text-white">{t("edit")}</button>
          )}
        </div>
        <p className="mb-4">
          <span className="mr-2 font-medium">{t("nationalId")}:</span>
          <span className="font-mono" data-testid="national-id">{revealed ?? p.maskedId}</span>
          {revealed && <button type="button" className="ml-3 underline" onClick={() => setRevealed(null)}>{t("hide")}</button>}
        </p>
        {canReveal && !revealed && (
          <form className="mb-4 flex flex-wrap items-end gap-2" onSubmit={(e) => { e.preventDefault(); reveal.mutate(); }}>
            <label className="flex flex-col text-sm">
              {t("revealReason")}
              <input value={reason} onChange={(e) => setReason(e.target.value)} required minLength={2} className="rounded border border-slate-400 px-3 py-1 text-base" />
            </label>
            <button type="submit" disabled={reason.trim().length < 2 || reveal.isPending} className="rounded border border-slate-700 px-3 py-1 disabled:opacity-50">{t("reveal")}</button>
            {reveal.error && <span role="alert" className="text-red-700">{reveal.error instanceof ApiError ? reveal.error.problem.title : String(reveal.error)}</span>}
          </form>
        )}
        {notice && <p role="status" className="mb-3 rounded bg-green-50 p-2 text-green-800">{notice}</p>}
        {editing ? (
          <PensionerForm
            counties={counties}
            initial={p}
            onCancel={() => setEditing(false)}
            onSaved={(next) => {
              setP(next);
              setEditing(false);
              setNotice(t("saved"));
              void qc.invalidateQueries({ queryKey: ["audit", p.id] });
              void qc.invalidateQueries({ queryKey: ["pensioners"] });
            }}
          />
        ) : (
          <dl className="grid gap-x-6 gap-y-2 sm:grid-cols-[max-content_1fr]">
            {rows.map(([k, v]) => (
              <div key={k} className="contents">
                <dt className="font-medium text-slate-600">{k}</dt>
                <dd>{v}</dd>
              </div>
            ))}
          </dl>
        )}
      </section>
      <section className="rounded bg-white p-5 shadow-sm" aria-labelledby="audit-title">
        <h2 id="audit-title" className="mb-3 text-xl font-bold">{t("audit")}</h2>
        {audit.data?.items.length === 0 && <p className="text-slate-600">{t("auditEmpty")}</p>}
        <ol className="space-y-2" data-testid="audit-list">
          {audit.data?.items.map((a) => (
            <li key={a.id} className="border-l-4 border-slate-300 pl-3">
              <div className="text-sm text-slate-600">{new Date(a.at).toLocaleString()} · {a.actorName ?? a.actorRole}</div>
              <div className="break-all font-mono text-sm">{a.action} {JSON.stringify(a.summary)}</div>
            </li>
          ))}
        </ol>
      </section>
    </div>
  );
}
