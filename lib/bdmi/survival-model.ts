import { z } from "zod";

// The survival model, version 1: /work/shared/docs/survival-model.md is the specification.
// One pure function serves the BDMI service, the monthly run and the bdmi:assess command, so the
// three can never disagree about a pensioner.

/** Evidence is keyed "source/item", e.g. "02/01" for an inpatient stay. */
export type TItemKey = `${string}/${string}`;

export type TModelParams = {
  version: string;
  /** Weak items and their points; each counts once a period however many records it has. */
  weights: Readonly<Record<string, number>>;
  strongItems: readonly string[];
  deathItems: readonly string[];
  sentenceItems: readonly string[];
  /** Known items that are recorded but never change the state (e.g. chronic-disease record). */
  recordedItems: readonly string[];
  checkItem: string;
  manualItem: string;
  maxWeakPerPeriod: number;
  scoreToStrong: number;
  validityMonths: number;
  initialT: number;
};

// Every weight and limit lives here, so a version 2 is a new constant, not an edit of the code.
export const MODEL_V1: TModelParams = {
  version: "1",
  weights: { "02/02": 5, "02/03": 3, "08/02": 2, "09/02": 1 },
  strongItems: ["02/01", "04/04", "05/02", "07/01", "08/01", "09/01", "10/01"],
  deathItems: ["01/02", "03/01", "04/01", "04/02", "05/01"],
  sentenceItems: ["04/03", "06/01"],
  recordedItems: ["05/03"],
  checkItem: "01/01",
  manualItem: "01/03",
  maxWeakPerPeriod: 10,
  scoreToStrong: 100,
  validityMonths: 12,
  initialT: 9,
};

const PERIOD_RE = /^\d{4}-(0[1-9]|1[0-2])$/;

export const ZPeriod = z.string().regex(PERIOD_RE, "period must be YYYY-MM");
// An offset (or Z) is required: a local time without one is not an instant and cannot be compared.
export const ZTimestamp = z.iso.datetime({ offset: true });

export const ZEvidence = z.object({
  // Codes are free strings so that unknown codes reach assess() and are counted, not rejected.
  source: z.string().min(1),
  item: z.string().min(1),
  result: z.union([z.literal(0), z.literal(1), z.literal(9)]),
  at: ZTimestamp,
});
export type TEvidence = z.infer<typeof ZEvidence>;

export const ZStatus = z.enum(["alive", "deceased", "sentenced", "suspected"]);
export type TStatus = z.infer<typeof ZStatus>;
export const ZBasis = z.enum(["manual", "check", "strong", "score", "death", "sentence", "lapsed"]);
export type TBasis = z.infer<typeof ZBasis>;

export const ZSurvivalState = z
  .object({
    period: ZPeriod,
    status: ZStatus,
    basis: ZBasis,
    S: z.number().int().min(0),
    T: z.number().int().min(0).max(MODEL_V1.validityMonths),
    deathAt: ZTimestamp.nullable(),
    affirmedAt: ZTimestamp.nullable(),
  })
  // An inconsistent previous state would make steps 2 and 4 silently misbehave; refuse it instead.
  .refine((s) => (s.status === "deceased") === (s.deathAt !== null), {
    message: "deathAt must be set exactly when status is deceased",
    path: ["deathAt"],
  })
  .refine((s) => s.status !== "deceased" || s.basis === "manual" || s.basis === "death", {
    message: "a deceased state has basis manual or death",
    path: ["basis"],
  });
export type TSurvivalState = z.infer<typeof ZSurvivalState>;

export const ZAssessInput = z.object({
  pensionerId: z.string().min(1),
  period: ZPeriod,
  // A missing previous is read as null (first assessment) rather than as an error.
  previous: ZSurvivalState.nullish().transform((p) => p ?? null),
  evidence: z.array(ZEvidence),
});
export type TAssessInput = z.infer<typeof ZAssessInput>;

export type TSurvivalResult = TSurvivalState & {
  modelVersion: string;
  /** Items with an unknown source/item code: ignored, but counted so feeds can be monitored. */
  ignoredUnknown: number;
  /** Known items with result 9 (source error): ignored. */
  ignoredSourceErrors: number;
};

type TParsed = { key: string; result: 0 | 1 | 9; ms: number };

function instant(at: string): number {
  const ms = Date.parse(at);
  if (Number.isNaN(ms)) throw new Error(`invalid timestamp: ${at}`);
  return ms;
}

function iso(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString();
}

function laterOf(a: number | null, b: number | null): number | null {
  if (a === null) return b;
  if (b === null) return a;
  return Math.max(a, b);
}

/** The state part of a result: what the next month's assessment takes as `previous`. */
export function stateOf(r: TSurvivalResult): TSurvivalState {
  return { period: r.period, status: r.status, basis: r.basis, S: r.S, T: r.T, deathAt: r.deathAt, affirmedAt: r.affirmedAt };
}

/**
 * The newest item; on equal instants the one whose result does NOT affirm life wins
 * (manual 1 over 0, check 0 over 1), because wrongly continuing a payment is the costlier mistake
 * and a tie gives no basis for preferring the affirming record.
 */
function newest(items: TParsed[], tieWinner: 0 | 1): TParsed | undefined {
  let best: TParsed | undefined;
  for (const it of items) {
    if (!best || it.ms > best.ms || (it.ms === best.ms && it.result === tieWinner)) best = it;
  }
  return best;
}

export function isPeriod(p: string): boolean {
  return PERIOD_RE.test(p);
}

// Built once per parameter set: the monthly run assesses millions against the same one.
const KNOWN = new WeakMap<TModelParams, ReadonlySet<string>>();
function knownItems(params: TModelParams): ReadonlySet<string> {
  let known = KNOWN.get(params);
  if (!known) {
    known = new Set<string>([
      params.checkItem,
      params.manualItem,
      ...Object.keys(params.weights),
      ...params.strongItems,
      ...params.deathItems,
      ...params.sentenceItems,
      ...params.recordedItems,
    ]);
    KNOWN.set(params, known);
  }
  return known;
}

export function assess(
  previous: TSurvivalState | null,
  period: string,
  evidence: TEvidence[],
  params: TModelParams = MODEL_V1,
): TSurvivalResult {
  if (!isPeriod(period)) throw new Error(`invalid period "${period}": expected YYYY-MM`);
  if (previous && !isPeriod(previous.period)) {
    throw new Error(`invalid previous period "${previous.period}": expected YYYY-MM`);
  }

  // Step 0. YYYY-MM strings order lexicographically as they do in time.
  if (previous && previous.period === period) {
    // Re-running a month must not change its answer, whatever evidence arrives late.
    return {
      period: previous.period,
      status: previous.status,
      basis: previous.basis,
      S: previous.S,
      T: previous.T,
      deathAt: iso(previous.deathAt === null ? null : instant(previous.deathAt)),
      affirmedAt: iso(previous.affirmedAt === null ? null : instant(previous.affirmedAt)),
      modelVersion: params.version,
      ignoredUnknown: 0,
      ignoredSourceErrors: 0,
    };
  }
  if (previous && previous.period > period) {
    throw new Error(`previous state is for ${previous.period}, later than the assessed period ${period}`);
  }

  const known = knownItems(params);

  let ignoredUnknown = 0;
  let ignoredSourceErrors = 0;
  const items: TParsed[] = [];
  for (const e of evidence) {
    const key = `${e.source}/${e.item}`;
    if (!known.has(key)) {
      ignoredUnknown++;
      continue;
    }
    if (e.result === 9) {
      ignoredSourceErrors++;
      continue;
    }
    items.push({ key, result: e.result, ms: instant(e.at) });
  }

  // Only result 1 counts, except check and manual items whose 0 has a meaning of its own.
  const positive = (keys: readonly string[]) => items.filter((i) => i.result === 1 && keys.includes(i.key));
  const manualItems = items.filter((i) => i.key === params.manualItem);
  const checkItems = items.filter((i) => i.key === params.checkItem);

  const prevS = previous?.S ?? 0;
  const prevT = previous?.T ?? params.initialT;
  const prevDeathAt = previous?.deathAt != null ? instant(previous.deathAt) : null;
  let affirmedAt = previous?.affirmedAt != null ? instant(previous.affirmedAt) : null;

  const out = (status: TStatus, basis: TBasis, S: number, T: number, death: number | null): TSurvivalResult => ({
    period,
    status,
    basis,
    S,
    T,
    // deathAt is only meaningful for a deceased pensioner.
    deathAt: status === "deceased" ? iso(death) : null,
    affirmedAt: iso(affirmedAt),
    modelVersion: params.version,
    ignoredUnknown,
    ignoredSourceErrors,
  });
  const carryOver = (p: TSurvivalState) => out(p.status, p.basis, p.S, p.T, prevDeathAt);

  // Step 1. Manual intervention overrides everything, including an earlier manual death.
  const manual = newest(manualItems, 1);
  if (manual) {
    if (manual.result === 1) return out("deceased", "manual", 0, 0, manual.ms);
    affirmedAt = laterOf(manual.ms, affirmedAt);
    return out("alive", "manual", 0, params.validityMonths, null);
  }

  // Step 2. Only a newer manual "alive" may undo a manual death.
  if (previous && previous.status === "deceased" && previous.basis === "manual") return carryOver(previous);

  // Step 3. Affirmation: a passed officer check.
  const affirmations = checkItems.filter((i) => i.result === 1);
  if (affirmations.length > 0) affirmedAt = laterOf(Math.max(...affirmations.map((i) => i.ms)), affirmedAt);

  // Step 4. A death record stands until someone affirms life after it.
  if (previous && previous.status === "deceased" && previous.basis === "death") {
    // Revived: deathAt is dropped (out() nulls it for any non-deceased result) and we go on.
    const revived = affirmedAt !== null && prevDeathAt !== null && affirmedAt > prevDeathAt;
    if (!revived) return carryOver(previous);
  }

  // Step 5. A death record older than the latest affirmation is stale and ignored.
  const deaths = positive(params.deathItems);
  if (deaths.length > 0) {
    const d = Math.max(...deaths.map((i) => i.ms));
    if (affirmedAt === null || affirmedAt < d) return out("deceased", "death", 0, 0, d);
  }

  // Step 6. Sentence: payments are suspended while serving.
  if (positive(params.sentenceItems).length > 0) return out("sentenced", "sentence", 0, 0, null);

  // Step 7. Officer check: the newest one decides.
  const check = newest(checkItems, 0);
  if (check) {
    if (check.result === 1) return out("alive", "check", 0, params.validityMonths, null);
    return out("suspected", "lapsed", 0, 0, null);
  }

  // Step 8. Strong evidence of life.
  if (positive(params.strongItems).length > 0) return out("alive", "strong", 0, params.validityMonths, null);

  // Step 9. Accumulate weak points; each distinct item counts once, capped per period.
  const weakKeys = new Set(items.filter((i) => i.result === 1 && i.key in params.weights).map((i) => i.key));
  let sum = 0;
  for (const k of weakKeys) sum += params.weights[k] ?? 0;
  const w = Math.min(params.maxWeakPerPeriod, sum);
  const S = prevS + w;
  const T = Math.max(0, prevT - 1);
  if (S >= params.scoreToStrong) return out("alive", "strong", 0, params.validityMonths, null);
  if (T === 0) return out("suspected", "lapsed", 0, 0, null);
  return out("alive", "score", S, T, null);
}
