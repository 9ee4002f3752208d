// The case state machine and the payment arithmetic of issue 6, pure: the use cases in
// lib/server/cases/ ask it whether a move is allowed and what it does, then write the result with
// a compare-and-set on the case's version (so two racing moves cannot both land).
import { addMonths } from "./period";

export const CASE_STATUSES = ["open", "proposed", "closed"] as const;
export type TCaseStatus = (typeof CASE_STATUSES)[number];
export const CASE_OUTCOMES = ["confirm_alive", "suspend", "terminate", "reinstate"] as const;
export type TCaseOutcome = (typeof CASE_OUTCOMES)[number];
export const CASE_REASONS = ["deceased", "sentenced", "check_review", "check_failed", "overdue"] as const;
export type TCaseReason = (typeof CASE_REASONS)[number];
export type TPaymentStatus = "active" | "suspended" | "terminated";
export type THoldCause = "deceased" | "unverified" | "sentenced";

/** What the machine needs to know about a case and its pensioner. */
export type TCaseState = {
  status: TCaseStatus;
  reason: TCaseReason;
  paymentStatus: TPaymentStatus;
  proposedOutcome: TCaseOutcome | null;
  proposedBy: string | null;
  /** The last decided outcome (kept when an appeal reopens the case). */
  outcome: TCaseOutcome | null;
};

export type TCaseActor = { userId: string; role: "officer" | "supervisor" | "admin" };

export type TCaseMove =
  | { kind: "assign" }
  | { kind: "note" }
  | { kind: "evidence" }
  | { kind: "in_person_check" }
  | { kind: "manual_intervention" }
  | { kind: "propose"; outcome: TCaseOutcome }
  | { kind: "withdraw" }
  | { kind: "reject" }
  | { kind: "approve" }
  | { kind: "appeal" };
export type TCaseMoveKind = TCaseMove["kind"];

/** Why a move is refused: each maps to a clear problem+json (see lib/server/cases). */
export type TCaseRefusal =
  /** The move does not exist from this status (e.g. approving an open case). */
  | "CASE_BAD_STATE"
  /** The outcome does not fit the payment (suspending a suspended payment, confirming a terminated one). */
  | "CASE_BAD_OUTCOME"
  /** Reinstatement is only for a payment stopped by a decided case that an appeal reopened. */
  | "CASE_REINSTATE_WITHOUT_CLOSED_CASE"
  /** The proposer cannot approve or reject their own proposal. */
  | "CASE_FOUR_EYES"
  /** Only a supervisor approves or rejects; only the proposer (or a supervisor) withdraws. */
  | "CASE_ROLE";

export type TPaymentEffect =
  | { kind: "none" }
  /** Stop payment from the current period: a new hold (or a suspension's hold becomes a termination). */
  | { kind: "hold"; to: "suspended" | "terminated"; cause: THoldCause }
  /** Lift the hold in force: payment resumes this period and the held months are owed as arrears. */
  | { kind: "lift" };

export type TMoveResult =
  | {
      ok: true;
      next: TCaseStatus;
      /** A proposal that closes at once (confirm alive of a paid pension needs no second pair of eyes). */
      closesNow: boolean;
      effect: TPaymentEffect;
    }
  | { ok: false; refusal: TCaseRefusal; message: string };

const refuse = (refusal: TCaseRefusal, message: string): TMoveResult => ({ ok: false, refusal, message });
const stay = (s: TCaseStatus): TMoveResult => ({ ok: true, next: s, closesNow: false, effect: { kind: "none" } });

/** The hold cause a case reason implies: a deceased case stops for death, a sentenced one for the sentence, the rest are unverified. */
export function holdCause(reason: TCaseReason): THoldCause {
  return reason === "deceased" ? "deceased" : reason === "sentenced" ? "sentenced" : "unverified";
}

/** Whether an outcome fits the case and payment, and whether it needs a supervisor's approval. */
export function outcomeRule(
  c: Pick<TCaseState, "paymentStatus" | "outcome" | "reason">,
  outcome: TCaseOutcome,
  reopened: boolean,
): { ok: true; needsApproval: boolean; effect: TPaymentEffect } | { ok: false; refusal: TCaseRefusal; message: string } {
  switch (outcome) {
    case "confirm_alive":
      if (c.paymentStatus === "terminated")
        return { ok: false, refusal: "CASE_BAD_OUTCOME", message: "A terminated payment is restored by reinstatement after an appeal, not by confirming alive" };
      return c.paymentStatus === "active"
        ? { ok: true, needsApproval: false, effect: { kind: "none" } }
        : { ok: true, needsApproval: true, effect: { kind: "lift" } };
    case "suspend":
      if (c.paymentStatus !== "active") return { ok: false, refusal: "CASE_BAD_OUTCOME", message: `The payment is already ${c.paymentStatus}` };
      return { ok: true, needsApproval: true, effect: { kind: "hold", to: "suspended", cause: holdCause(c.reason) } };
    case "terminate":
      if (c.paymentStatus === "terminated") return { ok: false, refusal: "CASE_BAD_OUTCOME", message: "The payment is already terminated" };
      return { ok: true, needsApproval: true, effect: { kind: "hold", to: "terminated", cause: "deceased" } };
    case "reinstate":
      if (!reopened || (c.outcome !== "suspend" && c.outcome !== "terminate") || c.paymentStatus === "active")
        return {
          ok: false,
          refusal: "CASE_REINSTATE_WITHOUT_CLOSED_CASE",
          message: "Reinstatement needs a case closed with a suspension or termination and reopened by an appeal",
        };
      return { ok: true, needsApproval: true, effect: { kind: "lift" } };
  }
}

/**
 * Whether `actor` may make `move` on a case in state `c`, and what follows. `reopened` is true
 * when an appeal has reopened the case since its last decision.
 */
export function decideMove(c: TCaseState, move: TCaseMove, actor: TCaseActor, reopened = false): TMoveResult {
  switch (move.kind) {
    case "assign":
    case "note":
    case "evidence":
      return c.status === "closed" ? refuse("CASE_BAD_STATE", "The case is closed; an appeal reopens it") : stay(c.status);
    case "in_person_check":
    case "manual_intervention":
      return c.status === "open" ? stay("open") : refuse("CASE_BAD_STATE", `Checks are recorded on an open case; this one is ${c.status}`);
    case "propose": {
      if (c.status !== "open") return refuse("CASE_BAD_STATE", `Only an open case takes a proposal; this one is ${c.status}`);
      const r = outcomeRule(c, move.outcome, reopened);
      if (!r.ok) return r;
      return r.needsApproval
        ? { ok: true, next: "proposed", closesNow: false, effect: { kind: "none" } }
        : { ok: true, next: "closed", closesNow: true, effect: r.effect };
    }
    case "withdraw":
      if (c.status !== "proposed") return refuse("CASE_BAD_STATE", "There is no proposal to withdraw");
      if (c.proposedBy !== actor.userId && actor.role !== "supervisor") return refuse("CASE_ROLE", "Only the proposer or a supervisor can withdraw a proposal");
      return stay("open");
    case "reject":
    case "approve": {
      if (c.status !== "proposed" || !c.proposedOutcome) return refuse("CASE_BAD_STATE", `There is no proposal to ${move.kind}; the case is ${c.status}`);
      if (actor.role !== "supervisor") return refuse("CASE_ROLE", `Only a supervisor can ${move.kind} a proposal`);
      if (c.proposedBy === actor.userId) return refuse("CASE_FOUR_EYES", `You proposed this outcome; another supervisor must ${move.kind} it`);
      if (move.kind === "reject") return stay("open");
      const r = outcomeRule(c, c.proposedOutcome, reopened);
      if (!r.ok) return r;
      return { ok: true, next: "closed", closesNow: false, effect: r.effect };
    }
    case "appeal":
      if (c.status !== "closed") return refuse("CASE_BAD_STATE", `Only a closed case can be appealed; this one is ${c.status}`);
      if (c.outcome !== "suspend" && c.outcome !== "terminate")
        return refuse("CASE_BAD_OUTCOME", "Only a suspension or termination can be appealed");
      return stay("open");
  }
}

/** Every period from `from` up to but not including `to` (YYYY-MM), in order. */
export function periodsBetween(from: string, to: string): string[] {
  const out: string[] = [];
  for (let p = from; p < to; p = addMonths(p, 1)) out.push(p);
  return out;
}

/** Arrears on reinstatement: the held amount for each month from the stop until payment resumes. */
export function arrearsSchedule(startPeriod: string, liftedPeriod: string, monthlyFen: bigint): { period: string; amountFen: bigint }[] {
  return periodsBetween(startPeriod, liftedPeriod).map((period) => ({ period, amountFen: monthlyFen }));
}

/** A payment stop as the savings arithmetic sees it (a row of payment_holds). */
export type THoldForSavings = {
  cause: THoldCause;
  monthlyFen: bigint;
  startPeriod: string;
  savingsEndPeriod: string | null;
  liftedPeriod: string | null;
};

/**
 * The fraud saving of one hold in one period: the monthly amount, when the hold stopped a payment
 * for death or failed verification, the period is on or after the stop and before the death
 * certificate's month, and not after `asOf` (the current period). A lifted hold saves nothing:
 * its months are paid back as arrears. Sentences are not fraud and are not counted.
 */
export function holdSavingIn(h: THoldForSavings, period: string, asOf: string): bigint {
  if (h.cause === "sentenced" || h.liftedPeriod !== null) return 0n;
  if (period < h.startPeriod || period > asOf) return 0n;
  if (h.savingsEndPeriod !== null && period >= h.savingsEndPeriod) return 0n;
  return h.monthlyFen;
}
