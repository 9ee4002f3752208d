import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  assess,
  MODEL_V1,
  stateOf,
  type TEvidence,
  type TSurvivalState,
  ZAssessInput,
  ZEvidence,
  ZSurvivalState,
} from "./survival-model";

const ev = (code: string, result: 0 | 1 | 9, at: string): TEvidence => {
  const [source = "", item = ""] = code.split("/");
  return { source, item, result, at };
};
const state = (over: Partial<TSurvivalState> = {}): TSurvivalState => ({
  period: "2026-10",
  status: "alive",
  basis: "score",
  S: 10,
  T: 6,
  deathAt: null,
  affirmedAt: null,
  ...over,
});
const deadByRecord = state({
  status: "deceased",
  basis: "death",
  S: 0,
  T: 0,
  deathAt: "2026-10-05T00:00:00.000Z",
  affirmedAt: "2026-09-01T00:00:00.000Z",
});
const deadByHand = state({ status: "deceased", basis: "manual", S: 0, T: 0, deathAt: "2026-10-05T00:00:00.000Z" });

describe("parameters", () => {
  it("are version 1 and every result records the version", () => {
    expect(MODEL_V1.version).toBe("1");
    expect(assess(null, "2026-11", []).modelVersion).toBe("1");
    expect(assess(null, "2026-11", [], { ...MODEL_V1, version: "2" }).modelVersion).toBe("2");
  });

  it("a first assessment starts from S = 0, T = 9, timestamps null", () => {
    expect(stateOf(assess(null, "2026-11", []))).toEqual({
      period: "2026-11",
      status: "alive",
      basis: "score",
      S: 0,
      T: 8,
      deathAt: null,
      affirmedAt: null,
    });
  });
});

describe("periods and inputs", () => {
  it("rejects malformed periods", () => {
    for (const p of ["2026-13", "2026-00", "2026-1", "202611", "2026/11", ""]) {
      expect(() => assess(null, p, [])).toThrow(/YYYY-MM/);
    }
    expect(() => assess(state({ period: "2026-9" }), "2026-11", [])).toThrow(/YYYY-MM/);
  });

  it("ignores result 9 (source error) and counts it separately", () => {
    const r = assess(null, "2026-11", [ev("03/01", 9, "2026-11-02T00:00:00Z"), ev("02/01", 9, "2026-11-02T00:00:00Z")]);
    expect(r.status).toBe("alive");
    expect(r.basis).toBe("score");
    expect(r.ignoredSourceErrors).toBe(2);
  });

  it("ignores and counts unknown source/item codes", () => {
    const r = assess(null, "2026-11", [
      ev("99/01", 1, "2026-11-02T00:00:00Z"),
      ev("02/09", 1, "2026-11-02T00:00:00Z"),
      ev("02/02", 1, "2026-11-02T00:00:00Z"),
    ]);
    expect(r.ignoredUnknown).toBe(2);
    expect(r.S).toBe(5);
  });

  it("ignores result 0 of ordinary items", () => {
    const r = assess(null, "2026-11", [ev("03/01", 0, "2026-11-02T00:00:00Z"), ev("10/01", 0, "2026-11-02T00:00:00Z")]);
    expect(r.basis).toBe("score");
  });

  it("the chronic-disease record is known but changes nothing", () => {
    const r = assess(null, "2026-11", [ev("05/03", 1, "2026-11-02T00:00:00Z")]);
    expect(r.ignoredUnknown).toBe(0);
    expect(stateOf(r)).toEqual(stateOf(assess(null, "2026-11", [])));
  });

  it("compares timestamps as instants and outputs UTC with milliseconds", () => {
    // 08:00+08:00 is midnight UTC, earlier than the 01:00Z death: the death stands.
    const r = assess(null, "2026-11", [
      ev("01/01", 1, "2026-11-03T08:00:00+08:00"),
      ev("03/01", 1, "2026-11-03T01:00:00Z"),
    ]);
    expect(r.status).toBe("deceased");
    expect(r.deathAt).toBe("2026-11-03T01:00:00.000Z");
    expect(r.affirmedAt).toBe("2026-11-03T00:00:00.000Z");
  });

  it("the zod schemas accept the contract and reject bad input", () => {
    expect(ZEvidence.safeParse({ source: "02", item: "01", result: 1, at: "2026-11-03T08:00:00Z" }).success).toBe(true);
    expect(ZEvidence.safeParse({ source: "02", item: "01", result: 2, at: "2026-11-03T08:00:00Z" }).success).toBe(false);
    expect(ZEvidence.safeParse({ source: "02", item: "01", result: 1, at: "2026-11-03" }).success).toBe(false);
    expect(ZSurvivalState.safeParse(state()).success).toBe(true);
    expect(ZSurvivalState.safeParse(state({ status: "deceased" })).success).toBe(false);
    expect(ZSurvivalState.safeParse(state({ deathAt: "2026-11-03T08:00:00Z" })).success).toBe(false);
    expect(ZSurvivalState.safeParse(state({ T: 13 })).success).toBe(false);
    expect(ZSurvivalState.safeParse(state({ S: -1 })).success).toBe(false);
    const input = ZAssessInput.parse({ pensionerId: "P1", period: "2026-11", evidence: [] });
    expect(input.previous).toBeNull();
    expect(ZAssessInput.safeParse({ pensionerId: "P1", period: "2026-13", previous: null, evidence: [] }).success).toBe(false);
  });
});

describe("step 0: idempotency", () => {
  it("returns the previous state unchanged for the same period, whatever the evidence", () => {
    const prev = state({ period: "2026-11" });
    const r = assess(prev, "2026-11", [ev("03/01", 1, "2026-11-02T00:00:00Z")]);
    expect(stateOf(r)).toEqual(prev);
    expect(r.modelVersion).toBe("1");
  });

  it("refuses a previous state for a later period", () => {
    expect(() => assess(state({ period: "2026-12" }), "2026-11", [])).toThrow(/later/);
    expect(() => assess(state({ period: "2027-01" }), "2026-12", [])).toThrow(/later/);
  });
});

describe("step 1: manual intervention", () => {
  it("manual 1 sets deceased/manual with deathAt", () => {
    const r = assess(state(), "2026-11", [ev("01/03", 1, "2026-11-02T00:00:00Z"), ev("10/01", 1, "2026-11-03T00:00:00Z")]);
    expect(stateOf(r)).toMatchObject({ status: "deceased", basis: "manual", S: 0, T: 0, deathAt: "2026-11-02T00:00:00.000Z" });
  });

  it("manual 0 sets alive/manual, T = 12, and affirms", () => {
    const r = assess(state(), "2026-11", [ev("01/03", 0, "2026-11-02T00:00:00Z"), ev("03/01", 1, "2026-11-03T00:00:00Z")]);
    expect(stateOf(r)).toMatchObject({ status: "alive", basis: "manual", S: 0, T: 12, deathAt: null });
    expect(r.affirmedAt).toBe("2026-11-02T00:00:00.000Z");
  });

  it("manual 0 keeps a later previous affirmedAt", () => {
    const r = assess(state({ affirmedAt: "2026-12-01T00:00:00Z" }), "2026-11", [ev("01/03", 0, "2026-11-02T00:00:00Z")]);
    expect(r.affirmedAt).toBe("2026-12-01T00:00:00.000Z");
  });

  it("the newest manual item decides", () => {
    const later0 = assess(null, "2026-11", [ev("01/03", 1, "2026-11-02T00:00:00Z"), ev("01/03", 0, "2026-11-05T00:00:00Z")]);
    expect(later0.status).toBe("alive");
    const later1 = assess(null, "2026-11", [ev("01/03", 0, "2026-11-05T00:00:00Z"), ev("01/03", 1, "2026-11-06T00:00:00Z")]);
    expect(later1.status).toBe("deceased");
    expect(later1.affirmedAt).toBeNull();
  });

  it("manual 0 after a manual death revives", () => {
    const r = assess(deadByHand, "2026-11", [ev("01/03", 0, "2026-11-02T00:00:00Z")]);
    expect(stateOf(r)).toMatchObject({ status: "alive", basis: "manual", T: 12, deathAt: null });
  });

  it("a manual 9 is ignored", () => {
    const r = assess(deadByHand, "2026-11", [ev("01/03", 9, "2026-11-02T00:00:00Z")]);
    expect(r.status).toBe("deceased");
  });

  it("on equal instants a manual 1 beats a manual 0", () => {
    const r = assess(null, "2026-11", [ev("01/03", 1, "2026-11-02T00:00:00Z"), ev("01/03", 0, "2026-11-02T00:00:00Z")]);
    expect(r.status).toBe("deceased");
  });
});

describe("step 2: sticky manual death", () => {
  it("ignores strong evidence, checks and death records", () => {
    const r = assess(deadByHand, "2026-11", [
      ev("10/01", 1, "2026-11-02T00:00:00Z"),
      ev("01/01", 1, "2026-11-03T00:00:00Z"),
      ev("03/01", 1, "2026-11-04T00:00:00Z"),
    ]);
    expect(stateOf(r)).toEqual({ ...deadByHand, period: "2026-11", deathAt: "2026-10-05T00:00:00.000Z" });
  });
});

describe("step 3: affirmation", () => {
  it("a passed check updates affirmedAt to the newest one", () => {
    const r = assess(null, "2026-11", [ev("01/01", 1, "2026-11-02T00:00:00Z"), ev("01/01", 1, "2026-11-04T00:00:00Z")]);
    expect(r.affirmedAt).toBe("2026-11-04T00:00:00.000Z");
  });

  it("never moves affirmedAt backwards", () => {
    const r = assess(state({ affirmedAt: "2026-12-01T00:00:00Z" }), "2026-11", [ev("01/01", 1, "2026-11-02T00:00:00Z")]);
    expect(r.affirmedAt).toBe("2026-12-01T00:00:00.000Z");
  });

  it("a failed check does not affirm", () => {
    const r = assess(null, "2026-11", [ev("01/01", 0, "2026-11-02T00:00:00Z")]);
    expect(r.affirmedAt).toBeNull();
  });

  it("affirmedAt is carried whatever the status", () => {
    const r = assess(state({ affirmedAt: "2026-09-01T00:00:00Z" }), "2026-11", [ev("06/01", 1, "2026-11-02T00:00:00Z")]);
    expect(r.status).toBe("sentenced");
    expect(r.affirmedAt).toBe("2026-09-01T00:00:00.000Z");
  });
});

describe("step 4: previously deceased by a death record", () => {
  it("carries over when nothing affirms life after the death", () => {
    const r = assess(deadByRecord, "2026-11", [ev("10/01", 1, "2026-11-02T00:00:00Z")]);
    expect(stateOf(r)).toEqual({ ...deadByRecord, period: "2026-11" });
  });

  it("carries over when the affirmation predates the death", () => {
    const r = assess(deadByRecord, "2026-11", [ev("01/01", 1, "2026-10-04T00:00:00Z")]);
    expect(stateOf(r)).toMatchObject({ status: "deceased", basis: "death", deathAt: "2026-10-05T00:00:00.000Z" });
    expect(r.affirmedAt).toBe("2026-10-04T00:00:00.000Z");
  });

  it("revives on an affirmation after the death and goes on", () => {
    const r = assess(deadByRecord, "2026-11", [ev("01/01", 1, "2026-11-02T00:00:00Z")]);
    expect(stateOf(r)).toMatchObject({ status: "alive", basis: "check", S: 0, T: 12, deathAt: null });
  });

  it("a revived pensioner can die again on a newer death record", () => {
    const r = assess(deadByRecord, "2026-11", [
      ev("01/01", 1, "2026-11-02T00:00:00Z"),
      ev("04/02", 1, "2026-11-09T00:00:00Z"),
    ]);
    expect(stateOf(r)).toMatchObject({ status: "deceased", basis: "death", deathAt: "2026-11-09T00:00:00.000Z" });
  });
});

describe("step 5: death evidence", () => {
  for (const code of MODEL_V1.deathItems) {
    it(`${code} kills when nothing was affirmed`, () => {
      const r = assess(state(), "2026-11", [ev(code, 1, "2026-11-02T00:00:00Z"), ev("10/01", 1, "2026-11-03T00:00:00Z")]);
      expect(stateOf(r)).toMatchObject({ status: "deceased", basis: "death", S: 0, T: 0, deathAt: "2026-11-02T00:00:00.000Z" });
    });
  }

  it("uses the newest death item", () => {
    const r = assess(null, "2026-11", [ev("03/01", 1, "2026-11-02T00:00:00Z"), ev("05/01", 1, "2026-11-01T00:00:00Z")]);
    expect(r.deathAt).toBe("2026-11-02T00:00:00.000Z");
  });

  it("a death before an affirmation is ignored", () => {
    const r = assess(state({ affirmedAt: "2026-11-10T00:00:00Z" }), "2026-11", [ev("03/01", 1, "2026-11-02T00:00:00Z")]);
    expect(r.status).toBe("alive");
    expect(r.deathAt).toBeNull();
  });

  it("a death at the same instant as the affirmation is ignored", () => {
    const r = assess(null, "2026-11", [ev("01/01", 1, "2026-11-02T00:00:00Z"), ev("03/01", 1, "2026-11-02T00:00:00Z")]);
    expect(stateOf(r)).toMatchObject({ status: "alive", basis: "check" });
  });

  it("a death after an affirmation kills", () => {
    const r = assess(state({ affirmedAt: "2026-10-10T00:00:00Z" }), "2026-11", [
      ev("01/01", 1, "2026-11-01T00:00:00Z"),
      ev("03/01", 1, "2026-11-02T00:00:00Z"),
    ]);
    expect(stateOf(r)).toMatchObject({ status: "deceased", basis: "death", deathAt: "2026-11-02T00:00:00.000Z" });
    expect(r.affirmedAt).toBe("2026-11-01T00:00:00.000Z");
  });
});

describe("step 6: sentence", () => {
  for (const code of MODEL_V1.sentenceItems) {
    it(`${code} sentences, overriding checks and strong evidence`, () => {
      const r = assess(state(), "2026-11", [
        ev(code, 1, "2026-11-02T00:00:00Z"),
        ev("01/01", 1, "2026-11-03T00:00:00Z"),
        ev("10/01", 1, "2026-11-03T00:00:00Z"),
      ]);
      expect(stateOf(r)).toMatchObject({ status: "sentenced", basis: "sentence", S: 0, T: 0, deathAt: null });
    });
  }
});

describe("step 7: check", () => {
  it("a passed check: alive/check, T = 12", () => {
    const r = assess(state({ S: 50 }), "2026-11", [ev("01/01", 1, "2026-11-02T00:00:00Z")]);
    expect(stateOf(r)).toMatchObject({ status: "alive", basis: "check", S: 0, T: 12 });
  });

  it("a failed check: suspected/lapsed even with strong evidence", () => {
    const r = assess(state(), "2026-11", [ev("01/01", 0, "2026-11-02T00:00:00Z"), ev("10/01", 1, "2026-11-03T00:00:00Z")]);
    expect(stateOf(r)).toMatchObject({ status: "suspected", basis: "lapsed", S: 0, T: 0 });
  });

  it("the newest check decides", () => {
    const pass = assess(null, "2026-11", [ev("01/01", 0, "2026-11-02T00:00:00Z"), ev("01/01", 1, "2026-11-03T00:00:00Z")]);
    expect(pass.basis).toBe("check");
    const fail = assess(null, "2026-11", [ev("01/01", 1, "2026-11-02T00:00:00Z"), ev("01/01", 0, "2026-11-03T00:00:00Z")]);
    expect(fail.status).toBe("suspected");
    // The earlier pass still affirmed life.
    expect(fail.affirmedAt).toBe("2026-11-02T00:00:00.000Z");
  });
});

describe("step 8: strong evidence", () => {
  for (const code of MODEL_V1.strongItems) {
    it(`${code} is strong`, () => {
      const r = assess(state({ S: 40, T: 1 }), "2026-11", [ev(code, 1, "2026-11-02T00:00:00Z")]);
      expect(stateOf(r)).toMatchObject({ status: "alive", basis: "strong", S: 0, T: 12 });
    });
  }

  it("revives a suspected pensioner", () => {
    const r = assess(state({ status: "suspected", basis: "lapsed", S: 0, T: 0 }), "2026-11", [ev("07/01", 1, "2026-11-02T00:00:00Z")]);
    expect(stateOf(r)).toMatchObject({ status: "alive", basis: "strong", T: 12 });
  });
});

describe("step 9: accumulation", () => {
  it("adds the weights of weak items", () => {
    const r = assess(state({ S: 10, T: 6 }), "2026-11", [ev("02/03", 1, "2026-11-02T00:00:00Z"), ev("09/02", 1, "2026-11-02T00:00:00Z")]);
    expect(stateOf(r)).toMatchObject({ status: "alive", basis: "score", S: 14, T: 5 });
  });

  it("counts each weak item once a period", () => {
    const r = assess(state({ S: 0, T: 6 }), "2026-11", [
      ev("08/02", 1, "2026-11-02T00:00:00Z"),
      ev("08/02", 1, "2026-11-03T00:00:00Z"),
      ev("08/02", 1, "2026-11-04T00:00:00Z"),
    ]);
    expect(r.S).toBe(2);
  });

  it("caps w at 10 a period", () => {
    const all = Object.keys(MODEL_V1.weights).map((k) => ev(k, 1, "2026-11-02T00:00:00Z"));
    expect(assess(state({ S: 0 }), "2026-11", all).S).toBe(10); // 5 + 3 + 2 + 1 = 11 → 10
    const exactly10 = [ev("02/02", 1, "2026-11-02T00:00:00Z"), ev("02/03", 1, "2026-11-02T00:00:00Z"), ev("08/02", 1, "2026-11-02T00:00:00Z")];
    expect(assess(state({ S: 0 }), "2026-11", exactly10).S).toBe(10);
  });

  it("T decrements each month and lapses to suspected at 0", () => {
    expect(assess(state({ T: 2 }), "2026-11", []).T).toBe(1);
    const r = assess(state({ T: 1, S: 30 }), "2026-11", [ev("02/02", 1, "2026-11-02T00:00:00Z")]);
    expect(stateOf(r)).toMatchObject({ status: "suspected", basis: "lapsed", S: 0, T: 0 });
    const stays = assess(state({ status: "suspected", basis: "lapsed", S: 0, T: 0 }), "2026-11", []);
    expect(stateOf(stays)).toMatchObject({ status: "suspected", basis: "lapsed", S: 0, T: 0 });
  });

  it("S reaching 100 becomes strong, even on the month T would lapse", () => {
    const r = assess(state({ S: 95, T: 1 }), "2026-11", [ev("02/02", 1, "2026-11-02T00:00:00Z")]);
    expect(stateOf(r)).toMatchObject({ status: "alive", basis: "strong", S: 0, T: 12 });
    expect(assess(state({ S: 94, T: 5 }), "2026-11", [ev("02/02", 1, "2026-11-02T00:00:00Z")]).S).toBe(99);
  });

  it("a sentenced pensioner with no new evidence lapses the next month", () => {
    const r = assess(state({ status: "sentenced", basis: "sentence", S: 0, T: 0 }), "2026-11", []);
    expect(stateOf(r)).toMatchObject({ status: "suspected", basis: "lapsed" });
  });
});

// ---- properties ----

const CODES = [
  "01/01", "01/02", "01/03", "02/01", "02/02", "02/03", "03/01", "04/01", "04/02", "04/03", "04/04",
  "05/01", "05/02", "05/03", "06/01", "07/01", "08/01", "08/02", "09/01", "09/02", "10/01", "99/01",
];
const MIN = Date.parse("2025-01-01T00:00:00Z");
const MAX = Date.parse("2027-12-31T00:00:00Z");
const arbTs = fc.integer({ min: MIN, max: MAX }).map((ms) => new Date(ms).toISOString());
const arbEvidence = fc.record({
  code: fc.constantFrom(...CODES),
  result: fc.constantFrom<0 | 1 | 9>(0, 1, 1, 9),
  at: arbTs,
}).map(({ code, result, at }) => ev(code, result, at));
const arbMonth = fc.array(arbEvidence, { maxLength: 6 });
const periodOf = (i: number) => `${2026 + Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, "0")}`;

/** Runs a pensioner through consecutive months, returning every result. */
function run(months: TEvidence[][]) {
  const out: ReturnType<typeof assess>[] = [];
  let prev: TSurvivalState | null = null;
  months.forEach((evidence, i) => {
    const r = assess(prev, periodOf(i), evidence);
    out.push(r);
    prev = r;
  });
  return out;
}

describe("properties", () => {
  const arbHistory = fc.array(arbMonth, { minLength: 1, maxLength: 24 });

  it("is idempotent for the same period", () => {
    fc.assert(
      fc.property(arbHistory, arbMonth, (months, late) => {
        for (const r of run(months)) expect(stateOf(assess(r, r.period, late))).toEqual(stateOf(r));
      }),
    );
  });

  it("keeps 0 ≤ S, 0 ≤ T ≤ 12, and deathAt set iff deceased", () => {
    fc.assert(
      fc.property(arbHistory, (months) => {
        for (const r of run(months)) {
          expect(r.S).toBeGreaterThanOrEqual(0);
          expect(r.T).toBeGreaterThanOrEqual(0);
          expect(r.T).toBeLessThanOrEqual(12);
          expect(r.deathAt !== null).toBe(r.status === "deceased");
          // Every result is a valid previous state for the next month.
          expect(ZSurvivalState.safeParse(stateOf(r)).success).toBe(true);
        }
      }),
    );
  });

  it("a manual death sticks until a newer manual alive", () => {
    fc.assert(
      fc.property(arbHistory, (months) => {
        const results = run(months);
        for (let i = 1; i < results.length; i++) {
          const prev = results[i - 1]!;
          const r = results[i]!;
          if (prev.status !== "deceased" || prev.basis !== "manual") continue;
          const manual = (months[i] ?? []).filter((e) => e.source === "01" && e.item === "03" && e.result !== 9);
          if (manual.length === 0) {
            expect(stateOf(r)).toEqual({ ...stateOf(prev), period: r.period });
          } else {
            const newestMs = Math.max(...manual.map((e) => Date.parse(e.at)));
            const newestAlive = manual.every((e) => Date.parse(e.at) < newestMs || e.result === 0);
            expect(r.basis).toBe("manual");
            expect(r.status).toBe(newestAlive ? "alive" : "deceased");
          }
        }
      }),
    );
  });

  it("affirmedAt never moves backwards", () => {
    fc.assert(
      fc.property(arbHistory, (months) => {
        let last = -Infinity;
        for (const r of run(months)) {
          const now = r.affirmedAt === null ? -Infinity : Date.parse(r.affirmedAt);
          expect(now).toBeGreaterThanOrEqual(last);
          last = now;
        }
      }),
    );
  });
});
