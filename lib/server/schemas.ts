import { z } from "zod";

export const ZIdParams = z.object({ id: z.uuid({ message: "must be a UUID" }) });
export const ZPage = z.object({
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(50),
});
