"use client";
import { signIn } from "next-auth/react";
import { useTranslations } from "next-intl";
import { useRef, useState } from "react";

const MESSAGES = ["invalid", "rate_limited", "invalid_code"] as const;

/** Username (or email) and password, then, for an account with a second factor, its code. */
export function SignInForm() {
  const t = useTranslations("signIn");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [needCode, setNeedCode] = useState(false);
  const codeRef = useRef<HTMLInputElement>(null);

  async function onSubmit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    setBusy(true);
    setError(null);
    const res = await signIn("credentials", { username: form.get("username"), password: form.get("password"), code: form.get("code") ?? "", redirect: false });
    if (res?.error) {
      setBusy(false);
      if (res.code === "second_factor_required") {
        setNeedCode(true);
        if (needCode) setError(t("codeRequired"));
        setTimeout(() => codeRef.current?.focus(), 0);
        return;
      }
      const known = MESSAGES.find((m) => m === res.code);
      setError(t(known ?? "invalid"));
      if (known === "invalid_code" && codeRef.current) {
        codeRef.current.value = "";
        codeRef.current.focus();
      }
      return;
    }
    window.location.assign("/");
  }

  return (
    <form onSubmit={onSubmit} className="space-y-4" noValidate>
      <label className="block">
        <span className="mb-1 block font-medium">{t("username")}</span>
        <input name="username" autoComplete="username" required autoFocus readOnly={needCode} className="w-full rounded border border-slate-400 px-3 py-2 read-only:bg-slate-100" />
      </label>
      <label className="block">
        <span className="mb-1 block font-medium">{t("password")}</span>
        <input name="password" type="password" autoComplete="current-password" required readOnly={needCode} className="w-full rounded border border-slate-400 px-3 py-2 read-only:bg-slate-100" />
      </label>
      {needCode && (
        <div>
        <label className="block">
          <span className="mb-1 block font-medium">{t("code")}</span>
          <input
            ref={codeRef}
            name="code"
            autoComplete="one-time-code"
            inputMode="text"
            maxLength={16}
            required
            aria-describedby="code-hint"
            className="w-full rounded border border-slate-400 px-3 py-2 font-mono text-lg tracking-widest"
          />
        </label>
        <p id="code-hint" className="mt-1 text-sm text-slate-600">{t("codeHint")}</p>
        </div>
      )}
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
