import { describe, expect, it } from "vitest";
import { periodOfInstant, ZFeedItem } from "./contract";
import { DEMO_EPOCH, demoDeathPeriod, demoFeedId, demoItemsFor, demoMonth } from "./demo-evidence";
import { demoNationalId } from "../db/demo-roll";
import { MODEL_V1 } from "./survival-model";

/** Distinct valid IDs, as the demo roll makes them (birth dates stepping by a prime). */
function ids(n: number): string[] {
  const days = 365 * 35;
  return Array.from({ length: n }, (_, i) => {
    const birth = new Date(Date.UTC(1930, 0, 1) + ((i * 7919) % days) * 86_400_000).toISOString().slice(0, 10);
    return demoNationalId("520102", birth, Math.floor(i / days), i % 2 ? "male" : "female");
  });
}

const ROLL = [...new Set(ids(20_000))];
const key = (s: string, i: string) => `${s}/${i}`;
const DEATH = new Set(MODEL_V1.deathItems);
const SENTENCE = new Set(MODEL_V1.sentenceItems);
const STRONG = new Set(MODEL_V1.strongItems);
const KNOWN = new Set([...DEATH, ...SENTENCE, ...STRONG, ...Object.keys(MODEL_V1.weights), ...MODEL_V1.recordedItems]);

function shares(period: string) {
  const n = ROLL.length;
  let deaths = 0, twice = 0, sentences = 0, silent = 0, strong = 0, sourceErrors = 0, unknown = 0, items = 0;
  for (const id of ROLL) {
    const its = demoItemsFor(id, period, 7);
    items += its.length;
    const death = its.filter((i) => DEATH.has(key(i.source, i.item)));
    if (death.length) deaths++;
    if (new Set(death.map((d) => d.source)).size > 1) twice++;
    if (its.some((i) => SENTENCE.has(key(i.source, i.item)))) sentences++;
    if (its.length === 0) silent++;
    if (!death.length && its.some((i) => i.result === 1 && STRONG.has(key(i.source, i.item)))) strong++;
    if (its.some((i) => i.result === 9)) sourceErrors++;
    if (its.some((i) => !KNOWN.has(key(i.source, i.item)))) unknown++;
  }
  return { n, deaths: deaths / n, twice, sentences: sentences / n, silent: silent / n, strong: strong / n, sourceErrors, unknown, perPerson: items / n };
}

describe("demo evidence", () => {
  it("has the monthly mix of a real roll (20k pensioners, first month)", () => {
    const s = shares(DEMO_EPOCH);
    expect(ROLL.length).toBe(20_000);
    expect(s.deaths).toBeGreaterThan(0.0015);
    expect(s.deaths).toBeLessThan(0.005);
    expect(s.twice).toBeGreaterThan(0);
    expect(s.sentences).toBeLessThan(0.002);
    expect(s.silent).toBeGreaterThan(0.04);
    expect(s.silent).toBeLessThan(0.06);
    expect(s.strong).toBeGreaterThan(0.32);
    expect(s.strong).toBeLessThan(0.38);
    expect(s.sourceErrors).toBeGreaterThan(100);
    expect(s.unknown).toBeGreaterThan(20);
    expect(s.perPerson).toBeGreaterThan(1.5);
    expect(s.perPerson).toBeLessThan(3);
  });

  it("is the same for the same (id, period, seed) and differs with the seed or the period", () => {
    const id = ROLL[123]!;
    expect(demoItemsFor(id, "2026-10", 7)).toEqual(demoItemsFor(id, "2026-10", 7));
    const a = ROLL.slice(0, 200).map((i) => demoItemsFor(i, "2026-10", 7));
    expect(ROLL.slice(0, 200).map((i) => demoItemsFor(i, "2026-10", 8))).not.toEqual(a);
    expect(ROLL.slice(0, 200).map((i) => demoItemsFor(i, "2026-11", 7))).not.toEqual(a);
  });

  it("produces valid feed items, timestamped inside the period in China Standard Time", () => {
    for (const period of ["2026-01", "2026-02", "2026-12", "2028-02"]) {
      for (const id of ROLL.slice(0, 2000)) {
        for (const it of demoItemsFor(id, period, 7)) {
          expect(ZFeedItem.safeParse(it).success).toBe(true);
          expect(it.at).toMatch(/Z$/);
          expect(periodOfInstant(it.at)).toBe(period);
        }
      }
    }
  });

  it("lets the dead die once: a death month, then no footprint ever after", () => {
    const dying = ROLL.filter((id) => demoDeathPeriod(id, 7) === "2026-03").slice(0, 20);
    expect(dying.length).toBeGreaterThan(5);
    for (const id of dying) {
      expect(demoItemsFor(id, "2026-02", 7).some((i) => DEATH.has(key(i.source, i.item)))).toBe(false);
      expect(demoItemsFor(id, "2026-03", 7).some((i) => DEATH.has(key(i.source, i.item)))).toBe(true);
      for (const later of ["2026-04", "2026-09", "2027-06"]) expect(demoItemsFor(id, later, 7)).toEqual([]);
    }
    // About 0.3% of the living die each month, so after a year some 3.5% are gone.
    const goneByDecember = ROLL.filter((id) => (demoDeathPeriod(id, 7) ?? "9999") < "2026-12").length / ROLL.length;
    expect(goneByDecember).toBeGreaterThan(0.02);
    expect(goneByDecember).toBeLessThan(0.05);
  });

  it("groups a month by source, with feed ids per source and chunk", () => {
    const month = demoMonth(ROLL.slice(0, 3000), "2026-05", 7);
    expect([...month.keys()]).toEqual([...month.keys()].sort());
    for (const [source, items] of month) expect(items.every((i) => i.source === source)).toBe(true);
    const total = [...month.values()].reduce((n, l) => n + l.length, 0);
    expect(total).toBe(ROLL.slice(0, 3000).reduce((n, id) => n + demoItemsFor(id, "2026-05", 7).length, 0));
    expect(demoFeedId("2026-05", "02", 3)).toBe("demo:2026-05:02:3");
    expect(() => demoItemsFor(ROLL[0]!, "2026-13", 7)).toThrow(/invalid period/);
  });
});
