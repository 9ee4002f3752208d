import { describe, expect, it } from "vitest";
import {
  arrearsSchedule,
  decideMove,
  holdCause,
  holdSavingIn,
  outcomeRule,
  periodsBetween,
  type TCaseActor,
  type TCaseMove,
  type TCaseState,
  type THoldForSavings,
} from "./case-machine";

// The case state machine of issue 6, checked against tables written out by hand (not derived from
// the machine), so a change to the rules fails here first.

const officer: TCaseActor = { userId: "officer-1", role: "officer" };
const officer2: TCaseActor = { userId: "officer-2", role: "officer" };
const sup: TCaseActor = { userId: "sup-1", role: "supervisor" };
const sup2: TCaseActor = { userId: "sup-2", role: "supervisor" };
const admin: TCaseActor = { userId: "admin-1", role: "admin" };

const base: TCaseState = { status: "open", reason: "overdue", paymentStatus: "active", proposedOutcome: null, proposedBy: null, outcome: null };
const open = base;
const proposed: TCaseState = { ...base, status: "proposed", proposedOutcome: "suspend", proposedBy: officer.userId };
const closed: TCaseState = { ...base, status: "closed", paymentStatus: "suspended", outcome: "suspend", proposedOutcome: "suspend", proposedBy: officer.userId };
const STATES = { open, proposed, closed } as const;

type TExpect = string; // "→open", "→proposed", "→closed" or a refusal code
const summary = (r: ReturnType<typeof decideMove>): TExpect => (r.ok ? `→${r.next}` : r.refusal);

describe("decideMove: every move from every status", () => {
  // Withdraw by the proposer; approve and reject by another supervisor.
  const table: [TCaseMove, TCaseActor, Record<keyof typeof STATES, TExpect>][] = [
    [{ kind: "assign" }, officer, { open: "→open", proposed: "→proposed", closed: "CASE_BAD_STATE" }],
    [{ kind: "note" }, officer, { open: "→open", proposed: "→proposed", closed: "CASE_BAD_STATE" }],
    [{ kind: "evidence" }, officer, { open: "→open", proposed: "→proposed", closed: "CASE_BAD_STATE" }],
    [{ kind: "in_person_check" }, officer, { open: "→open", proposed: "CASE_BAD_STATE", closed: "CASE_BAD_STATE" }],
    [{ kind: "manual_intervention" }, officer, { open: "→open", proposed: "CASE_BAD_STATE", closed: "CASE_BAD_STATE" }],
    [{ kind: "propose", outcome: "suspend" }, officer, { open: "→proposed", proposed: "CASE_BAD_STATE", closed: "CASE_BAD_STATE" }],
    [{ kind: "withdraw" }, officer, { open: "CASE_BAD_STATE", proposed: "→open", closed: "CASE_BAD_STATE" }],
    [{ kind: "reject" }, sup, { open: "CASE_BAD_STATE", proposed: "→open", closed: "CASE_BAD_STATE" }],
    [{ kind: "approve" }, sup, { open: "CASE_BAD_STATE", proposed: "→closed", closed: "CASE_BAD_STATE" }],
    [{ kind: "appeal" }, officer, { open: "CASE_BAD_STATE", proposed: "CASE_BAD_STATE", closed: "→open" }],
  ];
  for (const [move, actor, expected] of table) {
    for (const [name, state] of Object.entries(STATES) as [keyof typeof STATES, TCaseState][]) {
      it(`${move.kind} from ${name} by ${actor.role}: ${expected[name]}`, () => {
        const r = decideMove(state, move, actor);
        expect(summary(r)).toBe(expected[name]);
        if (!r.ok) expect(r.message.length).toBeGreaterThan(10);
      });
    }
  }

  it("moves that are not decisions have no payment effect and never close at once", () => {
    for (const kind of ["assign", "note", "evidence", "in_person_check", "manual_intervention", "withdraw", "reject", "appeal"] as const) {
      const state = kind === "withdraw" || kind === "reject" ? proposed : kind === "appeal" ? closed : open;
      const r = decideMove(state, { kind }, kind === "reject" ? sup : officer);
      expect(r).toMatchObject({ ok: true, closesNow: false, effect: { kind: "none" } });
    }
  });

  it("an appeal is only against a suspension or termination", () => {
    expect(summary(decideMove({ ...closed, outcome: "terminate", paymentStatus: "terminated" }, { kind: "appeal" }, officer))).toBe("→open");
    for (const outcome of ["confirm_alive", "reinstate"] as const) {
      expect(summary(decideMove({ ...closed, outcome, paymentStatus: "active" }, { kind: "appeal" }, officer))).toBe("CASE_BAD_OUTCOME");
    }
  });
});

describe("four-eyes and roles", () => {
  it("the proposer cannot approve or reject their own proposal, even as a supervisor", () => {
    const own: TCaseState = { ...proposed, proposedBy: sup.userId };
    expect(summary(decideMove(own, { kind: "approve" }, sup))).toBe("CASE_FOUR_EYES");
    expect(summary(decideMove(own, { kind: "reject" }, sup))).toBe("CASE_FOUR_EYES");
    expect(summary(decideMove(own, { kind: "approve" }, sup2))).toBe("→closed");
    expect(summary(decideMove(own, { kind: "reject" }, sup2))).toBe("→open");
  });

  it("only a supervisor approves or rejects: officers and admins are refused by role", () => {
    for (const who of [officer, officer2, admin]) {
      expect(summary(decideMove(proposed, { kind: "approve" }, who))).toBe("CASE_ROLE");
      expect(summary(decideMove(proposed, { kind: "reject" }, who))).toBe("CASE_ROLE");
    }
  });

  it("a proposal is withdrawn by its proposer or by any supervisor, not by another officer", () => {
    expect(summary(decideMove(proposed, { kind: "withdraw" }, officer))).toBe("→open");
    expect(summary(decideMove(proposed, { kind: "withdraw" }, sup))).toBe("→open");
    expect(summary(decideMove(proposed, { kind: "withdraw" }, officer2))).toBe("CASE_ROLE");
    expect(summary(decideMove(proposed, { kind: "withdraw" }, admin))).toBe("CASE_ROLE");
  });

  it("a proposal with no outcome recorded cannot be approved", () => {
    expect(summary(decideMove({ ...proposed, proposedOutcome: null }, { kind: "approve" }, sup))).toBe("CASE_BAD_STATE");
  });
});

describe("outcomeRule: each outcome against each payment status", () => {
  const rule = (paymentStatus: TCaseState["paymentStatus"], outcome: Parameters<typeof outcomeRule>[1], o: { reopened?: boolean; decided?: TCaseState["outcome"]; reason?: TCaseState["reason"] } = {}) => {
    const r = outcomeRule({ paymentStatus, outcome: o.decided ?? null, reason: o.reason ?? "overdue" }, outcome, o.reopened ?? false);
    return r.ok ? { approval: r.needsApproval, effect: r.effect } : r.refusal;
  };

  it("confirm alive: keeps a paid pension at once, lifts a suspension with approval, cannot undo a termination", () => {
    expect(rule("active", "confirm_alive")).toEqual({ approval: false, effect: { kind: "none" } });
    expect(rule("suspended", "confirm_alive")).toEqual({ approval: true, effect: { kind: "lift" } });
    expect(rule("terminated", "confirm_alive")).toBe("CASE_BAD_OUTCOME");
  });

  it("suspend: only a paid pension, held for the reason's cause", () => {
    expect(rule("active", "suspend")).toEqual({ approval: true, effect: { kind: "hold", to: "suspended", cause: "unverified" } });
    expect(rule("active", "suspend", { reason: "sentenced" })).toEqual({ approval: true, effect: { kind: "hold", to: "suspended", cause: "sentenced" } });
    expect(rule("active", "suspend", { reason: "deceased" })).toEqual({ approval: true, effect: { kind: "hold", to: "suspended", cause: "deceased" } });
    expect(rule("suspended", "suspend")).toBe("CASE_BAD_OUTCOME");
    expect(rule("terminated", "suspend")).toBe("CASE_BAD_OUTCOME");
  });

  it("terminate: a paid or suspended pension, always for death; never twice", () => {
    expect(rule("active", "terminate")).toEqual({ approval: true, effect: { kind: "hold", to: "terminated", cause: "deceased" } });
    expect(rule("suspended", "terminate", { reason: "check_failed" })).toEqual({ approval: true, effect: { kind: "hold", to: "terminated", cause: "deceased" } });
    expect(rule("terminated", "terminate")).toBe("CASE_BAD_OUTCOME");
  });

  it("reinstate: only a stopped payment whose suspension or termination an appeal reopened", () => {
    for (const ps of ["active", "suspended", "terminated"] as const) expect(rule(ps, "reinstate")).toBe("CASE_REINSTATE_WITHOUT_CLOSED_CASE");
    expect(rule("suspended", "reinstate", { reopened: true, decided: "suspend" })).toEqual({ approval: true, effect: { kind: "lift" } });
    expect(rule("terminated", "reinstate", { reopened: true, decided: "terminate" })).toEqual({ approval: true, effect: { kind: "lift" } });
    expect(rule("active", "reinstate", { reopened: true, decided: "suspend" })).toBe("CASE_REINSTATE_WITHOUT_CLOSED_CASE");
    expect(rule("suspended", "reinstate", { reopened: true, decided: "confirm_alive" })).toBe("CASE_REINSTATE_WITHOUT_CLOSED_CASE");
    expect(rule("suspended", "reinstate", { reopened: false, decided: "suspend" })).toBe("CASE_REINSTATE_WITHOUT_CLOSED_CASE");
  });

  it("a proposal that needs no approval closes the case at once; the others wait; approval carries the effect", () => {
    expect(decideMove(open, { kind: "propose", outcome: "confirm_alive" }, officer)).toEqual({ ok: true, next: "closed", closesNow: true, effect: { kind: "none" } });
    expect(decideMove({ ...open, paymentStatus: "suspended" }, { kind: "propose", outcome: "confirm_alive" }, officer)).toEqual({
      ok: true,
      next: "proposed",
      closesNow: false,
      effect: { kind: "none" },
    });
    expect(decideMove({ ...proposed, paymentStatus: "suspended", proposedOutcome: "terminate" }, { kind: "approve" }, sup)).toEqual({
      ok: true,
      next: "closed",
      closesNow: false,
      effect: { kind: "hold", to: "terminated", cause: "deceased" },
    });
    const reopened: TCaseState = { ...proposed, paymentStatus: "suspended", proposedOutcome: "reinstate", outcome: "suspend" };
    expect(decideMove(reopened, { kind: "approve" }, sup, true)).toMatchObject({ ok: true, effect: { kind: "lift" } });
    expect(summary(decideMove(reopened, { kind: "approve" }, sup, false))).toBe("CASE_REINSTATE_WITHOUT_CLOSED_CASE");
    // the payment moved since the proposal (another case suspended it): approval re-checks the outcome
    expect(summary(decideMove({ ...proposed, paymentStatus: "suspended" }, { kind: "approve" }, sup))).toBe("CASE_BAD_OUTCOME");
  });

  it("holdCause: death for a deceased case, the sentence for a sentenced one, unverified for the rest", () => {
    expect(holdCause("deceased")).toBe("deceased");
    expect(holdCause("sentenced")).toBe("sentenced");
    for (const r of ["check_review", "check_failed", "overdue"] as const) expect(holdCause(r)).toBe("unverified");
  });
});

describe("arrears", () => {
  it("owes each held month across a year boundary: stopped 2025-11, resumed 2026-02 = 3 months", () => {
    expect(arrearsSchedule("2025-11", "2026-02", 321_500n)).toEqual([
      { period: "2025-11", amountFen: 321_500n },
      { period: "2025-12", amountFen: 321_500n },
      { period: "2026-01", amountFen: 321_500n },
    ]);
    expect(arrearsSchedule("2025-11", "2026-02", 321_500n).reduce((s, a) => s + a.amountFen, 0n)).toBe(964_500n);
  });

  it("owes nothing when payment resumes in the month it stopped; periodsBetween is empty for an empty or reversed range", () => {
    expect(arrearsSchedule("2026-03", "2026-03", 100n)).toEqual([]);
    expect(periodsBetween("2026-03", "2026-01")).toEqual([]);
    expect(periodsBetween("2024-12", "2025-02")).toEqual(["2024-12", "2025-01"]);
    expect(periodsBetween("2023-01", "2024-01")).toHaveLength(12);
  });
});

describe("holdSavingIn", () => {
  const h: THoldForSavings = { cause: "unverified", monthlyFen: 250_000n, startPeriod: "2025-11", savingsEndPeriod: null, liftedPeriod: null };

  it("counts the monthly amount from the stop up to the current period, across a year boundary", () => {
    const months = ["2025-10", "2025-11", "2025-12", "2026-01", "2026-02", "2026-03"];
    expect(months.map((p) => holdSavingIn(h, p, "2026-02"))).toEqual([0n, 250_000n, 250_000n, 250_000n, 250_000n, 0n]);
  });

  it("stops at the month of the death certificate (exclusive)", () => {
    const d: THoldForSavings = { ...h, cause: "deceased", savingsEndPeriod: "2026-01" };
    expect(["2025-11", "2025-12", "2026-01", "2026-02"].map((p) => holdSavingIn(d, p, "2026-06"))).toEqual([250_000n, 250_000n, 0n, 0n]);
  });

  it("counts nothing for a sentence (not fraud) or for a lifted hold (paid back as arrears)", () => {
    expect(holdSavingIn({ ...h, cause: "sentenced" }, "2025-12", "2026-02")).toBe(0n);
    expect(holdSavingIn({ ...h, liftedPeriod: "2026-01" }, "2025-12", "2026-02")).toBe(0n);
    expect(holdSavingIn({ ...h, cause: "deceased" }, "2025-12", "2026-02")).toBe(250_000n);
  });
});
