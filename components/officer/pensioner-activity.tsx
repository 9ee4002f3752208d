import { getLocale, getTranslations } from "next-intl/server";
import Link from "next/link";
import type { ReactNode } from "react";
import type { TPensionerActivity } from "@/lib/server/pensioners/get-pensioner-activity";

const OPEN = new Set(["scheduled", "in_progress"]);
const checkHref = (reference: string) => `/checks?${new URLSearchParams({ ref: reference })}`;

function Section({ id, title, empty, count, children }: { id: string; title: string; empty: string; count: { shown: number; total: number; note: string }; children: ReactNode }) {
  return (
    <section className="rounded bg-white shadow-sm" aria-labelledby={`${id}-title`} data-testid={id}>
      <h2 id={`${id}-title`} className="border-b px-4 py-2 text-lg font-semibold">{title}</h2>
      {count.total === 0 ? (
        <p className="p-4 text-slate-700" data-testid={`${id}-empty`}>{empty}</p>
      ) : (
        <div className="overflow-x-auto">
          {children}
          {count.total > count.shown && <p className="px-4 py-2 text-sm text-slate-600">{count.note}</p>}
        </div>
      )}
    </section>
  );
}

const th = "px-3 py-2";
const td = "px-3 py-2";

/**
 * The pensioner's cases, kiosk checks, kiosk attempts and printed notices, newest first, each
 * linked to its page where it has one (a case to its page, a check to its row on the kiosk checks
 * page); a section shows only for a reader allowed to see it (the use case leaves it null).
 */
export async function PensionerActivity({ activity, regionNames }: { activity: TPensionerActivity; regionNames: Record<string, string> }) {
  const t = await getTranslations("activity");
  const tc = await getTranslations("cases");
  const tk = await getTranslations("checks");
  const locale = await getLocale();
  const at = (iso: string | null) => (iso ? new Date(iso).toLocaleString(locale, { timeZone: "Asia/Shanghai", hour12: false }) : "—");
  const note = (s: { items: unknown[]; total: number }) => ({ shown: s.items.length, total: s.total, note: t("shown", { shown: s.items.length, total: s.total }) });
  const { cases, checks, attempts, notices } = activity;
  return (
    <>
      {cases && (
        <Section id="pensioner-cases" title={t("casesTitle")} empty={t("casesEmpty")} count={note(cases)}>
          <table className="w-full text-left">
            <thead className="bg-slate-100 text-sm">
              <tr>
                <th className={th}>{t("reference")}</th>
                <th className={th}>{t("reason")}</th>
                <th className={th}>{t("period")}</th>
                <th className={th}>{t("status")}</th>
                <th className={th}>{t("opened")}</th>
                <th className={th}>{t("outcome")}</th>
              </tr>
            </thead>
            <tbody>
              {cases.items.map((c) => (
                <tr key={c.id} className="border-t" data-testid="pensioner-case">
                  <th scope="row" className={`${td} font-mono font-normal`}>
                    <Link className="underline" href={`/cases/${c.id}`} aria-label={t("openCase", { ref: c.reference })}>{c.reference}</Link>
                  </th>
                  <td className={td}>{tc(`reasons.${c.reason}`)}</td>
                  <td className={`${td} tabular-nums`}>{c.period}</td>
                  <td className={td}>{tc(`statuses.${c.status}`)}</td>
                  <td className={`${td} tabular-nums`}>{at(c.openedAt)}</td>
                  <td className={td}>{c.outcome ? tc(`outcomes.${c.outcome}`) : c.proposedOutcome ? `${tc("proposal")}: ${tc(`outcomes.${c.proposedOutcome}`)}` : "—"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </Section>
      )}
      {checks && (
        <Section id="pensioner-checks" title={t("checksTitle")} empty={t("checksEmpty")} count={note(checks)}>
          <table className="w-full text-left">
            <thead className="bg-slate-100 text-sm">
              <tr>
                <th className={th}>{t("reference")}</th>
                <th className={th}>{t("period")}</th>
                <th className={th}>{t("reason")}</th>
                <th className={th}>{t("status")}</th>
                <th className={th}>{t("dueOn")}</th>
                <th className={`${th} text-right`}>{t("failures")}</th>
                <th className={th}>{t("notice")}</th>
              </tr>
            </thead>
            <tbody>
              {checks.items.map((c) => (
                <tr key={c.id} className="border-t" data-testid="pensioner-check">
                  <th scope="row" className={`${td} font-mono font-normal`}>
                    <Link className="underline" href={checkHref(c.reference)} aria-label={t("openCheck", { ref: c.reference })}>{c.reference}</Link>
                  </th>
                  <td className={`${td} tabular-nums`}>{c.period}</td>
                  <td className={td}>{tk(`reasons.${c.reason}`)}</td>
                  <td className={td}>{tk(`states.${c.status}`)}</td>
                  <td className={`${td} tabular-nums`}>{c.dueOn}</td>
                  <td className={`${td} text-right tabular-nums`}>{c.failures}</td>
                  <td className={td}>
                    {OPEN.has(c.status) && notices && (
                      <a className="underline" href={`/api/v1/notices/checks/${c.id}?size=A4`} target="_blank" rel="noopener" aria-label={t("printNoticeOf", { ref: c.reference })}>
                        {t("printNotice")}
                      </a>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </Section>
      )}
      {attempts && (
        <Section id="pensioner-attempts" title={t("attemptsTitle")} empty={t("attemptsEmpty")} count={note(attempts)}>
          <table className="w-full text-left">
            <thead className="bg-slate-100 text-sm">
              <tr>
                <th className={th}>{t("startedAt")}</th>
                <th className={th}>{t("check")}</th>
                <th className={th}>{t("kiosk")}</th>
                <th className={th}>{t("result")}</th>
              </tr>
            </thead>
            <tbody>
              {attempts.items.map((a) => (
                <tr key={a.id} className="border-t" data-testid="pensioner-attempt">
                  <th scope="row" className={`${td} font-normal tabular-nums`}>{at(a.issuedAt)}</th>
                  <td className={`${td} font-mono`}>
                    <Link className="underline" href={checkHref(a.checkReference)} aria-label={t("openCheck", { ref: a.checkReference })}>{a.checkReference}</Link>
                  </td>
                  <td className={td}>{a.device} <span className="text-sm text-slate-600">{a.location}</span></td>
                  <td className={td}>
                    {t(`decisions.${a.decision ?? "none"}`)}
                    {a.reasons.length > 0 && <span className="ml-2 font-mono text-xs text-slate-600">{a.reasons.join(", ")}</span>}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </Section>
      )}
      {notices && (
        <Section id="pensioner-notices" title={t("noticesTitle")} empty={t("noticesEmpty")} count={note(notices)}>
          <table className="w-full text-left">
            <thead className="bg-slate-100 text-sm">
              <tr>
                <th className={th}>{t("printedAt")}</th>
                <th className={th}>{t("kind")}</th>
                <th className={th}>{t("reference")}</th>
                <th className={th}>{t("how")}</th>
                <th className={th}>{t("by")}</th>
              </tr>
            </thead>
            <tbody>
              {notices.items.map((n) => (
                <tr key={`${n.eventId}-${n.checkId ?? n.caseId}`} className="border-t" data-testid="pensioner-notice">
                  <th scope="row" className={`${td} font-normal tabular-nums`}>{at(n.at)}</th>
                  <td className={td}>{t(`kinds.${n.kind}`)}</td>
                  <td className={`${td} font-mono`}>
                    {n.caseId ? (
                      <Link className="underline" href={`/cases/${n.caseId}`} aria-label={t("openCase", { ref: n.reference })}>{n.reference}</Link>
                    ) : (
                      <Link className="underline" href={checkHref(n.reference)} aria-label={t("openCheck", { ref: n.reference })}>{n.reference}</Link>
                    )}
                  </td>
                  <td className={td}>
                    {t(`via.${n.via}`, { region: regionNames[n.region] ?? n.region, size: n.size })}
                    {n.failed && <span className="ml-2 rounded bg-red-100 px-2 py-0.5 text-xs text-red-800">{t("batchFailed")}</span>}
                  </td>
                  <td className={td}>{n.actorName ?? "—"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </Section>
      )}
    </>
  );
}
