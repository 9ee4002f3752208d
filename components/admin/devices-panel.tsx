"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTranslations } from "next-intl";
import { useState, type FormEvent } from "react";
import { api } from "@/lib/query-client";
import type { TDeviceView } from "@/lib/server/kiosk/list-kiosk-devices";
import { Pager } from "@/components/ui/pager";
import { ProblemErrors, toProblemErrors, type TProblemErrors } from "@/components/ui/problem-errors";
import { RevokeButton } from "@/components/ui/revoke-button";

type TList = { items: TDeviceView[]; total: number; page: number; pageSize: number };
const PAGE_SIZE = 25;

const fmt = (iso: string | null) => (iso ? new Date(iso).toLocaleString("zh-CN", { timeZone: "Asia/Shanghai", hour12: false }) : "—");

export function DevicesPanel({ initial, regionOptions }: { initial: TList; regionOptions: { code: string; label: string }[] }) {
  const t = useTranslations("devices");
  const qc = useQueryClient();
  const [page, setPage] = useState(1);
  const [issued, setIssued] = useState<{ name: string; code: string; codeExpiresAt: string } | null>(null);
  const [errors, setErrors] = useState<TProblemErrors | null>(null);

  const list = useQuery({
    queryKey: ["devices", page],
    queryFn: () => api<TList>(`/api/v1/devices?page=${page}&pageSize=${PAGE_SIZE}`),
    initialData: page === 1 ? initial : undefined,
  });

  const create = useMutation({
    mutationFn: (body: { regionCode: string; name: string; location: string }) =>
      api<{ id: string; code: string; codeExpiresAt: string }>("/api/v1/devices", { method: "POST", json: body }).then((r) => ({ ...r, name: body.name })),
    onSuccess: async (r, _v) => {
      setErrors(null);
      setIssued({ name: r.name, code: r.code, codeExpiresAt: r.codeExpiresAt });
      setPage(1);
      await qc.invalidateQueries({ queryKey: ["devices"] });
    },
    onError: (e) => {
      setIssued(null);
      setErrors(toProblemErrors(e));
    },
  });

  const revoke = useMutation({
    mutationFn: (id: string) => api(`/api/v1/devices/${id}`, { method: "PATCH", json: { revoked: true } }),
    onSuccess: () => qc.invalidateQueries({ queryKey: ["devices"] }),
  });

  function submit(ev: FormEvent<HTMLFormElement>) {
    ev.preventDefault();
    const f = new FormData(ev.currentTarget);
    create.mutate({ regionCode: String(f.get("regionCode") ?? ""), name: String(f.get("name") ?? ""), location: String(f.get("location") ?? "") });
    ev.currentTarget.reset();
  }

  const data = list.data;
  const pages = data ? Math.max(1, Math.ceil(data.total / PAGE_SIZE)) : 1;
  return (
    <section className="space-y-6">
      <div>
        <h1 className="text-2xl font-bold">{t("title")}</h1>
        <p className="text-slate-600">{t("subtitle")}</p>
      </div>

      <form onSubmit={submit} className="grid gap-3 rounded bg-white p-4 shadow-sm sm:grid-cols-4" aria-label={t("create")}>
        <label className="flex flex-col text-sm">
          {t("region")}
          <select name="regionCode" required className="rounded border px-2 py-1" defaultValue="">
            <option value="" disabled>—</option>
            {regionOptions.map((r) => (
              <option key={r.code} value={r.code}>{r.label}</option>
            ))}
          </select>
        </label>
        <label className="flex flex-col text-sm">
          {t("name")}
          <input name="name" required maxLength={80} className="rounded border px-2 py-1" />
        </label>
        <label className="flex flex-col text-sm">
          {t("location")}
          <input name="location" required maxLength={200} className="rounded border px-2 py-1" />
        </label>
        <div className="flex items-end">
          <button type="submit" disabled={create.isPending} className="rounded bg-brand-700 px-4 py-2 text-white">
            {t("create")}
          </button>
        </div>
      </form>

      {errors && <ProblemErrors errors={errors} />}
      {issued && (
        <div role="status" className="rounded border border-amber-400 bg-amber-50 p-4" data-testid="enrolment-code">
          <p>{t("codeFor", { name: issued.name })}</p>
          <p className="my-2 font-mono text-3xl tracking-widest" data-testid="code">{issued.code}</p>
          <p className="text-sm">{t("codeOnce", { expires: fmt(issued.codeExpiresAt) })}</p>
          <button type="button" className="mt-2 rounded border px-3 py-1" onClick={() => setIssued(null)}>{t("dismiss")}</button>
        </div>
      )}

      <div className="overflow-x-auto rounded bg-white shadow-sm">
        <table className="w-full text-left">
          <thead className="bg-slate-100 text-sm">
            <tr>
              {(["name", "location", "region", "stateHeading", "enrolledAt", "createdAt"] as const).map((c) => <th key={c} className="px-3 py-2">{t(c)}</th>)}
              <th />
            </tr>
          </thead>
          <tbody>
            {data?.items.length === 0 && (
              <tr><td colSpan={7} className="px-3 py-4 text-slate-500">{t("none")}</td></tr>
            )}
            {data?.items.map((d) => (
              <tr key={d.id} className="border-t" data-testid="device-row">
                <td className="px-3 py-2">{d.name}</td>
                <td className="px-3 py-2">{d.location}</td>
                <td className="px-3 py-2 font-mono">{d.regionCode}</td>
                <td className="px-3 py-2" data-testid="device-state">{t(`state.${d.state}`)}</td>
                <td className="px-3 py-2">{fmt(d.enrolledAt)}</td>
                <td className="px-3 py-2">{fmt(d.createdAt)}</td>
                <td className="px-3 py-2">
                  {d.state !== "revoked" && <RevokeButton label={t("revoke")} confirm={t("revokeConfirm", { name: d.name })} pending={revoke.isPending} onRevoke={() => revoke.mutate(d.id)} />}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <Pager page={page} pages={pages} setPage={setPage} label={t("pages")} prev={t("prev")} next={t("next")} status={t("pageOf", { page, pages, total: data?.total ?? 0 })} statusTestId="page" />
    </section>
  );
}
