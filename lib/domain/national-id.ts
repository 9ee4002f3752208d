// GB 11643-1999 citizen identity numbers: 6-digit region, 8-digit birth date, 3-digit sequence
// (odd for men, even for women) and an ISO 7064 MOD 11-2 check character.
const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK = "10X98765432";

export type TIdProblem = "format" | "checkDigit" | "birthDate";

export function checkCharacter(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += (first17.charCodeAt(i) - 48) * WEIGHTS[i]!;
  return CHECK[sum % 11]!;
}

/** Uppercases a trailing x and strips surrounding spaces. */
export function normaliseNationalId(raw: string): string {
  return raw.trim().toUpperCase();
}

export function birthDateOf(id: string): string {
  return `${id.slice(6, 10)}-${id.slice(10, 12)}-${id.slice(12, 14)}`;
}

export function sexOf(id: string): "male" | "female" {
  return (id.charCodeAt(16) - 48) % 2 === 1 ? "male" : "female";
}

/** Returns the first problem with an (already normalised) ID number, or null if it is valid. */
export function nationalIdProblem(id: string, today = new Date()): TIdProblem | null {
  if (!/^\d{17}[\dX]$/.test(id)) return "format";
  const birth = birthDateOf(id);
  const d = new Date(`${birth}T00:00:00Z`);
  if (Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== birth) return "birthDate";
  if (d.getUTCFullYear() < 1890 || d > today) return "birthDate";
  if (checkCharacter(id.slice(0, 17)) !== id[17]) return "checkDigit";
  return null;
}

/** `520102194503151234` → `5201**********1234`. */
export function maskNationalId(prefix4: string, suffix4: string): string {
  return `${prefix4}${"*".repeat(10)}${suffix4}`;
}
