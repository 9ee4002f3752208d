"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useFormatter, useTranslations } from "next-intl";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { ProblemErrors, toProblemErrors } from "@/components/ui/problem-errors";
import { api } from "@/lib/query-client";
import type { TOwnSession } from "@/lib/server/users/account-sessions";
import type { TSignInFailure } from "@/lib/server/users/list-own-sign-in-failures";
import { OwnPasswordForm } from "./own-password-form";
import { TotpEnrol } from "./totp-enrol";

const section = "rounded bg-white p-4 shadow-sm";

/** The staff member's own account: password, second factor, sessions, failed sign-ins. */
export function AccountPanel({ hasSecondFactor }: { hasSecondFactor: boolean }) {
  const t = useTranslations("account");
  const f = useFormatter();
  const router = useRouter();
  const qc = useQueryClient();
  const [enrolments, setEnrolments] = useState(0);
  const when = (iso: string) => f.dateTime(new Date(iso), { dateStyle: "medium", timeStyle: "short" });
  const sessions = useQuery({ queryKey: ["account", "sessions"], queryFn: () => api<{ sessions: TOwnSession[] }>("/api/v1/account/sessions") });
  const failures = useQuery({ queryKey: ["account", "failures"], queryFn: () => api<{ failures: TSignInFailure[]; sincePreviousSignIn: number }>("/api/v1/account/sign-in-failures") });
  const revoke = useMutation({
    mutationFn: (id?: string) => api(id ? `/api/v1/account/sessions/${id}` : "/api/v1/account/sessions", { method: "DELETE" }),
    onSuccess: () => qc.invalidateQueries({ queryKey: ["account", "sessions"] }),
  });

  return (
    <div className="space-y-6">
      {!!failures.data?.sincePreviousSignIn && (
        <p role="alert" data-testid="failures-since" className="rounded border border-amber-300 bg-amber-50 px-3 py-2 text-amber-900">
          {t("failuresSince", { count: failures.data.sincePreviousSignIn })}
        </p>
      )}
      <section className={section} aria-labelledby="pw">
        <h2 id="pw" className="mb-3 text-lg font-semibold">{t("password")}</h2>
        <OwnPasswordForm />
      </section>

      <section className={section} aria-labelledby="sf">
        <h2 id="sf" className="mb-3 text-lg font-semibold">{t("secondFactor")}</h2>
        <p className="mb-3">{hasSecondFactor ? t("enrolled") : t("notEnrolled")}</p>
        <TotpEnrol
          key={enrolments}
          startLabel={hasSecondFactor ? t("replace") : t("start")}
          onDone={() => {
            setEnrolments((n) => n + 1);
            router.refresh();
          }}
        />
      </section>

      <section className={section} aria-labelledby="ss">
        <div className="mb-3 flex flex-wrap items-center justify-between gap-2">
          <h2 id="ss" className="text-lg font-semibold">{t("sessions")}</h2>
          <button type="button" disabled={revoke.isPending || (sessions.data?.sessions.length ?? 0) < 2} onClick={() => revoke.mutate(undefined)} className="rounded border border-slate-400 px-3 py-1 disabled:opacity-50">
            {t("revokeOthers")}
          </button>
        </div>
        {revoke.isError && <ProblemErrors errors={toProblemErrors(revoke.error)} />}
        <div className="overflow-x-auto">
          <table className="w-full text-left text-sm" data-testid="own-sessions">
            <thead className="bg-slate-100">
              <tr>
                <th className="px-2 py-1">{t("since")}</th>
                <th className="px-2 py-1">{t("from")}</th>
                <th className="px-2 py-1">{t("device")}</th>
                <th className="px-2 py-1">{t("via")}</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {sessions.data?.sessions.map((s) => (
                <tr key={s.id} className="border-t">
                  <td className="px-2 py-1">{when(s.createdAt)}</td>
                  <td className="px-2 py-1 font-mono">{s.ip ?? "—"}</td>
                  <td className="max-w-xs truncate px-2 py-1" title={s.userAgent ?? ""}>{s.userAgent ?? "—"}</td>
                  <td className="px-2 py-1">{s.secondFactor ?? "—"}</td>
                  <td className="px-2 py-1">
                    {s.current ? (
                      <span className="text-slate-600">{t("current")}</span>
                    ) : (
                      <button type="button" disabled={revoke.isPending} onClick={() => revoke.mutate(s.id)} className="rounded border px-2 py-0.5">
                        {t("revoke")}
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>

      <section className={section} aria-labelledby="ff">
        <h2 id="ff" className="mb-3 text-lg font-semibold">{t("failures")}</h2>
        {failures.data && failures.data.failures.length === 0 ? (
          <p className="text-slate-600">{t("failuresEmpty")}</p>
        ) : (
          <div className="overflow-x-auto">
            <table className="w-full text-left text-sm" data-testid="own-failures">
              <thead className="bg-slate-100">
                <tr>
                  <th className="px-2 py-1">{t("at")}</th>
                  <th className="px-2 py-1">{t("from")}</th>
                  <th className="px-2 py-1" />
                </tr>
              </thead>
              <tbody>
                {failures.data?.failures.map((x, i) => (
                  <tr key={i} className="border-t">
                    <td className="px-2 py-1">{when(x.at)}</td>
                    <td className="px-2 py-1 font-mono">{x.ip ?? "—"}</td>
                    <td className="px-2 py-1">{t(x.kind === "second_factor" ? "kind_second_factor" : "kind_password")}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </div>
  );
}
