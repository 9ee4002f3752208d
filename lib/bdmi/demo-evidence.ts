import type { TFeedItem } from "./contract";
import { isPeriod } from "./survival-model";

// A realistic month of government evidence for any roll, for demos and the benchmark. It is a pure
// function of (national ID, period, seed): every machine generates the same feeds, a month can be
// regenerated at will, and a pensioner's death month is fixed once, so the dead stop leaving
// footprints in every later month.

/** Deaths are drawn from this month on; earlier periods have none. */
export const DEMO_EPOCH = "2026-01";

/** Monthly probabilities (of the pensioners still alive that month). */
export const DEMO_RATES = {
  death: 0.003,
  /** Of deaths, the share that a second source reports too. */
  deathTwice: 0.3,
  sentence: 0.0005,
  silent: 0.05,
  strong: 0.35,
  sourceError: 0.01,
  unknownCode: 0.003,
  chronic: 0.005,
} as const;

const DEATH_ITEMS: readonly [string, string, number][] = [
  ["01", "02", 0.35],
  ["03", "01", 0.25],
  ["04", "01", 0.25],
  ["05", "01", 0.15],
];
const STRONG_ITEMS: readonly [string, string][] = [
  ["02", "01"],
  ["04", "04"],
  ["05", "02"],
  ["07", "01"],
  ["08", "01"],
  ["09", "01"],
];
/** Weak items with how common each is among people with any weak footprint. */
const WEAK_ITEMS: readonly [string, string, number][] = [
  ["08", "02", 0.45],
  ["09", "02", 0.3],
  ["02", "03", 0.15],
  ["02", "02", 0.1],
];
const UNKNOWN_CODES: readonly [string, string][] = [
  ["11", "01"],
  ["02", "09"],
  ["08", "07"],
];

/** mulberry32, as in lib/db/demo-roll.ts. */
function mulberry32(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** FNV-1a of the string, mixed with the seed and a salt (murmur3's finaliser). */
function hash32(s: string, seed: number, salt: number): number {
  let h = 0x811c9dc5 ^ Math.imul(seed, 0x9e3779b1) ^ salt;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

function monthIndex(period: string): number {
  return Number(period.slice(0, 4)) * 12 + Number(period.slice(5, 7)) - 1;
}

function periodOfIndex(i: number): string {
  return `${Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, "0")}`;
}

/**
 * The month this pensioner dies in (a geometric draw at DEMO_RATES.death a month from DEMO_EPOCH),
 * or null if beyond 100 years.
 */
export function demoDeathPeriod(nationalId: string, seed: number): string | null {
  const u = (hash32(nationalId, seed, 0x64656164) + 0.5) / 4294967296;
  const k = Math.floor(Math.log(u) / Math.log(1 - DEMO_RATES.death));
  return k > 1200 ? null : periodOfIndex(monthIndex(DEMO_EPOCH) + k);
}

function pick<T extends readonly unknown[]>(rnd: () => number, xs: readonly T[], weightAt?: number): T {
  if (weightAt === undefined) return xs[Math.floor(rnd() * xs.length)]!;
  let u = rnd();
  for (const x of xs) {
    u -= x[weightAt] as number;
    if (u < 0) return x;
  }
  return xs[xs.length - 1]!;
}

/** Every item one pensioner leaves in one month, in time order. */
export function demoItemsFor(nationalId: string, period: string, seed: number): TFeedItem[] {
  if (!isPeriod(period)) throw new Error(`invalid period "${period}": expected YYYY-MM`);
  const p = monthIndex(period);
  const death = demoDeathPeriod(nationalId, seed);
  const deathIdx = death === null ? Infinity : monthIndex(death);
  if (p > deathIdx) return [];

  const rnd = mulberry32(hash32(nationalId, seed, p));
  const year = Math.floor(p / 12);
  const month = p % 12;
  const days = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  /** An instant between days from and to (1-based, inclusive) of the month, 07:00-21:59 in China Standard Time. */
  const at = (from = 1, to = days): string => {
    const day = from + Math.floor(rnd() * (to - from + 1));
    const ms = Date.UTC(year, month, day, 7 + Math.floor(rnd() * 15) - 8, Math.floor(rnd() * 60), Math.floor(rnd() * 60));
    return new Date(ms).toISOString();
  };
  const out: TFeedItem[] = [];
  const add = (source: string, item: string, when: string, result: 0 | 1 | 9 = 1) => out.push({ nationalId, source, item, result, at: when });
  const weak = (from = 1, to = days) => {
    const u = rnd();
    const distinct = u < 0.55 ? 1 : u < 0.9 ? 2 : 3;
    const chosen = new Set<[string, string, number]>();
    while (chosen.size < distinct) chosen.add(pick(rnd, WEAK_ITEMS, 2));
    for (const [s, i] of chosen) {
      const r = rnd();
      const records = r < 0.6 ? 1 : r < 0.9 ? 2 : 3;
      for (let k = 0; k < records; k++) add(s, i, at(from, to));
    }
  };

  if (p === deathIdx) {
    const day = 1 + Math.floor(rnd() * days);
    if (day > 1 && rnd() < 0.4) weak(1, day - 1);
    const [s, i] = pick(rnd, DEATH_ITEMS, 2);
    add(s, i, at(day, day));
    if (rnd() < DEMO_RATES.deathTwice) {
      // A second source records the same death a few days later (a cremation, a cancelled household registration).
      const others = DEATH_ITEMS.filter((d) => d[0] !== s);
      const [s2, i2] = pick(rnd, others);
      add(s2, i2, at(Math.min(days, day + 1), Math.min(days, day + 7)));
    }
  } else {
    const u = rnd();
    if (u < DEMO_RATES.sentence) {
      const [s, i] = rnd() < 0.5 ? ["06", "01"] : ["04", "03"];
      add(s, i, at());
      if (rnd() < 0.5) weak();
    } else if (u < DEMO_RATES.sentence + DEMO_RATES.silent) {
      return [];
    } else if (u < DEMO_RATES.sentence + DEMO_RATES.silent + DEMO_RATES.strong) {
      const [s, i] = pick(rnd, STRONG_ITEMS);
      add(s, i, at());
      if (rnd() < 0.3) weak();
    } else {
      weak();
    }
  }
  if (rnd() < DEMO_RATES.sourceError) {
    const [s, i] = rnd() < 0.5 ? pick(rnd, STRONG_ITEMS) : pick(rnd, WEAK_ITEMS);
    add(s, i, at(), 9);
  }
  if (rnd() < DEMO_RATES.unknownCode) {
    const [s, i] = pick(rnd, UNKNOWN_CODES);
    add(s, i, at());
  }
  if (rnd() < DEMO_RATES.chronic) add("05", "03", at());
  out.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
  return out;
}

/** A month of evidence for a roll, grouped by source ("02" → its items), sources in code order. */
export function demoMonth(nationalIds: Iterable<string>, period: string, seed: number): Map<string, TFeedItem[]> {
  const bySource = new Map<string, TFeedItem[]>();
  for (const id of nationalIds) {
    for (const it of demoItemsFor(id, period, seed)) {
      let list = bySource.get(it.source);
      if (!list) bySource.set(it.source, (list = []));
      list.push(it);
    }
  }
  return new Map([...bySource.entries()].sort(([a], [b]) => (a < b ? -1 : 1)));
}

/** Feed ids of the demo: one feed per source and chunk of a month. */
export function demoFeedId(period: string, source: string, chunk: number): string {
  return `demo:${period}:${source}:${chunk}`;
}
