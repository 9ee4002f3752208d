import { z } from "zod";
import { vmsg } from "../i18n/validation";
import { birthDateOf, nationalIdProblem, normaliseNationalId } from "./national-id";

export const SCHEMES = ["enterprise", "public", "rural"] as const;
export const PAYMENT_STATUSES = ["active", "suspended", "terminated"] as const;
export const SEXES = ["male", "female"] as const;

const ID_MESSAGES = { format: vmsg("idFormat"), checkDigit: vmsg("idCheckDigit"), birthDate: vmsg("idBirthDate") } as const;

const isoDate = z.string({ message: vmsg("dateFormat") }).regex(/^\d{4}-\d{2}-\d{2}$/, vmsg("dateFormat")).refine((s) => {
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().startsWith(s);
}, vmsg("dateReal"));

const name = z.string({ message: vmsg("required") }).trim().min(1, vmsg("required")).max(64, vmsg("tooLong", { max: 64 }));
const address = z.string().trim().max(200, vmsg("tooLong", { max: 200 }));
const phone = z.string().trim().regex(/^$|^1\d{10}$|^0\d{2,3}-?\d{7,8}$/, vmsg("phone"));
const countyCode = z.string({ message: vmsg("countyCode") }).regex(/^\d{6}$/, vmsg("countyCode"));
const sex = z.enum(SEXES, { message: vmsg("sex") });
const scheme = z.enum(SCHEMES, { message: vmsg("scheme") });
const paymentStatus = z.enum(PAYMENT_STATUSES, { message: vmsg("paymentStatus") });
const fen = z
  .number({ message: vmsg("wholeFen") })
  .int(vmsg("wholeFen"))
  .min(0, vmsg("notNegative"))
  .max(10_000_000, vmsg("tooLarge"));

/** A pensioner as officers enter it, in the form and in each CSV row. */
export const ZPensionerInput = z
  .object({
    nationalId: z
      .string({ message: vmsg("required") })
      .transform(normaliseNationalId)
      .superRefine((id, ctx) => {
        const p = nationalIdProblem(id);
        if (p) ctx.addIssue({ code: "custom", message: ID_MESSAGES[p] });
      }),
    name,
    sex,
    birthDate: isoDate,
    regionCode: countyCode,
    address: address.default(""),
    phone: phone.default(""),
    scheme,
    monthlyPensionFen: fen,
    paymentStatus: paymentStatus.default("active"),
    enrolledOn: isoDate,
  })
  .superRefine((p, ctx) => {
    if (/^\d{17}[\dX]$/.test(p.nationalId) && birthDateOf(p.nationalId) !== p.birthDate) {
      ctx.addIssue({ code: "custom", path: ["birthDate"], message: vmsg("birthDateMismatch") });
    }
  });

export type TPensionerInput = z.output<typeof ZPensionerInput>;

/** Fields an officer may change after creation (the ID number is fixed; a wrong one is a new record). */
export const ZPensionerUpdate = z.object({
  version: z.number().int().min(1),
  name: name.optional(),
  sex: sex.optional(),
  regionCode: countyCode.optional(),
  address: address.optional(),
  phone: phone.optional(),
  scheme: scheme.optional(),
  monthlyPensionFen: fen.optional(),
  paymentStatus: paymentStatus.optional(),
  enrolledOn: isoDate.optional(),
});
export type TPensionerUpdate = z.output<typeof ZPensionerUpdate>;

export const ZPensionerQuery = z.object({
  q: z.string().trim().max(64).optional(),
  region: z.string().regex(/^\d{2,6}$/).optional(),
  status: z.enum(PAYMENT_STATUSES).optional(),
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(25),
});
export type TPensionerQuery = z.output<typeof ZPensionerQuery>;

/** What the API returns for a pensioner: the ID number only ever masked. */
export type TPensionerView = {
  id: string;
  maskedId: string;
  name: string;
  sex: (typeof SEXES)[number];
  birthDate: string;
  regionCode: string;
  regionName: string;
  address: string;
  phone: string;
  scheme: (typeof SCHEMES)[number];
  monthlyPensionFen: number;
  paymentStatus: (typeof PAYMENT_STATUSES)[number];
  enrolledOn: string;
  version: number;
  updatedAt: string;
};
