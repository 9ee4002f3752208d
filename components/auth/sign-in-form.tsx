"use client";
import { signIn } from "next-auth/react";
import { useTranslations } from "next-intl";
import { useState } from "react";

export function SignInForm() {
  const t = useTranslations("signIn");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function onSubmit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    setBusy(true);
    setError(null);
    const res = await signIn("credentials", { username: form.get("username"), password: form.get("password"), redirect: false });
    if (res?.error) {
      setBusy(false);
      setError(res.code === "rate_limited" ? t("rate_limited") : t("invalid"));
      return;
    }
    window.location.assign("/");
  }

  return (
    <form onSubmit={onSubmit} className="space-y-4" noValidate>
      <label className="block">
        <span className="mb-1 block font-medium">{t("username")}</span>
        <input name="username" autoComplete="username" required autoFocus className="w-full rounded border border-slate-400 px-3 py-2" />
      </label>
      <label className="block">
        <span className="mb-1 block font-medium">{t("password")}</span>
        <input name="password" type="password" autoComplete="current-password" required className="w-full rounded border border-slate-400 px-3 py-2" />
      </label>
      {error && (
        <p role="alert" className="rounded bg-red-50 px-3 py-2 text-red-800">
          {error}
        </p>
      )}
      <button type="submit" disabled={busy} className="w-full rounded bg-brand-700 px-4 py-2 font-semibold text-white disabled:opacity-60">
        {busy ? t("submitting") : t("submit")}
      </button>
    </form>
  );
}
