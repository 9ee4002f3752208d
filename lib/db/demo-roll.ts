import { Faker, zh_CN, en, base } from "@faker-js/faker";
import { checkCharacter } from "../domain/national-id";
import { ROLL_COLUMNS } from "../server/imports/roll-csv";

/** Deterministic pseudo-random source, so demo data is the same on every machine. */
function mulberry32(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function demoNationalId(county: string, birth: string, seq: number, sex: "male" | "female"): string {
  const s = seq % 500;
  const n = sex === "male" ? s * 2 + 1 : s * 2;
  const first17 = `${county}${birth.replaceAll("-", "")}${String(n).padStart(3, "0")}`;
  return first17 + checkCharacter(first17);
}

export const ROLL_CSV_HEADER = ROLL_COLUMNS.map((c) => c[1]).join(",") + "\n";

/** Ages are reckoned on this day: the demo's and the benchmark's months are in late 2026. */
export const DEMO_AGE_REFERENCE = "2026-10-01";

/**
 * The demo roll's ages on DEMO_AGE_REFERENCE, in five-year bands: [from, to) and the share of the
 * roll. The shape of China's population aged 60 and over in the 2020 census (National Bureau of
 * Statistics: 264.0 million aged 60+, 190.6 million 65+, 35.8 million 80+), rounded: flat through
 * the sixties, then falling by about a third every five years, with a thin tail past 90. 13.6 %
 * are 80 or over (the default kiosk cohort), 1.6 % 90 or over. Within a band, birthdays are uniform.
 */
export const DEMO_AGE_BANDS: readonly (readonly [number, number, number])[] = [
  [60, 65, 0.278],
  [65, 70, 0.28],
  [70, 75, 0.181],
  [75, 80, 0.125],
  [80, 85, 0.077],
  [85, 90, 0.043],
  [90, 95, 0.013],
  [95, 100, 0.003],
];

const DAY_MS = 86_400_000;
const REF_MS = Date.parse(`${DEMO_AGE_REFERENCE}T00:00:00Z`);
const OLDEST = DEMO_AGE_BANDS.at(-1)![1];
/** Day 0 is the earliest birthday of the oldest band; days run to the last birthday of the youngest. */
const FIRST_BIRTH_MS = Date.UTC(new Date(REF_MS).getUTCFullYear() - OLDEST, new Date(REF_MS).getUTCMonth(), new Date(REF_MS).getUTCDate()) + DAY_MS;

function yearsBefore(years: number): number {
  const d = new Date(REF_MS);
  return Date.UTC(d.getUTCFullYear() - years, d.getUTCMonth(), d.getUTCDate());
}

/** Birthday ranges of the bands as [first day, last day] indexes after FIRST_BIRTH_MS, with cumulative shares. */
const BAND_DAYS = (() => {
  let cum = 0;
  const total = DEMO_AGE_BANDS.reduce((a, b) => a + b[2], 0);
  return DEMO_AGE_BANDS.map(([from, to, share]) => {
    cum += share / total;
    // Aged `from` to `to - 1` on the reference day: born after it minus `to` years, on or before it minus `from` years.
    const first = Math.round((yearsBefore(to) + DAY_MS - FIRST_BIRTH_MS) / DAY_MS);
    const last = Math.round((yearsBefore(from) - FIRST_BIRTH_MS) / DAY_MS);
    return { first, last, upTo: cum };
  });
})();
const TOTAL_DAYS = Math.max(...BAND_DAYS.map((b) => b.last)) + 1;

/** A birthday index for a uniform draw u in [0, 1): a band by its share, then a day in it. */
function birthDayIndex(u: number): number {
  let lo = 0;
  for (const b of BAND_DAYS) {
    if (u < b.upTo) {
      const w = (u - lo) / (b.upTo - lo);
      return b.first + Math.min(b.last - b.first, Math.floor(w * (b.last - b.first + 1)));
    }
    lo = b.upTo;
  }
  return BAND_DAYS.at(-1)!.last;
}

/**
 * A realistic roll of n pensioners over the given counties, as CSV lines (header first). Names,
 * addresses and phones come from faker's zh_CN locale drawn from a fixed seed; ages follow
 * DEMO_AGE_BANDS; ID numbers are valid GB 11643 numbers that agree with the birth date and sex and
 * are unique: each (county, birthday) hands out its serials in turn (odd for men, even for women),
 * a thousand of them, which holds for rolls of a hundred million over Guizhou's counties.
 */
export function* demoRollCsv(n: number, counties: string[], seed = 2026): Generator<string> {
  const faker = new Faker({ locale: [zh_CN, en, base] });
  faker.seed(seed);
  const rnd = mulberry32(seed);
  const names = Array.from({ length: 4000 }, () => faker.person.lastName() + faker.person.firstName());
  const streets = Array.from({ length: 800 }, () => faker.location.street() + faker.location.buildingNumber() + "号");
  const schemes = ["enterprise", "enterprise", "enterprise", "public", "rural", "rural"];
  // Serials handed out per (county, birthday); the first serial of each is drawn at random so both sexes start evenly.
  const used = new Uint16Array(counties.length * TOTAL_DAYS);
  yield ROLL_CSV_HEADER;
  for (let i = 0; i < n; i++) {
    const c = i % counties.length;
    const county = counties[c]!;
    const day = birthDayIndex(rnd());
    const birth = new Date(FIRST_BIRTH_MS + day * DAY_MS).toISOString().slice(0, 10);
    const serial = used[c * TOTAL_DAYS + day]!++;
    if (serial >= 1000) throw new Error(`the demo roll ran out of ID serials for ${county} born ${birth}`);
    const sex = (serial + day) % 2 === 1 ? "male" : "female";
    const id = demoNationalId(county, birth, serial >> 1, sex);
    const r = rnd();
    const status = r < 0.96 ? "active" : r < 0.99 ? "suspended" : "terminated";
    const pension = 150_000 + Math.floor(rnd() * 600_000);
    const enrolled = `${2000 + Math.floor(rnd() * 25)}-${String(1 + Math.floor(rnd() * 12)).padStart(2, "0")}-01`;
    const phone = rnd() < 0.85 ? `1${3 + Math.floor(rnd() * 6)}${String(Math.floor(rnd() * 1e9)).padStart(9, "0")}` : "";
    yield `${id},${names[i % names.length]},${sex},${birth},${county},${streets[Math.floor(rnd() * streets.length)]},${phone},${schemes[i % schemes.length]},${pension},${status},${enrolled}\n`;
  }
}
