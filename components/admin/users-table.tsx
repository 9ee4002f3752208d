"use client";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useTranslations } from "next-intl";
import { useRouter } from "next/navigation";
import { api } from "@/lib/query-client";

type TUser = { id: string; username: string; displayName: string; role: "officer" | "supervisor" | "admin"; disabledAt: string | null; regions: string[] };

export function UsersTable({ users, selfId }: { users: TUser[]; selfId: string }) {
  const t = useTranslations();
  const router = useRouter();
  const qc = useQueryClient();
  const m = useMutation({
    mutationFn: (u: { id: string; disabled: boolean }) => api(`/api/v1/users/${u.id}`, { method: "PATCH", json: { disabled: u.disabled } }),
    onSuccess: () => {
      void qc.invalidateQueries();
      router.refresh();
    },
  });
  return (
    <div className="overflow-x-auto rounded bg-white shadow-sm">
      <table className="w-full text-left">
        <thead className="bg-slate-100 text-sm">
          <tr>
            {(["username", "name", "role", "regions", "state"] as const).map((c) => <th key={c} className="px-3 py-2">{t(`users.${c}`)}</th>)}
            <th />
          </tr>
        </thead>
        <tbody>
          {users.map((u) => (
            <tr key={u.id} className="border-t">
              <td className="px-3 py-2 font-mono">{u.username}</td>
              <td className="px-3 py-2">{u.displayName}</td>
              <td className="px-3 py-2">{t(`role.${u.role}`)}</td>
              <td className="px-3 py-2">{u.regions.join(", ")}</td>
              <td className="px-3 py-2">{u.disabledAt ? t("users.disabled") : t("users.enabled")}</td>
              <td className="px-3 py-2">
                {u.id !== selfId && (
                  <button type="button" disabled={m.isPending} onClick={() => m.mutate({ id: u.id, disabled: !u.disabledAt })} className="rounded border px-3 py-1">
                    {u.disabledAt ? t("users.enable") : t("users.disable")}
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
