"use client";
import { useMutation } from "@tanstack/react-query";
import { useTranslations } from "next-intl";
import { useState } from "react";
import { PAYMENT_STATUSES, SCHEMES, type TPensionerView } from "@/lib/domain/pensioner";
import { api, ApiError } from "@/lib/query-client";

type TCounty = { code: string; label: string };
type TProps = { counties: TCounty[]; initial?: TPensionerView; onSaved: (p: TPensionerView) => void; onCancel?: () => void };

const field = "w-full rounded border border-slate-400 px-3 py-2";

/** Create (no initial) or edit a pensioner; server field errors are shown beside their inputs. */
export function PensionerForm({ counties, initial, onSaved, onCancel }: TProps) {
  const t = useTranslations("pensioner");
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const m = useMutation({
    mutationFn: (body: Record<string, unknown>) =>
      initial
        ? api<TPensionerView>(`/api/v1/pensioners/${initial.id}`, { method: "PATCH", json: { ...body, version: initial.version } })
        : api<TPensionerView>("/api/v1/pensioners", { method: "POST", json: body }),
    onSuccess: onSaved,
    onError: (e) => {
      if (e instanceof ApiError) {
        setErrors(Object.fromEntries((e.problem.errors ?? []).map((x) => [x.path.replace(/^body\./, ""), x.message])));
        setFormError(e.problem.code === "CONFLICT" && initial ? t("conflict") : e.problem.title);
      } else setFormError(String(e));
    },
  });

  function onSubmit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    setErrors({});
    setFormError(null);
    const f = Object.fromEntries(new FormData(e.currentTarget)) as Record<string, string>;
    const yuan = f.monthlyPension ?? "";
    const fen = /^\d+(\.\d{1,2})?$/.test(yuan.trim()) ? Math.round(Number(yuan) * 100) : NaN;
    const { monthlyPension: _m, ...rest } = f;
    m.mutate({ ...rest, monthlyPensionFen: Number.isNaN(fen) ? yuan : fen });
  }

  const err = (name: string) =>
    errors[name] ? (
      <span id={`${name}-error`} className="mt-1 block text-sm text-red-700">
        {errors[name]}
      </span>
    ) : null;
  const aria = (name: string) => ({ "aria-invalid": !!errors[name], "aria-describedby": errors[name] ? `${name}-error` : undefined });

  return (
    <form onSubmit={onSubmit} className="grid gap-4 md:grid-cols-2" noValidate>
      {!initial && (
        <label className="block md:col-span-2">
          <span className="mb-1 block font-medium">{t("nationalId")}</span>
          <input name="nationalId" required maxLength={18} className={`${field} font-mono`} {...aria("nationalId")} />
          {err("nationalId")}
        </label>
      )}
      <label className="block">
        <span className="mb-1 block font-medium">{t("name")}</span>
        <input name="name" required defaultValue={initial?.name} className={field} {...aria("name")} />
        {err("name")}
      </label>
      <label className="block">
        <span className="mb-1 block font-medium">{t("sex")}</span>
        <select name="sex" defaultValue={initial?.sex ?? "male"} className={field}>
          <option value="male">{t("male")}</option>
          <option value="female">{t("female")}</option>
        </select>
      </label>
      {!initial && (
        <label className="block">
          <span className="mb-1 block font-medium">{t("birthDate")}</span>
          <input name="birthDate" type="date" required className={field} {...aria("birthDate")} />
          {err("birthDate")}
        </label>
      )}
      <label className="block">
        <span className="mb-1 block font-medium">{t("regionCode")}</span>
        <select name="regionCode" required defaultValue={initial?.regionCode ?? ""} className={field} {...aria("regionCode")}>
          <option value="" disabled>{t("chooseRegion")}</option>
          {counties.map((c) => (
            <option key={c.code} value={c.code}>{c.label}</option>
          ))}
        </select>
        {err("regionCode")}
      </label>
      <label className="block md:col-span-2">
        <span className="mb-1 block font-medium">{t("address")}</span>
        <input name="address" defaultValue={initial?.address} className={field} {...aria("address")} />
        {err("address")}
      </label>
      <label className="block">
        <span className="mb-1 block font-medium">{t("phone")}</span>
        <input name="phone" inputMode="tel" defaultValue={initial?.phone} className={field} {...aria("phone")} />
        {err("phone")}
      </label>
      <label className="block">
        <span className="mb-1 block font-medium">{t("scheme")}</span>
        <select name="scheme" defaultValue={initial?.scheme ?? "enterprise"} className={field}>
          {SCHEMES.map((s) => (
            <option key={s} value={s}>{t(s)}</option>
          ))}
        </select>
      </label>
      <label className="block">
        <span className="mb-1 block font-medium">{t("monthlyPensionFen")}</span>
        <input name="monthlyPension" inputMode="decimal" required defaultValue={initial ? (initial.monthlyPensionFen / 100).toFixed(2) : ""} className={field} {...aria("monthlyPensionFen")} />
        {err("monthlyPensionFen")}
      </label>
      <label className="block">
        <span className="mb-1 block font-medium">{t("paymentStatus")}</span>
        <select name="paymentStatus" defaultValue={initial?.paymentStatus ?? "active"} className={field}>
          {PAYMENT_STATUSES.map((s) => (
            <option key={s} value={s}>{t(s)}</option>
          ))}
        </select>
      </label>
      <label className="block">
        <span className="mb-1 block font-medium">{t("enrolledOn")}</span>
        <input name="enrolledOn" type="date" required defaultValue={initial?.enrolledOn} className={field} {...aria("enrolledOn")} />
        {err("enrolledOn")}
      </label>
      {formError && (
        <p role="alert" className="rounded bg-red-50 p-3 text-red-800 md:col-span-2">
          {formError}
        </p>
      )}
      <div className="flex gap-3 md:col-span-2">
        <button type="submit" disabled={m.isPending} className="rounded bg-brand-700 px-5 py-2 font-semibold text-white disabled:opacity-60">
          {m.isPending ? t("saving") : t("save")}
        </button>
        {onCancel && (
          <button type="button" onClick={onCancel} className="rounded border px-5 py-2">
            {t("cancel")}
          </button>
        )}
      </div>
    </form>
  );
}
