"use client";
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useFormatter, useTranslations } from "next-intl";
import { useState } from "react";
import { Pager } from "@/components/ui/pager";
import { ProblemErrors, toProblemErrors } from "@/components/ui/problem-errors";
import { api } from "@/lib/query-client";
import type { TUserRow } from "@/lib/server/users/list-users";
import { ROLES, type TRole } from "@/lib/auth/permissions";

type TOption = { code: string; label: string };
type TOneTime = { user: string; oneTimePassword: string; expiresAt: string };
const PAGE_SIZE = 50;
const field = "w-full rounded border border-slate-400 px-3 py-2";

function RegionSelect({ regions, defaultValue, name, describedBy }: { regions: TOption[]; defaultValue?: string[]; name: string; describedBy?: string }) {
  return (
    <select name={name} multiple size={8} defaultValue={defaultValue} aria-describedby={describedBy} className={`${field} font-mono text-sm`}>
      {regions.map((r) => <option key={r.code} value={r.code}>{r.label}</option>)}
    </select>
  );
}

const selected = (form: HTMLFormElement, name: string) => [...(form.elements.namedItem(name) as HTMLSelectElement).selectedOptions].map((o) => o.value);

/** Staff accounts inside the admin's scope: create, edit role and regions, disable, reset, sign out. */
export function UsersPanel({ selfId, regions }: { selfId: string; regions: TOption[] }) {
  const t = useTranslations();
  const f = useFormatter();
  const qc = useQueryClient();
  const [page, setPage] = useState(1);
  const [search, setSearch] = useState("");
  const [creating, setCreating] = useState(false);
  const [editing, setEditing] = useState<string | null>(null);
  const [oneTime, setOneTime] = useState<TOneTime | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const list = useQuery({
    queryKey: ["users", page, search],
    queryFn: () => api<{ users: TUserRow[]; total: number }>(`/api/v1/users?page=${page}&pageSize=${PAGE_SIZE}&search=${encodeURIComponent(search)}`),
    placeholderData: keepPreviousData,
  });
  const refresh = () => qc.invalidateQueries({ queryKey: ["users"] });
  const create = useMutation({
    mutationFn: (body: { name: string; email: string; role: TRole; regions: string[] }) => api<{ username: string; oneTimePassword: string; expiresAt: string }>("/api/v1/users", { method: "POST", json: body }),
    onSuccess: (r) => {
      setCreating(false);
      setOneTime({ user: r.username, oneTimePassword: r.oneTimePassword, expiresAt: r.expiresAt });
      void refresh();
    },
  });
  const update = useMutation({
    mutationFn: (u: { id: string; body: Record<string, unknown> }) => api(`/api/v1/users/${u.id}`, { method: "PATCH", json: u.body }),
    onSuccess: () => {
      setEditing(null);
      void refresh();
    },
  });
  const action = useMutation({
    mutationFn: async (a: { kind: "reset" | "signOut" | "secondFactor"; user: TUserRow }) => {
      if (a.kind === "reset") {
        const r = await api<{ oneTimePassword: string; expiresAt: string }>(`/api/v1/users/${a.user.id}/password-reset`, { method: "POST", json: {} });
        setOneTime({ user: a.user.username, ...r });
      } else if (a.kind === "signOut") {
        const r = await api<{ revoked: number }>(`/api/v1/users/${a.user.id}/sign-out-everywhere`, { method: "POST", json: {} });
        setNotice(t("users.signedOut", { count: r.revoked }));
      } else {
        await api(`/api/v1/users/${a.user.id}/second-factor`, { method: "DELETE" });
      }
    },
    onSuccess: () => void refresh(),
  });
  const error = create.error ?? update.error ?? action.error;
  const pages = Math.max(1, Math.ceil((list.data?.total ?? 0) / PAGE_SIZE));

  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-end gap-3">
        <label className="block">
          <span className="mb-1 block text-sm font-medium">{t("users.search")}</span>
          <input type="search" value={search} onChange={(e) => { setSearch(e.target.value); setPage(1); }} className="rounded border border-slate-400 px-3 py-1.5" />
        </label>
        <button type="button" onClick={() => { setCreating((c) => !c); create.reset(); }} aria-expanded={creating} className="rounded bg-brand-700 px-4 py-2 font-semibold text-white">
          {t("users.create")}
        </button>
      </div>

      {creating && (
        <form
          aria-label={t("users.createTitle")}
          className="grid max-w-3xl gap-3 rounded bg-white p-4 shadow-sm md:grid-cols-2"
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            const fd = new FormData(e.currentTarget);
            create.mutate({ name: String(fd.get("name") ?? ""), email: String(fd.get("email") ?? ""), role: String(fd.get("role")) as TRole, regions: selected(e.currentTarget, "regions") });
          }}
        >
          <h2 className="text-lg font-semibold md:col-span-2">{t("users.createTitle")}</h2>
          <label className="block">
            <span className="mb-1 block font-medium">{t("users.name")}</span>
            <input name="name" required maxLength={64} className={field} />
          </label>
          <label className="block">
            <span className="mb-1 block font-medium">{t("users.email")}</span>
            <input name="email" type="email" required maxLength={254} className={field} />
          </label>
          <label className="block">
            <span className="mb-1 block font-medium">{t("users.role")}</span>
            <select name="role" defaultValue="officer" className={field}>
              {ROLES.map((r) => <option key={r} value={r}>{t(`role.${r}`)}</option>)}
            </select>
          </label>
          <div>
            <label className="block">
              <span className="mb-1 block font-medium">{t("users.regions")}</span>
              <RegionSelect name="regions" regions={regions} describedBy="regions-hint" />
            </label>
            <p id="regions-hint" className="mt-1 text-sm text-slate-600">{t("users.regionsHint")}</p>
          </div>
          {create.isError && <div className="md:col-span-2"><ProblemErrors errors={toProblemErrors(create.error)} /></div>}
          <div className="flex gap-3 md:col-span-2">
            <button type="submit" disabled={create.isPending} className="rounded bg-brand-700 px-4 py-2 font-semibold text-white disabled:opacity-60">
              {create.isPending ? t("users.creating") : t("users.create")}
            </button>
            <button type="button" onClick={() => setCreating(false)} className="rounded border px-4 py-2">{t("users.cancel")}</button>
          </div>
        </form>
      )}

      {oneTime && (
        <div role="status" className="max-w-3xl rounded border border-amber-300 bg-amber-50 p-4">
          <p className="font-semibold">{t("users.oneTimeTitle", { user: oneTime.user })}</p>
          <p data-testid="one-time-password" className="my-2 select-all font-mono text-2xl tracking-wider">{oneTime.oneTimePassword}</p>
          <p className="text-sm">{t("users.oneTimeHint", { until: f.dateTime(new Date(oneTime.expiresAt), { dateStyle: "medium", timeStyle: "short" }) })}</p>
          <button type="button" onClick={() => setOneTime(null)} className="mt-2 rounded border px-3 py-1">{t("users.done")}</button>
        </div>
      )}
      {notice && <p role="status" className="rounded bg-green-50 px-3 py-2 text-green-800">{notice}</p>}
      {error && !create.isError && <ProblemErrors errors={toProblemErrors(error)} />}

      <div className="overflow-x-auto rounded bg-white shadow-sm">
        <table className="w-full text-left text-sm">
          <thead className="bg-slate-100">
            <tr>
              {(["username", "name", "role", "regions", "state", "secondFactor", "lastSignIn"] as const).map((c) => <th key={c} className="px-3 py-2">{t(`users.${c}`)}</th>)}
              <th />
            </tr>
          </thead>
          <tbody>
            {list.data?.users.length === 0 && (
              <tr><td colSpan={8} className="px-3 py-6 text-center text-slate-600">{t("users.empty")}</td></tr>
            )}
            {list.data?.users.map((u) =>
              editing === u.id ? (
                <tr key={u.id} className="border-t bg-slate-50">
                  <td colSpan={8} className="px-3 py-2">
                    <form
                      aria-label={`${t("users.edit")} ${u.username}`}
                      className="grid gap-3 md:grid-cols-4"
                      onSubmit={(e) => {
                        e.preventDefault();
                        const fd = new FormData(e.currentTarget);
                        update.mutate({ id: u.id, body: { name: String(fd.get("name") ?? ""), role: String(fd.get("role")), regions: selected(e.currentTarget, "regions") } });
                      }}
                    >
                      <label className="block">
                        <span className="mb-1 block font-medium">{t("users.name")}</span>
                        <input name="name" defaultValue={u.displayName} className={field} />
                      </label>
                      <label className="block">
                        <span className="mb-1 block font-medium">{t("users.role")}</span>
                        <select name="role" defaultValue={u.role} className={field}>
                          {ROLES.map((r) => <option key={r} value={r}>{t(`role.${r}`)}</option>)}
                        </select>
                      </label>
                      <label className="block md:col-span-2">
                        <span className="mb-1 block font-medium">{t("users.regions")}</span>
                        <RegionSelect name="regions" regions={regions} defaultValue={u.regions} />
                      </label>
                      <div className="flex gap-3 md:col-span-4">
                        <button type="submit" disabled={update.isPending} className="rounded bg-brand-700 px-4 py-1.5 font-semibold text-white">{t("users.save")}</button>
                        <button type="button" onClick={() => setEditing(null)} className="rounded border px-4 py-1.5">{t("users.cancel")}</button>
                      </div>
                    </form>
                  </td>
                </tr>
              ) : (
                <tr key={u.id} className="border-t align-top">
                  <td className="px-3 py-2 font-mono">{u.username}</td>
                  <td className="px-3 py-2">{u.displayName}</td>
                  <td className="px-3 py-2">{t(`role.${u.role}`)}</td>
                  <td className="px-3 py-2 font-mono">{u.regions.join(", ")}</td>
                  <td className="px-3 py-2">
                    {u.disabledAt ? t("users.disabled") : t("users.enabled")}
                    {u.mustChangePassword && <span className="block text-amber-800">{t("users.mustChange")}</span>}
                  </td>
                  <td className="px-3 py-2">{u.secondFactor ? t("users.yes") : t("users.no")}</td>
                  <td className="px-3 py-2">{u.lastSignInAt ? f.dateTime(new Date(u.lastSignInAt), { dateStyle: "short", timeStyle: "short" }) : t("users.never")}</td>
                  <td className="px-3 py-2">
                    {!u.manageable ? (
                      <span className="text-slate-600">{t("users.notManageable")}</span>
                    ) : (
                      <div className="flex flex-wrap gap-2">
                        <button type="button" onClick={() => setEditing(u.id)} className="rounded border px-2 py-1">{t("users.edit")}</button>
                        {u.id !== selfId && (
                          <>
                            <button type="button" disabled={update.isPending} onClick={() => update.mutate({ id: u.id, body: { disabled: !u.disabledAt } })} className="rounded border px-2 py-1">
                              {u.disabledAt ? t("users.enable") : t("users.disable")}
                            </button>
                            <button type="button" disabled={action.isPending} onClick={() => window.confirm(t("users.confirmReset", { name: u.displayName })) && action.mutate({ kind: "reset", user: u })} className="rounded border px-2 py-1">
                              {t("users.resetPassword")}
                            </button>
                            {u.secondFactor && (
                              <button type="button" disabled={action.isPending} onClick={() => window.confirm(t("users.confirmSecondFactor", { name: u.displayName })) && action.mutate({ kind: "secondFactor", user: u })} className="rounded border px-2 py-1">
                                {t("users.resetSecondFactor")}
                              </button>
                            )}
                          </>
                        )}
                        <button type="button" disabled={action.isPending} onClick={() => action.mutate({ kind: "signOut", user: u })} className="rounded border px-2 py-1">
                          {t("users.signOutEverywhere")}
                        </button>
                      </div>
                    )}
                  </td>
                </tr>
              ),
            )}
          </tbody>
        </table>
      </div>
      <Pager page={page} pages={pages} setPage={setPage} label={t("users.title")} prev={t("roll.prev")} next={t("roll.next")} status={t("users.total", { total: list.data?.total ?? 0 })} />
    </div>
  );
}
