import "server-only";
import { maskNationalId } from "../../domain/national-id";
import type { TPensionerView } from "../../domain/pensioner";

/** Columns a view needs: never the ciphertext. */
export const pensionerViewSelect = {
  id: true,
  idPrefix: true,
  idSuffix: true,
  name: true,
  sex: true,
  birthDate: true,
  regionCode: true,
  address: true,
  phone: true,
  scheme: true,
  monthlyPensionFen: true,
  paymentStatus: true,
  enrolledOn: true,
  version: true,
  updatedAt: true,
} as const;

/**
 * The same columns for a hand-written statement, named as Prisma names them (dates as UTC
 * midnights, as Prisma reads a date column). Read the rows with fromViewColumns.
 */
export const PENSIONER_VIEW_COLUMNS = `id::text as id, id_prefix as "idPrefix", id_suffix as "idSuffix", name, sex::text as sex,
  (birth_date::timestamp at time zone 'UTC') as "birthDate", region_code as "regionCode", address, phone, scheme,
  monthly_pension_fen::text as "monthlyPensionFen", payment_status::text as "paymentStatus",
  (enrolled_on::timestamp at time zone 'UTC') as "enrolledOn", version, updated_at as "updatedAt"`;

export const fromViewColumns = (r: Omit<TRow, "monthlyPensionFen"> & { monthlyPensionFen: string }): TRow => ({ ...r, monthlyPensionFen: BigInt(r.monthlyPensionFen) });

type TRow = {
  id: string;
  idPrefix: string;
  idSuffix: string;
  name: string;
  sex: TPensionerView["sex"];
  birthDate: Date;
  regionCode: string;
  address: string;
  phone: string;
  scheme: string;
  monthlyPensionFen: bigint;
  paymentStatus: TPensionerView["paymentStatus"];
  enrolledOn: Date;
  version: number;
  updatedAt: Date;
};

const day = (d: Date) => d.toISOString().slice(0, 10);

export function toPensionerView(r: TRow, regionNames: Map<string, string>): TPensionerView {
  return {
    id: r.id,
    maskedId: maskNationalId(r.idPrefix, r.idSuffix),
    name: r.name,
    sex: r.sex,
    birthDate: day(r.birthDate),
    regionCode: r.regionCode,
    regionName: regionNames.get(r.regionCode) ?? r.regionCode,
    address: r.address,
    phone: r.phone,
    scheme: r.scheme as TPensionerView["scheme"],
    monthlyPensionFen: Number(r.monthlyPensionFen),
    paymentStatus: r.paymentStatus,
    enrolledOn: day(r.enrolledOn),
    version: r.version,
    updatedAt: r.updatedAt.toISOString(),
  };
}
