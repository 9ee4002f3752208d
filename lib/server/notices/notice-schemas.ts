import { z } from "zod";
import { vmsg } from "../../i18n/validation";
import { NOTICE_SIZES } from "./notice-sizes";

// The notices routes' query schemas (app/api/v1/notices/**).

export const ZNoticeSize = z.enum(NOTICE_SIZES, { message: vmsg("invalid") }).default("A4");

export const ZRegionNoticesQuery = z.object({
  /** A city (4 digits) or county (6 digits). */
  region: z.string({ message: vmsg("required") }).regex(/^\d{4}(\d{2})?$/, { message: vmsg("invalid") }),
  period: z.string({ message: vmsg("required") }).regex(/^\d{4}-(0[1-9]|1[0-2])$/, { message: vmsg("invalid") }),
  size: ZNoticeSize,
});
export type TRegionNoticesQuery = z.output<typeof ZRegionNoticesQuery>;
