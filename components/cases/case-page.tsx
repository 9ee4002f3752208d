"use client";
import { useQuery } from "@tanstack/react-query";
import { useLocale, useTranslations } from "next-intl";
import Link from "next/link";
import { useState, type ReactNode } from "react";
import { EVIDENCE_TYPES, type TCaseDetail, type TCaseEvent } from "@/lib/domain/case-contract";
import type { TCaseOutcome } from "@/lib/domain/case-machine";
import { api } from "@/lib/query-client";
import { fenToYuan, localInputToIso, nowLocalInput, sumFen, useCaseMove, useShowProblem } from "./case-client";
import { casesKeys } from "./case-keys";
import { DateField, Field, inputCls, MoveForm, NoteField, opt, Panel, ProblemBox, TextField } from "./case-forms";
import { CaseStateLabel } from "./case-queue";

type TProps = { caseId: string; userId: string; canPrint: boolean };

const PAY_TONE = { active: "bg-green-100 text-green-900", suspended: "bg-amber-100 text-amber-900", terminated: "bg-red-100 text-red-900" } as const;

/** One case: header, payment hold and arrears, the action panels the caller may use now, the timeline. */
export function CasePage({ caseId, userId, canPrint }: TProps) {
  const t = useTranslations("cases");
  const show = useShowProblem();
  const q = useQuery({ queryKey: casesKeys.one(caseId), queryFn: () => api<TCaseDetail>(`/api/v1/cases/${caseId}`) });
  // A failed refetch keeps the case on screen; only a case that never loaded becomes an error page.
  if (q.error && !q.data) {
    const p = show(q.error);
    return (
      <div className="space-y-3">
        <Link href="/cases" className="text-blue-800 underline">← {t("back")}</Link>
        <p role="alert" className="rounded bg-red-50 p-4 text-red-800">{p.title} {p.detail && <span className="text-sm">({p.detail})</span>}</p>
      </div>
    );
  }
  if (!q.data) return <p className="p-6 text-slate-600">{t("loading")}</p>;
  const c = q.data;
  const can = (m: string) => c.allowedMoves.includes(m);
  const checkId = typeof c.detail.checkId === "string" ? c.detail.checkId : null;
  const holdInForce = c.hold && c.hold.liftedPeriod === null;
  const showSuspensionNotice = c.status === "closed" && (c.outcome === "suspend" || c.outcome === "terminate") && holdInForce;

  return (
    <div className="space-y-5">
      <Link href="/cases" className="text-blue-800 underline">← {t("back")}</Link>
      <CaseHeader c={c} userId={userId} />
      {canPrint && (showSuspensionNotice || checkId) && (
        <section className="flex flex-wrap gap-3 rounded bg-white p-4 shadow-sm" aria-label={t("notices")}>
          <span className="font-semibold">{t("notices")}:</span>
          {showSuspensionNotice && (
            <a href={`/api/v1/notices/cases/${c.id}/suspension?size=A4`} target="_blank" rel="noopener" className="text-blue-800 underline" data-testid="suspension-notice">
              {t("suspensionNotice")}
            </a>
          )}
          {checkId && (
            <a href={`/api/v1/notices/checks/${checkId}?size=A4`} target="_blank" rel="noopener" className="text-blue-800 underline" data-testid="check-notice">
              {t("checkNotice")}
            </a>
          )}
        </section>
      )}
      {c.hold && <HoldBox hold={c.hold} />}
      {c.arrears.length > 0 && <ArrearsTable arrears={c.arrears} />}
      <div className="grid gap-4 lg:grid-cols-2">
        {c.status === "proposed" && c.proposedBy?.id === userId && !can("approve") && (
          <p className="rounded border-2 border-amber-400 bg-amber-50 p-3 text-amber-900 lg:col-span-2" data-testid="own-proposal">{t("ownProposal")}</p>
        )}
        {(can("approve") || can("reject")) && <DecisionPanel c={c} />}
        {can("assign") && <AssignPanel c={c} userId={userId} />}
        {can("propose") && c.allowedOutcomes.length > 0 && <ProposePanel c={c} />}
        {can("withdraw") && <WithdrawPanel c={c} />}
        {can("appeal") && <AppealPanel c={c} />}
        {can("note") && <NotePanel c={c} />}
        {can("evidence") && <EvidencePanel c={c} />}
        {can("in_person_check") && <InPersonPanel c={c} />}
        {can("manual_intervention") && <ManualPanel c={c} />}
      </div>
      {c.allowedMoves.length === 0 && <p className="text-slate-600" data-testid="no-moves">{t("noMoves")}</p>}
      <Timeline events={c.events} />
    </div>
  );
}

function CaseHeader({ c, userId }: { c: TCaseDetail; userId: string }) {
  const t = useTranslations("cases");
  const locale = useLocale();
  const fmt = (iso: string) => fmtAt(iso, locale);
  const rows: [string, ReactNode][] = [
    [t("col.reason"), t(`reasons.${c.reason}`)],
    [t("col.region"), c.regionName],
    [t("period"), c.period],
    [t("col.opened"), `${c.openedAt.slice(0, 10)} · ${t("ageDays", { days: c.ageDays })}`],
    [t("col.amount"), `¥${fenToYuan(c.monthlyPensionFen)} ${t("perMonth")}`],
    [t("col.assignee"), c.assignedTo ? (c.assignedTo.id === userId ? t("me") : c.assignedTo.displayName) : t("unassigned")],
  ];
  if (c.proposedOutcome && c.status === "proposed")
    rows.push([t("proposal"), `${t(`outcomes.${c.proposedOutcome}`)} · ${c.proposedBy?.displayName ?? "—"}${c.proposedAt ? ` · ${fmt(c.proposedAt)}` : ""}`]);
  if (c.proposalNote && c.status === "proposed") rows.push([t("proposalNote"), c.proposalNote]);
  if (c.deathCertifiedOn) rows.push([t("deathCertifiedOn"), c.deathCertifiedOn]);
  if (c.outcome) rows.push([t("decision"), `${t(`outcomes.${c.outcome}`)}${c.decidedBy ? ` · ${c.decidedBy.displayName}` : ""}${c.decidedAt ? ` · ${fmt(c.decidedAt)}` : ""}`]);
  if (c.reopenCount > 0) rows.push([t("reopened"), String(c.reopenCount)]);
  return (
    <section className="rounded bg-white p-5 shadow-sm" aria-labelledby="case-title">
      <div className="mb-3 flex flex-wrap items-center gap-3">
        <h1 id="case-title" className="mr-auto text-2xl font-bold">
          {t("caseOf")} <Link href={`/roll/${c.pensionerId}`} className="text-blue-800 underline">{c.pensionerName}</Link>
          <span className="ml-3 font-mono text-base font-normal text-slate-600">{c.idMasked}</span>
        </h1>
        <span className="rounded bg-slate-100 px-3 py-1" data-testid="case-status"><CaseStateLabel item={c} /></span>
        <span className={`rounded px-3 py-1 font-semibold ${PAY_TONE[c.paymentStatus]}`} data-testid="payment-status">{t(`payment.${c.paymentStatus}`)}</span>
      </div>
      <dl className="grid gap-x-6 gap-y-1 sm:grid-cols-[max-content_1fr]">
        {rows.map(([k, v]) => (
          <div key={k} className="contents">
            <dt className="font-medium text-slate-600">{k}</dt>
            <dd>{v}</dd>
          </div>
        ))}
      </dl>
    </section>
  );
}

function HoldBox({ hold }: { hold: NonNullable<TCaseDetail["hold"]> }) {
  const t = useTranslations("cases");
  const lifted = hold.liftedPeriod !== null;
  return (
    <section aria-labelledby="hold-title" data-testid="hold-box" className={`rounded border-l-4 p-4 shadow-sm ${lifted ? "border-slate-400 bg-white" : "border-red-600 bg-red-50"}`}>
      <h2 id="hold-title" className="mb-2 text-lg font-semibold">{lifted ? t("hold.liftedTitle") : t("hold.title")}</h2>
      <dl className="grid gap-x-6 gap-y-1 sm:grid-cols-[max-content_1fr]">
        <dt className="font-medium text-slate-600">{t("hold.kind")}</dt>
        <dd data-testid="hold-kind">{t(`payment.${hold.kind}`)}</dd>
        <dt className="font-medium text-slate-600">{t("hold.cause")}</dt>
        <dd>{t(`hold.causes.${hold.cause}`)}</dd>
        <dt className="font-medium text-slate-600">{t("hold.since")}</dt>
        <dd className="tabular-nums" data-testid="hold-since">{hold.startPeriod}</dd>
        <dt className="font-medium text-slate-600">{t("hold.monthly")}</dt>
        <dd className="tabular-nums">¥{fenToYuan(hold.monthlyFen)}</dd>
        {hold.savingsEndPeriod && (
          <>
            <dt className="font-medium text-slate-600">{t("hold.savingsEnd")}</dt>
            <dd className="tabular-nums">{hold.savingsEndPeriod}</dd>
          </>
        )}
        {lifted && (
          <>
            <dt className="font-medium text-slate-600">{t("hold.lifted")}</dt>
            <dd className="tabular-nums" data-testid="hold-lifted">{hold.liftedPeriod}</dd>
          </>
        )}
      </dl>
    </section>
  );
}

function ArrearsTable({ arrears }: { arrears: TCaseDetail["arrears"] }) {
  const t = useTranslations("cases");
  return (
    <section className="rounded bg-white shadow-sm" aria-labelledby="arrears-title">
      <h2 id="arrears-title" className="border-b px-4 py-2 text-lg font-semibold">{t("arrears.title")}</h2>
      <table className="w-full text-left" data-testid="arrears-table">
        <thead className="bg-slate-100 text-sm">
          <tr>
            <th scope="col" className="px-3 py-2">{t("arrears.period")}</th>
            <th scope="col" className="px-3 py-2 text-right">{t("arrears.amount")}</th>
            <th scope="col" className="px-3 py-2">{t("arrears.duePeriod")}</th>
          </tr>
        </thead>
        <tbody>
          {arrears.map((a) => (
            <tr key={a.period} className="border-t" data-testid="arrear-row">
              <th scope="row" className="px-3 py-2 font-medium tabular-nums">{a.period}</th>
              <td className="px-3 py-2 text-right tabular-nums">¥{fenToYuan(a.amountFen)}</td>
              <td className="px-3 py-2 tabular-nums">{a.duePeriod}</td>
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr className="border-t-2 font-semibold">
            <th scope="row" className="px-3 py-2">{t("arrears.total", { months: arrears.length })}</th>
            <td className="px-3 py-2 text-right tabular-nums" data-testid="arrears-total">¥{fenToYuan(sumFen(arrears.map((a) => a.amountFen)))}</td>
            <td />
          </tr>
        </tfoot>
      </table>
    </section>
  );
}

function fmtAt(iso: string, locale: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString(locale, { timeZone: "Asia/Shanghai", hour12: false });
}

function Timeline({ events }: { events: TCaseEvent[] }) {
  const t = useTranslations("cases");
  const locale = useLocale();
  const fmt = (iso: string) => fmtAt(iso, locale);
  const sorted = [...events].sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0));
  const pay = (v: unknown) => (typeof v === "string" && t.has(`payment.${v}`) ? t(`payment.${v}`) : String(v ?? "—"));
  const value = (k: string, v: unknown): string => {
    if (typeof v === "string") {
      if ((k === "outcome" || k === "proposedOutcome" || k === "against") && t.has(`outcomes.${v}`)) return t(`outcomes.${v}`);
      if (k === "type" && t.has(`evidenceTypes.${v}`)) return t(`evidenceTypes.${v}`);
      if (k === "result" && t.has(`results.${v}`)) return t(`results.${v}`);
      if (k === "set" && t.has(`setTo.${v}`)) return t(`setTo.${v}`);
      if (k === "cause" && t.has(`hold.causes.${v}`)) return t(`hold.causes.${v}`);
      if (k.endsWith("Fen")) return `¥${fenToYuan(v)}`;
      if (k === "at" || k.endsWith("At")) return fmt(v);
      return v;
    }
    if (typeof v === "boolean") return v ? t("yes") : t("no");
    return v === null || v === undefined ? "—" : typeof v === "object" ? JSON.stringify(v) : String(v);
  };
  // Ids and the machine's own bookkeeping stay out of the page; the audit trail keeps them.
  const HIDDEN = new Set(["from", "to", "toName", "evidence", "closesNow", "payment", "caseId", "holdId", "converted", "proposedBy", "decidedBy", "userId"]);
  const facts = (e: TCaseEvent): [string, string][] => {
    const out: [string, string][] = [];
    if (e.kind === "assigned") out.push([t("dataKeys.assignedTo"), typeof e.data.toName === "string" && e.data.to ? e.data.toName : t("unassigned")]);
    for (const [k, v] of Object.entries(e.data)) {
      if (HIDDEN.has(k) || v === null || v === undefined || v === "") continue;
      out.push([t.has(`dataKeys.${k}`) ? t(`dataKeys.${k}`) : k, value(k, v)]);
    }
    const p = e.data.payment;
    if (p && typeof p === "object") {
      const q = p as Record<string, unknown>;
      out.push([t("dataKeys.paymentStatus"), `${pay(q.from)} → ${pay(q.to)}`]);
      for (const k of ["cause", "startPeriod", "monthlyFen", "savingsEndPeriod", "liftedPeriod", "arrearsMonths", "arrearsFen"])
        if (q[k] !== null && q[k] !== undefined) out.push([t(`dataKeys.${k}`), value(k, q[k])]);
    }
    return out;
  };
  return (
    <section className="rounded bg-white p-5 shadow-sm" aria-labelledby="timeline-title">
      <h2 id="timeline-title" className="mb-3 text-xl font-bold">{t("timeline")}</h2>
      {sorted.length === 0 && <p className="text-slate-600">{t("noEvents")}</p>}
      <ol className="space-y-3" data-testid="timeline">
        {sorted.map((e) => (
          <li key={e.id} className="border-l-4 border-brand-700 pl-3" data-testid="case-event" data-kind={e.kind}>
            <div className="text-sm text-slate-600">
              <time dateTime={e.at}>{fmt(e.at)}</time> · {e.actor?.displayName ?? t("system")}
            </div>
            <div className="font-semibold">{t.has(`events.${e.kind}`) ? t(`events.${e.kind}`) : e.kind}</div>
            {facts(e).length > 0 && (
              <dl className="mt-1 flex flex-wrap gap-x-4 text-sm">
                {facts(e).map(([k, v]) => (
                  <div key={k}>
                    <dt className="inline text-slate-600">{k}: </dt>
                    <dd className="inline">{v}</dd>
                  </div>
                ))}
              </dl>
            )}
            {e.body && <p className="mt-1 whitespace-pre-wrap">{e.body}</p>}
          </li>
        ))}
      </ol>
    </section>
  );
}

const required = (fd: FormData, names: string[], msg: string): Record<string, string> =>
  Object.fromEntries(names.filter((n) => !opt(fd, n)).map((n) => [n, msg]));

function AssignPanel({ c, userId }: { c: TCaseDetail; userId: string }) {
  const t = useTranslations("cases");
  const show = useShowProblem();
  const move = useCaseMove<{ version: number; userId?: string | null }>(c.id, "assign");
  const problem = move.error ? show(move.error) : null;
  const mine = c.assignedTo?.id === userId;
  return (
    <Panel title={t("panels.assign")} testId="panel-assign">
      <p className="mb-3">{c.assignedTo ? t("assignedTo", { name: mine ? t("me") : c.assignedTo.displayName }) : t("unassigned")}</p>
      <div className="flex flex-wrap gap-2">
        {!mine && (
          <button type="button" disabled={move.isPending} onClick={() => move.mutate({ version: c.version })} className="rounded bg-brand-700 px-4 py-2 text-white disabled:opacity-50">
            {t("assignToMe")}
          </button>
        )}
        {c.assignedTo && (
          <button type="button" disabled={move.isPending} onClick={() => move.mutate({ version: c.version, userId: null })} className="rounded border border-slate-600 px-4 py-2 disabled:opacity-50">
            {t("unassign")}
          </button>
        )}
      </div>
      {problem && <div className="mt-3"><ProblemBox problem={problem} caseId={c.id} onReload={() => move.reset()} /></div>}
    </Panel>
  );
}

function NotePanel({ c }: { c: TCaseDetail }) {
  const t = useTranslations("cases");
  const move = useCaseMove<{ version: number; body: string }>(c.id, "notes");
  return (
    <Panel title={t("panels.note")} testId="panel-note">
      <MoveForm
        caseId={c.id}
        move={move}
        submitLabel={t("addNote")}
        done={t("saved")}
        toBody={(fd) => (opt(fd, "body") ? { body: { version: c.version, body: opt(fd, "body")! } } : { fields: { body: t("required") } })}
      >
        {(err) => (
          <NoteField label={t("fields.note")} name="body" error={err("body")} rows={3} />
        )}
      </MoveForm>
    </Panel>
  );
}

function EvidencePanel({ c }: { c: TCaseDetail }) {
  const t = useTranslations("cases");
  const move = useCaseMove<Record<string, unknown>>(c.id, "evidence");
  return (
    <Panel title={t("panels.evidence")} testId="panel-evidence">
      <MoveForm
        caseId={c.id}
        move={move}
        submitLabel={t("addEvidence")}
        done={t("saved")}
        toBody={(fd) => {
          const missing = required(fd, ["type", "reference"], t("required"));
          if (Object.keys(missing).length) return { fields: missing };
          return {
            body: { version: c.version, type: opt(fd, "type"), reference: opt(fd, "reference"), issuedBy: opt(fd, "issuedBy"), issuedOn: opt(fd, "issuedOn"), body: opt(fd, "body") },
          };
        }}
      >
        {(err) => (
          <div className="grid gap-3 sm:grid-cols-2">
            <Field label={t("fields.evidenceType")} name="type" error={err("type")}>
              {(a) => (
                <select id={a.id} name="type" defaultValue="" aria-invalid={a.invalid} aria-describedby={a.describedBy} className={inputCls}>
                  <option value="" disabled>{t("choose")}</option>
                  {EVIDENCE_TYPES.map((e) => <option key={e} value={e}>{t(`evidenceTypes.${e}`)}</option>)}
                </select>
              )}
            </Field>
            <TextField label={t("fields.reference")} name="reference" error={err("reference")} maxLength={200} />
            <TextField label={t("fields.issuedBy")} name="issuedBy" error={err("issuedBy")} maxLength={200} />
            <DateField label={t("fields.issuedOn")} name="issuedOn" error={err("issuedOn")} />
            <div className="sm:col-span-2">
              <NoteField label={t("fields.evidenceNote")} name="body" error={err("body")} rows={2} wide />
            </div>
          </div>
        )}
      </MoveForm>
    </Panel>
  );
}

function InPersonPanel({ c }: { c: TCaseDetail }) {
  const t = useTranslations("cases");
  const move = useCaseMove<Record<string, unknown>>(c.id, "in-person-check");
  return (
    <Panel title={t("panels.inPerson")} testId="panel-in-person">
      <p className="mb-3 text-sm text-slate-600">{t("inPersonHint")}</p>
      <MoveForm
        caseId={c.id}
        move={move}
        submitLabel={t("recordCheck")}
        done={t("saved")}
        toBody={(fd) => {
          const missing = required(fd, ["result", "at", "place"], t("required"));
          if (Object.keys(missing).length) return { fields: missing };
          return { body: { version: c.version, result: opt(fd, "result"), at: localInputToIso(opt(fd, "at")!), place: opt(fd, "place"), body: opt(fd, "body") } };
        }}
      >
        {(err) => (
          <div className="grid gap-3 sm:grid-cols-2">
            <fieldset className="text-sm sm:col-span-2" aria-describedby={err("result") ? "ip-result-err" : undefined}>
              <legend className="font-medium">{t("fields.result")}</legend>
              <div className="mt-1 flex gap-4">
                {(["passed", "failed"] as const).map((r) => (
                  <label key={r} className="flex items-center gap-2 text-base">
                    <input type="radio" name="result" value={r} /> {t(`results.${r}`)}
                  </label>
                ))}
              </div>
              {err("result") && <span id="ip-result-err" role="alert" className="text-red-700">{err("result")}</span>}
            </fieldset>
            <DateField label={t("fields.seenAt")} name="at" error={err("at")} type="datetime-local" defaultValue={nowLocalInput()} max={nowLocalInput()} />
            <TextField label={t("fields.place")} name="place" error={err("place")} maxLength={200} />
            <div className="sm:col-span-2">
              <NoteField label={t("fields.note")} name="body" error={err("body")} rows={2} wide />
            </div>
          </div>
        )}
      </MoveForm>
    </Panel>
  );
}

function ManualPanel({ c }: { c: TCaseDetail }) {
  const t = useTranslations("cases");
  const move = useCaseMove<Record<string, unknown>>(c.id, "manual-intervention");
  return (
    <Panel title={t("panels.manual")} tone="warn" testId="panel-manual">
      <p className="mb-3 font-medium text-red-900" role="note">{t("manualWarning")}</p>
      <MoveForm
        caseId={c.id}
        move={move}
        danger
        submitLabel={t("recordIntervention")}
        done={t("saved")}
        toBody={(fd) => {
          const missing = required(fd, ["set", "at", "body"], t("required"));
          if (!fd.get("confirm")) missing.confirm = t("confirmRequired");
          if (Object.keys(missing).length) return { fields: missing };
          return { body: { version: c.version, set: opt(fd, "set"), at: localInputToIso(opt(fd, "at")!), body: opt(fd, "body") } };
        }}
      >
        {(err) => (
          <div className="grid gap-3">
            <fieldset className="text-sm">
              <legend className="font-medium">{t("fields.setTo")}</legend>
              <div className="mt-1 flex gap-4">
                {(["alive", "deceased"] as const).map((s) => (
                  <label key={s} className="flex items-center gap-2 text-base">
                    <input type="radio" name="set" value={s} /> {t(`setTo.${s}`)}
                  </label>
                ))}
              </div>
              {err("set") && <span role="alert" className="text-red-700">{err("set")}</span>}
            </fieldset>
            <DateField label={t("fields.effectiveAt")} name="at" error={err("at")} type="datetime-local" defaultValue={nowLocalInput()} />
            <NoteField label={t("fields.interventionReason")} name="body" error={err("body")} rows={3} />
            <label className="flex items-start gap-2 text-sm">
              <input type="checkbox" name="confirm" value="yes" className="mt-1" />
              <span>{t("manualConfirm")}</span>
            </label>
            {err("confirm") && <span role="alert" className="text-sm text-red-700">{err("confirm")}</span>}
          </div>
        )}
      </MoveForm>
    </Panel>
  );
}

function ProposePanel({ c }: { c: TCaseDetail }) {
  const t = useTranslations("cases");
  const move = useCaseMove<{ version: number; outcome: TCaseOutcome; note: string; deathCertifiedOn?: string }>(c.id, "proposal");
  const [outcome, setOutcome] = useState<string>("");
  return (
    <Panel title={t("panels.propose")} testId="panel-propose">
      <MoveForm
        caseId={c.id}
        move={move}
        submitLabel={t("propose")}
        toBody={(fd) => {
          const missing = required(fd, ["outcome", "note"], t("required"));
          if (Object.keys(missing).length) return { fields: missing };
          const o = opt(fd, "outcome") as TCaseOutcome;
          return { body: { version: c.version, outcome: o, note: opt(fd, "note")!, deathCertifiedOn: o === "terminate" ? opt(fd, "deathCertifiedOn") : undefined } };
        }}
      >
        {(err) => (
          <div className="grid gap-3">
            <Field label={t("fields.outcome")} name="outcome" error={err("outcome")}>
              {(a) => (
                <select id={a.id} name="outcome" value={outcome} onChange={(e) => setOutcome(e.target.value)} aria-invalid={a.invalid} aria-describedby={a.describedBy} className={inputCls}>
                  <option value="" disabled>{t("choose")}</option>
                  {c.allowedOutcomes.map((o) => <option key={o} value={o}>{t(`outcomes.${o}`)}</option>)}
                </select>
              )}
            </Field>
            {outcome && <p className="text-sm text-slate-700">{t(`outcomeHelp.${outcome as TCaseOutcome}`)}</p>}
            {outcome === "terminate" && (
              <DateField label={t("fields.deathCertifiedOn")} name="deathCertifiedOn" error={err("deathCertifiedOn")} hint={t("deathCertifiedHint")} />
            )}
            <NoteField label={t("fields.proposalNote")} name="note" error={err("note")} rows={3} />
          </div>
        )}
      </MoveForm>
    </Panel>
  );
}

function WithdrawPanel({ c }: { c: TCaseDetail }) {
  const t = useTranslations("cases");
  const show = useShowProblem();
  const move = useCaseMove<{ version: number }>(c.id, "withdraw");
  const problem = move.error ? show(move.error) : null;
  return (
    <Panel title={t("panels.withdraw")} testId="panel-withdraw">
      <p className="mb-3 text-sm text-slate-700">{t("withdrawHelp")}</p>
      <button type="button" disabled={move.isPending} onClick={() => move.mutate({ version: c.version })} className="rounded border border-slate-700 px-4 py-2 disabled:opacity-50">
        {move.isPending ? t("working") : t("withdraw")}
      </button>
      {problem && <div className="mt-3"><ProblemBox problem={problem} caseId={c.id} onReload={() => move.reset()} /></div>}
    </Panel>
  );
}

function DecisionPanel({ c }: { c: TCaseDetail }) {
  const t = useTranslations("cases");
  const show = useShowProblem();
  const approve = useCaseMove<{ version: number; note?: string }>(c.id, "approve");
  const reject = useCaseMove<{ version: number; note?: string }>(c.id, "reject");
  const [note, setNote] = useState("");
  const [local, setLocal] = useState<string | null>(null);
  const pending = approve.isPending || reject.isPending;
  const error = approve.error ?? reject.error;
  const problem = error ? show(error) : null;
  const noteErr = local ?? problem?.fields.note;
  const reset = () => {
    approve.reset();
    reject.reset();
  };
  return (
    <Panel title={t("panels.decide")} testId="panel-decide">
      <div className="mb-3 rounded bg-amber-50 p-3">
        <p>
          {t("proposalBy", { outcome: c.proposedOutcome ? t(`outcomes.${c.proposedOutcome}`) : "—", name: c.proposedBy?.displayName ?? "—" })}
        </p>
        {c.proposalNote && <p className="mt-1 whitespace-pre-wrap text-sm">“{c.proposalNote}”</p>}
      </div>
      <div className="space-y-3">
        <Field label={t("fields.decisionNote")} name="note" error={noteErr} hint={t("rejectNeedsNote")}>
          {(a) => <textarea id={a.id} value={note} onChange={(e) => setNote(e.target.value)} rows={2} maxLength={4000} aria-invalid={a.invalid} aria-describedby={a.describedBy} className={inputCls} />}
        </Field>
        {problem && <ProblemBox problem={problem} caseId={c.id} onReload={reset} />}
        <div className="flex flex-wrap gap-2">
          {c.allowedMoves.includes("approve") && (
            <button
              type="button"
              disabled={pending}
              onClick={() => {
                setLocal(null);
                reject.reset();
                approve.mutate({ version: c.version, note: note.trim() || undefined });
              }}
              className="rounded bg-green-700 px-4 py-2 font-medium text-white disabled:opacity-50"
            >
              {approve.isPending ? t("working") : t("approve")}
            </button>
          )}
          {c.allowedMoves.includes("reject") && (
            <button
              type="button"
              disabled={pending}
              onClick={() => {
                approve.reset();
                if (!note.trim()) return setLocal(t("rejectNeedsNote"));
                setLocal(null);
                reject.mutate({ version: c.version, note: note.trim() });
              }}
              className="rounded border-2 border-red-700 px-4 py-2 font-medium text-red-800 disabled:opacity-50"
            >
              {reject.isPending ? t("working") : t("reject")}
            </button>
          )}
        </div>
      </div>
    </Panel>
  );
}

function AppealPanel({ c }: { c: TCaseDetail }) {
  const t = useTranslations("cases");
  const move = useCaseMove<{ version: number; note: string; receivedOn: string }>(c.id, "appeal");
  const today = nowLocalInput().slice(0, 10);
  return (
    <Panel title={t("panels.appeal")} testId="panel-appeal">
      <p className="mb-3 text-sm text-slate-700">{t("appealHelp")}</p>
      <MoveForm
        caseId={c.id}
        move={move}
        submitLabel={t("recordAppeal")}
        toBody={(fd) => {
          const missing = required(fd, ["receivedOn", "note"], t("required"));
          if (Object.keys(missing).length) return { fields: missing };
          return { body: { version: c.version, receivedOn: opt(fd, "receivedOn")!, note: opt(fd, "note")! } };
        }}
      >
        {(err) => (
          <div className="grid gap-3">
            <DateField label={t("fields.receivedOn")} name="receivedOn" error={err("receivedOn")} defaultValue={today} max={today} />
            <NoteField label={t("fields.appealNote")} name="note" error={err("note")} rows={3} />
          </div>
        )}
      </MoveForm>
    </Panel>
  );
}
