import { z } from "zod";
import { vmsg } from "../i18n/validation";

export const ZIdParams = z.object({ id: z.uuid({ message: vmsg("uuid") }) });
export const ZPage = z.object({
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(50),
});

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Pages take ids from the URL unparsed; a malformed one is simply not found. */
export function isUuid(s: string): boolean {
  return UUID_RE.test(s);
}
