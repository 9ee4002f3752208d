import { z } from "zod";
import { ROLES } from "../../auth/permissions";
import { vmsg } from "../../i18n/validation";

// What an admin sends to create or change a staff account (the API and `npm run user:create`).
const ZRegions = z
  .array(z.string().regex(/^\d{2}(\d{2}){0,2}$/, { message: vmsg("regionCode") }))
  .min(1, { message: vmsg("regionsRequired") })
  .max(50)
  .transform((r) => [...new Set(r)]);

export const ZCreateUser = z.object({
  name: z.string().trim().min(1, { message: vmsg("required") }).max(64, { message: vmsg("tooLong", { max: 64 }) }),
  email: z.string().trim().toLowerCase().max(254, { message: vmsg("tooLong", { max: 254 }) }).pipe(z.email({ message: vmsg("emailFormat") })),
  role: z.enum(ROLES),
  regions: ZRegions,
});
export type TCreateUser = z.infer<typeof ZCreateUser>;

export const ZUpdateUser = z
  .object({
    name: ZCreateUser.shape.name.optional(),
    role: z.enum(ROLES).optional(),
    regions: ZRegions.optional(),
    disabled: z.boolean().optional(),
  })
  .strict();
export type TUpdateUser = z.infer<typeof ZUpdateUser>;

export const ZNewPassword = z.string().min(1, { message: vmsg("required") }).max(1024, { message: vmsg("tooLong", { max: 128 }) });
