import "server-only";
import { caseReference } from "../../domain/check-reference";
import { prisma } from "../../db/client";
import { env } from "../../env.js";
import type { TActor } from "../actor";
import { AppError } from "../app-error";
import { recordAudit } from "../audit/record-audit";
import { todayCst } from "../checks/list-kiosk-checks";
import { allRegions } from "../regions/region-names";
import { scopeWhere } from "../regions/scope";
import { servingKiosks } from "./check-notice-data";
import { noticeFonts } from "./notice-font";
import { maskNationalId, newNoticeDocument, type TNoticeSize } from "./notice-layout";
import { pdfBuffer } from "./notice-stream";
import type { THoldCause, THoldKind } from "./notice-text";
import { renderSuspensionNotice } from "./render-suspension-notice";

const DAY_MS = 86_400_000;

/** `C-3F9A2C1B`: the case id's first 8 hex digits, as the case page shows it. */

/**
 * The suspension (or termination) notice of a case in the caller's regions whose payment hold is
 * in force, with how to appeal; refused (409) without one. The print is recorded on the case's
 * timeline (notice_printed) and in the audit trail, in one transaction.
 */
export async function printSuspensionNotice(actor: TActor, caseId: string, size: TNoticeSize, now = new Date()): Promise<{ pdf: Buffer; fileName: string }> {
  const fonts = noticeFonts();
  const c = await prisma().case.findFirst({ where: { id: caseId, ...scopeWhere(actor.regions) }, select: { id: true, pensionerId: true, regionCode: true, period: true } });
  if (!c) throw new AppError("NOT_FOUND", "No case with this id in your regions");
  const hold = await prisma().paymentHold.findFirst({
    where: { caseId: c.id, liftedPeriod: null },
    select: { id: true, kind: true, cause: true, monthlyFen: true, startPeriod: true },
    orderBy: { createdAt: "desc" },
  });
  if (!hold) throw new AppError("CONFLICT", "This case has no payment hold in force (the payment was never suspended, or it was reinstated): there is no suspension notice to print");
  const p = await prisma().pensioner.findFirstOrThrow({ where: { id: c.pensionerId }, select: { name: true, idPrefix: true, idSuffix: true } });
  const county = (await allRegions()).find((r) => r.code === c.regionCode);
  const cause = hold.cause as THoldCause;
  const kind = hold.kind as THoldKind;
  const printedOn = todayCst(now);
  const data = {
    name: p.name,
    maskedId: maskNationalId(p.idPrefix, p.idSuffix),
    kind,
    cause,
    startPeriod: hold.startPeriod,
    monthlyFen: hold.monthlyFen,
    county: { name: county?.name ?? c.regionCode, nameEn: county?.nameEn ?? c.regionCode },
    appealDays: env.APPEAL_DAYS,
    appealBy: new Date(Date.parse(printedOn) + env.APPEAL_DAYS * DAY_MS).toISOString().slice(0, 10),
    kiosks: cause === "unverified" ? (await servingKiosks(c.regionCode)).slice(0, size === "A4" ? 3 : 2) : [],
    reference: caseReference(c.id),
    printedOn,
  };
  const title = kind === "terminated" ? "养老保险待遇终止发放通知 Notice of termination of pension payment" : "养老保险待遇暂停发放通知 Notice of suspension of pension payment";
  const pdf = await pdfBuffer(newNoticeDocument(fonts, title), (doc) => renderSuspensionNotice(doc, size, data));
  const noticeKind = kind === "terminated" ? "termination" : "suspension";
  await prisma().$transaction(async (tx) => {
    await tx.caseEvent.create({
      data: { caseId: c.id, casePeriod: c.period, regionCode: c.regionCode, kind: "notice_printed", actorId: actor.userId, data: { notice: noticeKind, size, holdId: hold.id, appealBy: data.appealBy } },
      select: { id: true },
    });
    await recordAudit(tx, actor, {
      action: "notice.print",
      targetType: "case",
      targetId: c.id,
      regionCode: c.regionCode,
      summary: { kind: noticeKind, count: 1, region: c.regionCode, period: hold.startPeriod, size },
    });
  });
  return { pdf, fileName: `${noticeKind}-notice-${caseReference(c.id)}.pdf` };
}
