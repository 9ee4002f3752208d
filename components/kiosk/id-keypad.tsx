"use client";
import { useTranslations } from "next-intl";
import { useEffect } from "react";

const KEYS = ["1", "2", "3", "4", "5", "6", "7", "8", "9", "X", "0"] as const;
export const ID_LENGTH = 18;

/** Groups the ID like the card prints it (6 · 8 · 4) so it is easy to check against the card. */
function grouped(id: string) {
  return [id.slice(0, 6), id.slice(6, 14), id.slice(14)].filter(Boolean).join(" ");
}

/** A large on-screen keypad for the 18-character ID number; the physical keyboard works too. */
export function IdKeypad({ value, onChange, onSubmit, busy }: { value: string; onChange: (v: string) => void; onSubmit: () => void; busy: boolean }) {
  const t = useTranslations("kiosk.identify");
  const press = (k: string) => {
    if (busy) return;
    // X is only ever the check digit, the 18th character (GB 11643).
    if (k === "X" && value.length !== ID_LENGTH - 1) return;
    if (value.length < ID_LENGTH) onChange(value + k);
  };

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.target instanceof HTMLElement && e.target.closest("button,a,input,select,textarea") && e.key === "Enter") return;
      if (/^[0-9]$/.test(e.key)) press(e.key);
      else if (e.key === "x" || e.key === "X") press("X");
      else if (e.key === "Backspace") onChange(value.slice(0, -1));
      else if (e.key === "Escape") onChange("");
      else if (e.key === "Enter" && value.length === ID_LENGTH) onSubmit();
      else return;
      e.preventDefault();
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  });

  const key = "h-20 rounded-2xl border-4 border-slate-900 bg-white text-5xl font-bold text-slate-900 active:bg-slate-200 disabled:opacity-40 sm:h-24 focus-visible:outline focus-visible:outline-4 focus-visible:outline-offset-2 focus-visible:outline-blue-700";
  return (
    <div className="flex w-full max-w-xl flex-col items-center gap-4">
      <output
        aria-label={t("idLabel")}
        data-testid="kiosk-id-display"
        className="block min-h-20 w-full rounded-2xl border-4 border-slate-900 bg-yellow-50 px-4 py-3 text-center font-mono text-4xl tracking-wider text-slate-900 sm:text-5xl"
      >
        {grouped(value) || "\u00a0"}
      </output>
      <p className="text-2xl text-slate-800" aria-live="polite">{t("digits", { n: value.length })}</p>
      <div className="grid w-full grid-cols-3 gap-3">
        {KEYS.map((k) => (
          <button key={k} type="button" className={key} onClick={() => press(k)} disabled={busy || (k === "X" && value.length !== ID_LENGTH - 1)}>
            {k}
          </button>
        ))}
        <button type="button" className={`${key} text-3xl`} onClick={() => onChange(value.slice(0, -1))} disabled={busy || !value}>
          {t("delete")}
        </button>
      </div>
      <div className="grid w-full grid-cols-2 gap-3">
        <button type="button" className={`${key} text-3xl`} onClick={() => onChange("")} disabled={busy || !value}>
          {t("clear")}
        </button>
        <button
          type="button"
          className="h-20 rounded-2xl bg-blue-800 text-4xl font-bold text-white disabled:bg-slate-400 sm:h-24 focus-visible:outline focus-visible:outline-4 focus-visible:outline-offset-2 focus-visible:outline-blue-700"
          onClick={onSubmit}
          disabled={busy || value.length !== ID_LENGTH}
        >
          {busy ? t("looking") : t("submit")}
        </button>
      </div>
    </div>
  );
}
