import { z } from "zod";
import { vmsg } from "../i18n/validation";

export const ZIdParams = z.object({ id: z.uuid({ message: vmsg("uuid") }) });
export const ZPage = z.object({
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(50),
});
