"use client";
import { useMutation } from "@tanstack/react-query";
import { useTranslations } from "next-intl";
import { ProblemErrors, toProblemErrors } from "@/components/ui/problem-errors";
import { api } from "@/lib/query-client";

type TStart = { secret: string; uri: string; qrSvg: string };

/** Enrols an authenticator app: QR code and key, a first code to confirm, then the recovery codes once. */
export function TotpEnrol({ startLabel, onDone }: { startLabel: string; onDone: () => void }) {
  const t = useTranslations("account");
  const start = useMutation({ mutationFn: () => api<TStart>("/api/v1/account/second-factor", { method: "POST", json: {} }) });
  const confirm = useMutation({ mutationFn: (code: string) => api<{ recoveryCodes: string[] }>("/api/v1/account/second-factor/confirm", { method: "POST", json: { code } }) });

  if (confirm.data) {
    return (
      <div className="space-y-3">
        <h3 className="text-lg font-semibold">{t("recoveryTitle")}</h3>
        <p>{t("recoveryHint")}</p>
        <ol data-testid="recovery-codes" className="grid max-w-md grid-cols-2 gap-2 font-mono text-lg">
          {confirm.data.recoveryCodes.map((c) => <li key={c} className="rounded bg-slate-100 px-2 py-1">{c}</li>)}
        </ol>
        <button type="button" onClick={onDone} className="rounded bg-brand-700 px-4 py-2 font-semibold text-white">
          {t("saved")}
        </button>
      </div>
    );
  }
  if (!start.data) {
    return (
      <div className="space-y-2">
        {start.isError && <ProblemErrors errors={toProblemErrors(start.error)} />}
        <button type="button" disabled={start.isPending} onClick={() => start.mutate()} className="rounded bg-brand-700 px-4 py-2 font-semibold text-white disabled:opacity-60">
          {startLabel}
        </button>
      </div>
    );
  }
  return (
    <form
      className="space-y-3"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        confirm.mutate(String(new FormData(e.currentTarget).get("code") ?? ""));
      }}
    >
      <p>{t("scan")}</p>
      {/* The SVG is drawn on the server by the qrcode package from the otpauth URI: no user input in it. */}
      <div className="h-48 w-48 bg-white" role="img" aria-label={start.data.uri} dangerouslySetInnerHTML={{ __html: start.data.qrSvg }} />
      <p className="break-all font-mono text-lg" data-testid="totp-secret">{start.data.secret}</p>
      <label className="block max-w-xs">
        <span className="mb-1 block font-medium">{t("codeLabel")}</span>
        <input name="code" inputMode="numeric" autoComplete="one-time-code" maxLength={6} required className="w-full rounded border border-slate-400 px-3 py-2 font-mono text-lg tracking-widest" />
      </label>
      {confirm.isError && <ProblemErrors errors={toProblemErrors(confirm.error)} />}
      <button type="submit" disabled={confirm.isPending} className="rounded bg-brand-700 px-4 py-2 font-semibold text-white disabled:opacity-60">
        {t("confirm")}
      </button>
    </form>
  );
}
