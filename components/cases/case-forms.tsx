"use client";
import { useQueryClient, type UseMutationResult } from "@tanstack/react-query";
import { useTranslations } from "next-intl";
import { useId, useRef, useState, type FormEvent, type ReactNode } from "react";
import type { TCaseDetail } from "@/lib/domain/case-contract";
import { useShowProblem, type TShownProblem } from "./case-client";
import { casesKeys } from "./case-keys";

// The building blocks of the case page's action panels: a card, a form that runs one move and shows
// its problem (title, the server's words, per-field messages, a reload for a stale case), and fields
// that carry their own error next to them.

export const inputCls = "rounded border border-slate-400 px-3 py-2 text-base";

/** A blank form value is left out (optional fields of the API refuse empty strings). */
export function opt(fd: FormData, name: string): string | undefined {
  const v = String(fd.get(name) ?? "").trim();
  return v === "" ? undefined : v;
}

export function Panel({ title, children, tone, testId }: { title: string; children: ReactNode; tone?: "warn"; testId?: string }) {
  const id = useId();
  return (
    <section aria-labelledby={id} data-testid={testId} className={`rounded p-4 shadow-sm ${tone === "warn" ? "border-2 border-red-300 bg-red-50" : "bg-white"}`}>
      <h3 id={id} className="mb-3 text-lg font-semibold">{title}</h3>
      {children}
    </section>
  );
}

/** A labelled field; its error (from the problem's field path) is shown under it and announced. */
export function Field({ label, name, error, children, hint }: { label: string; name: string; error?: string; hint?: string; children: (a: { id: string; describedBy?: string; invalid: boolean }) => ReactNode }) {
  const id = useId();
  const errId = `${id}-err`;
  const hintId = `${id}-hint`;
  const describedBy = [hint ? hintId : "", error ? errId : ""].filter(Boolean).join(" ") || undefined;
  return (
    <div className="flex flex-col gap-1 text-sm" data-field={name}>
      <label htmlFor={id} className="font-medium">{label}</label>
      {children({ id, describedBy, invalid: !!error })}
      {hint && <span id={hintId} className="text-slate-600">{hint}</span>}
      {error && <span id={errId} className="text-red-700" role="alert">{error}</span>}
    </div>
  );
}

type TFieldProps = { label: string; name: string; error?: string; hint?: string };

/** A one-line text input in a Field, named as the field. */
export function TextField({ maxLength, ...f }: TFieldProps & { maxLength: number }) {
  return (
    <Field {...f}>
      {(a) => <input id={a.id} name={f.name} maxLength={maxLength} aria-invalid={a.invalid} aria-describedby={a.describedBy} className={inputCls} />}
    </Field>
  );
}

/** A date (or date and time) input in a Field, named as the field. */
export function DateField({ type = "date", defaultValue, max, ...f }: TFieldProps & { type?: "date" | "datetime-local"; defaultValue?: string; max?: string }) {
  return (
    <Field {...f}>
      {(a) => <input id={a.id} type={type} name={f.name} defaultValue={defaultValue} max={max} aria-invalid={a.invalid} aria-describedby={a.describedBy} className={inputCls} />}
    </Field>
  );
}

/** A note of up to 4000 characters in a Field, named as the field; wide fills its cell. */
export function NoteField({ rows, wide, ...f }: TFieldProps & { rows: number; wide?: boolean }) {
  return (
    <Field {...f}>
      {(a) => <textarea id={a.id} name={f.name} rows={rows} maxLength={4000} aria-invalid={a.invalid} aria-describedby={a.describedBy} className={wide ? `${inputCls} w-full` : inputCls} />}
    </Field>
  );
}

/** What went wrong with a move, with a reload when someone else changed the case first. */
export function ProblemBox({ problem, caseId, onReload }: { problem: TShownProblem; caseId: string; onReload?: () => void }) {
  const t = useTranslations("cases");
  const qc = useQueryClient();
  return (
    <div role="alert" className="rounded border border-red-300 bg-red-50 p-3 text-red-900" data-testid="case-problem" data-code={problem.code}>
      <p className="font-semibold">{problem.title}</p>
      {problem.detail && <p className="text-sm">{problem.detail}</p>}
      {problem.stale && (
        <button
          type="button"
          className="mt-2 rounded bg-red-800 px-3 py-1 text-white"
          onClick={() => {
            void qc.invalidateQueries({ queryKey: casesKeys.one(caseId) });
            onReload?.();
          }}
        >
          {t("reload")}
        </button>
      )}
    </div>
  );
}

type TMove<B> = UseMutationResult<TCaseDetail, Error, B>;

/**
 * A form that runs one move: builds the body from the form's fields (null = refused on the client,
 * with field messages), disables its buttons while pending, clears itself on success.
 */
export function MoveForm<B>({
  caseId,
  move,
  toBody,
  submitLabel,
  children,
  danger,
  done,
}: {
  caseId: string;
  move: TMove<B>;
  toBody: (fd: FormData) => { body: NoInfer<B> } | { fields: Record<string, string> };
  submitLabel: string;
  children: (err: (name: string) => string | undefined) => ReactNode;
  danger?: boolean;
  done?: string;
}) {
  const t = useTranslations("cases");
  const show = useShowProblem();
  const ref = useRef<HTMLFormElement>(null);
  const [local, setLocal] = useState<Record<string, string>>({});
  const [ok, setOk] = useState(false);
  const problem = move.error ? show(move.error) : null;
  const err = (name: string) => local[name] ?? problem?.fields[name];

  function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    setOk(false);
    const r = toBody(new FormData(e.currentTarget));
    if ("fields" in r) {
      setLocal(r.fields);
      return;
    }
    setLocal({});
    move.mutate(r.body, {
      onSuccess: () => {
        ref.current?.reset();
        setOk(true);
      },
    });
  }

  return (
    <form ref={ref} onSubmit={submit} className="space-y-3" noValidate>
      {children(err)}
      {problem && <ProblemBox problem={problem} caseId={caseId} onReload={() => move.reset()} />}
      {ok && done && <p role="status" className="text-green-800">{done}</p>}
      <button
        type="submit"
        disabled={move.isPending}
        className={`rounded px-4 py-2 font-medium text-white disabled:opacity-50 ${danger ? "bg-red-700" : "bg-brand-700"}`}
      >
        {move.isPending ? t("working") : submitLabel}
      </button>
    </form>
  );
}
