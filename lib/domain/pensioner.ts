import { z } from "zod";
import { birthDateOf, nationalIdProblem, normaliseNationalId } from "./national-id";

export const SCHEMES = ["enterprise", "public", "rural"] as const;
export const PAYMENT_STATUSES = ["active", "suspended", "terminated"] as const;
export const SEXES = ["male", "female"] as const;

const ID_MESSAGES = {
  format: "must be 17 digits followed by a digit or X",
  checkDigit: "check digit does not match (GB 11643)",
  birthDate: "contains an impossible birth date",
} as const;

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "must be a date YYYY-MM-DD").refine((s) => {
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().startsWith(s);
}, "is not a real date");

/** A pensioner as officers enter it, in the form and in each CSV row. */
export const ZPensionerInput = z
  .object({
    nationalId: z
      .string()
      .transform(normaliseNationalId)
      .superRefine((id, ctx) => {
        const p = nationalIdProblem(id);
        if (p) ctx.addIssue({ code: "custom", message: ID_MESSAGES[p] });
      }),
    name: z.string().trim().min(1, "is required").max(64, "is longer than 64 characters"),
    sex: z.enum(SEXES, { message: "must be male or female" }),
    birthDate: isoDate,
    regionCode: z.string().regex(/^\d{6}$/, "must be a 6-digit county code"),
    address: z.string().trim().max(200, "is longer than 200 characters").default(""),
    phone: z
      .string()
      .trim()
      .regex(/^$|^1\d{10}$|^0\d{2,3}-?\d{7,8}$/, "must be a mobile (11 digits) or landline number")
      .default(""),
    scheme: z.enum(SCHEMES, { message: `must be one of ${SCHEMES.join(", ")}` }),
    monthlyPensionFen: z.coerce
      .number({ message: "must be a whole number of fen" })
      .int("must be a whole number of fen")
      .min(0, "must not be negative")
      .max(10_000_000, "is implausibly large (over 100,000 yuan a month)"),
    paymentStatus: z.enum(PAYMENT_STATUSES).default("active"),
    enrolledOn: isoDate,
  })
  .superRefine((p, ctx) => {
    if (/^\d{17}[\dX]$/.test(p.nationalId) && birthDateOf(p.nationalId) !== p.birthDate) {
      ctx.addIssue({ code: "custom", path: ["birthDate"], message: "does not agree with the ID number" });
    }
  });

export type TPensionerInput = z.output<typeof ZPensionerInput>;

/** Fields an officer may change after creation (the ID number is fixed; a wrong one is a new record). */
export const ZPensionerUpdate = z.object({
  version: z.number().int().min(1),
  name: z.string().trim().min(1, "is required").max(64).optional(),
  sex: z.enum(SEXES).optional(),
  regionCode: z.string().regex(/^\d{6}$/, "must be a 6-digit county code").optional(),
  address: z.string().trim().max(200).optional(),
  phone: z
    .string()
    .trim()
    .regex(/^$|^1\d{10}$|^0\d{2,3}-?\d{7,8}$/, "must be a mobile (11 digits) or landline number")
    .optional(),
  scheme: z.enum(SCHEMES).optional(),
  monthlyPensionFen: z.number().int().min(0, "must not be negative").max(10_000_000).optional(),
  paymentStatus: z.enum(PAYMENT_STATUSES).optional(),
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
