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

/**
 * A realistic roll of n pensioners over the given counties, as CSV lines (header first). Names,
 * addresses and phones come from faker's zh_CN locale drawn from a fixed seed; ID numbers are valid
 * GB 11643 numbers that agree with the birth date and sex, unique for rolls up to 6 million.
 */
export function* demoRollCsv(n: number, counties: string[], seed = 2026): Generator<string> {
  const faker = new Faker({ locale: [zh_CN, en, base] });
  faker.seed(seed);
  const rnd = mulberry32(seed);
  const names = Array.from({ length: 4000 }, () => faker.person.lastName() + faker.person.firstName());
  const streets = Array.from({ length: 800 }, () => faker.location.street() + faker.location.buildingNumber() + "号");
  const schemes = ["enterprise", "enterprise", "enterprise", "public", "rural", "rural"];
  const days = 365 * 35;
  const base1930 = Date.UTC(1930, 0, 1);
  yield ROLL_CSV_HEADER;
  for (let i = 0; i < n; i++) {
    const county = counties[i % counties.length]!;
    // 7919 is prime to `days`, so i ↦ (birth date, serial) is one-to-one and every ID is unique.
    const dayIndex = (i * 7919) % days;
    const birth = new Date(base1930 + dayIndex * 86_400_000).toISOString().slice(0, 10);
    const sex = rnd() < 0.5 ? "male" : "female";
    const seq = Math.floor(i / days);
    const id = demoNationalId(county, birth, seq, sex);
    const r = rnd();
    const status = r < 0.96 ? "active" : r < 0.99 ? "suspended" : "terminated";
    const pension = 150_000 + Math.floor(rnd() * 600_000);
    const enrolled = `${2000 + Math.floor(rnd() * 25)}-${String(1 + Math.floor(rnd() * 12)).padStart(2, "0")}-01`;
    const phone = rnd() < 0.85 ? `1${3 + Math.floor(rnd() * 6)}${String(Math.floor(rnd() * 1e9)).padStart(9, "0")}` : "";
    yield `${id},${names[i % names.length]},${sex},${birth},${county},${streets[Math.floor(rnd() * streets.length)]},${phone},${schemes[i % schemes.length]},${pension},${status},${enrolled}\n`;
  }
}
