import { dictionary } from "@zxcvbn-ts/language-common";
import { vmsg } from "../i18n/validation";

// NIST SP 800-63B 5.1.1.2: a minimum length, no composition rules, and a blocklist of passwords
// known to be common or breached. The list is zxcvbn-ts's common-passwords dictionary (about
// 49,000 entries drawn from breach corpora), shipped inside the npm package.
export const PASSWORD_MIN = 12;
export const PASSWORD_MAX = 128;

let blocklist: Set<string> | null = null;
const common = () => (blocklist ??= new Set(dictionary["passwords-common"].map((p) => p.toLowerCase())));

const fold = (s: string) => s.normalize("NFKC").toLowerCase().replace(/[\s._\-@]+/g, "");

/**
 * Why a new password is refused, as a validation message code (empty when it is acceptable).
 * `context` holds what the password may not contain: the user's email, its local part, username
 * and name.
 */
export function passwordProblems(password: string, context: { email?: string | null; username?: string | null; name?: string | null }): string[] {
  const length = [...password.normalize("NFKC")].length;
  if (length < PASSWORD_MIN) return [vmsg("passwordShort", { min: PASSWORD_MIN })];
  if (length > PASSWORD_MAX) return [vmsg("tooLong", { max: PASSWORD_MAX })];
  const problems: string[] = [];
  const folded = fold(password);
  // A known password padded with a digit or two ("password1234") is no better than the password.
  const core = folded.replace(/[0-9!]+$/, "");
  if (common().has(password.toLowerCase()) || common().has(folded) || (core.length >= 6 && common().has(core))) problems.push(vmsg("passwordCommon"));
  if (/^(.)\1+$/u.test(password) || "0123456789abcdefghijklmnopqrstuvwxyz".includes(folded) || "qwertyuiopasdfghjklzxcvbnm".includes(folded)) {
    problems.push(vmsg("passwordCommon"));
  }
  const email = context.email?.toLowerCase() ?? "";
  const parts = [email, email.split("@")[0], context.username, context.name].map((s) => fold(s ?? "")).filter((s) => s.length >= 2);
  if (parts.some((p) => folded.includes(p))) problems.push(vmsg("passwordPersonal"));
  return [...new Set(problems)];
}
