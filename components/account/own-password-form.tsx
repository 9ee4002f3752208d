"use client";
import { useMutation } from "@tanstack/react-query";
import { useTranslations } from "next-intl";
import { useState } from "react";
import { ProblemErrors, toProblemErrors } from "@/components/ui/problem-errors";
import { api } from "@/lib/query-client";

/** Current password, new password twice; the server applies the policy and names what it refuses. */
export function OwnPasswordForm({ onDone }: { onDone?: () => void }) {
  const t = useTranslations("account");
  const [mismatch, setMismatch] = useState(false);
  const m = useMutation({
    mutationFn: (body: { currentPassword: string; newPassword: string }) => api("/api/v1/account/password", { method: "POST", json: body }),
    onSuccess: () => onDone?.(),
  });
  function onSubmit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    const next = String(f.get("newPassword") ?? "");
    setMismatch(next !== String(f.get("confirmPassword") ?? ""));
    if (next !== String(f.get("confirmPassword") ?? "")) return;
    m.mutate({ currentPassword: String(f.get("currentPassword") ?? ""), newPassword: next });
  }
  const field = "w-full rounded border border-slate-400 px-3 py-2";
  return (
    <form onSubmit={onSubmit} className="max-w-md space-y-3" noValidate>
      <label className="block">
        <span className="mb-1 block font-medium">{t("currentPassword")}</span>
        <input name="currentPassword" type="password" autoComplete="current-password" required className={field} />
      </label>
      <div>
        <label className="block">
          <span className="mb-1 block font-medium">{t("newPassword")}</span>
          <input name="newPassword" type="password" autoComplete="new-password" required minLength={12} aria-describedby="new-password-hint" className={field} />
        </label>
        <p id="new-password-hint" className="mt-1 text-sm text-slate-600">{t("newPasswordHint")}</p>
      </div>
      <label className="block">
        <span className="mb-1 block font-medium">{t("confirmPassword")}</span>
        <input name="confirmPassword" type="password" autoComplete="new-password" required className={field} />
      </label>
      {mismatch && <p role="alert" className="rounded bg-red-50 px-3 py-2 text-red-800">{t("mismatch")}</p>}
      {m.isError && <ProblemErrors errors={toProblemErrors(m.error)} />}
      {m.isSuccess && !onDone && <p role="status" className="rounded bg-green-50 px-3 py-2 text-green-800">{t("changed")}</p>}
      <button type="submit" disabled={m.isPending} className="rounded bg-brand-700 px-4 py-2 font-semibold text-white disabled:opacity-60">
        {t("changePassword")}
      </button>
    </form>
  );
}
