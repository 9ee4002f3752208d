// The staff reference printed on a check notice ("参考编号", and again in the footer "经办人员查询用"):
// `K-2026-11-3F9A2C1B`, the check's month and the first 8 hex digits of its id. It is what a
// pensioner reads out on the phone or hands over at the counter, so the search accepts it the way
// people type it: any case, with or without the K, the dashes or spaces, with or without the month,
// and the check's full id as well.

/** `K-2026-11-3F9A2C1B` for a check of 2026-11 whose id starts 3f9a2c1b. */
export const checkReference = (c: { id: string; period: string }) => `K-${c.period}-${c.id.slice(0, 8).toUpperCase()}`;

/** `C-3F9A2C1B`: the case reference a suspension or termination notice prints (the case id's first 8 hex digits). */
export const caseReference = (caseId: string) => `C-${caseId.slice(0, 8).toUpperCase()}`;

/** What a typed reference pins down: the id's first 8 hex digits (lower case), and the month when given. */
export type TCheckReferenceQuery = { idPrefix: string; period: string | null } | { id: string; period: null };

export function parseCheckReference(input: string): TCheckReferenceQuery | null {
  const s = input.trim().replace(/[\s_]+/g, "").toLowerCase();
  const uuid = /^([0-9a-f]{8})-?([0-9a-f]{4})-?([0-9a-f]{4})-?([0-9a-f]{4})-?([0-9a-f]{12})$/.exec(s);
  if (uuid) return { id: uuid.slice(1).join("-"), period: null };
  const m = /^(?:k-?)?(?:(\d{4})-?(0[1-9]|1[0-2])-?)?([0-9a-f]{8})$/.exec(s);
  if (!m) return null;
  return { idPrefix: m[3]!, period: m[1] ? `${m[1]}-${m[2]}` : null };
}

/** The uuid range of ids that start with `prefix` (8 hex digits): a range the primary key's index answers. */
export function idPrefixRange(prefix: string): [string, string] {
  return [`${prefix}-0000-0000-0000-000000000000`, `${prefix}-ffff-ffff-ffff-ffffffffffff`];
}
