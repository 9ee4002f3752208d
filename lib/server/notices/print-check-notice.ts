import "server-only";
import { pool, prisma } from "../../db/client";
import type { TActor } from "../actor";
import { AppError } from "../app-error";
import { recordAudit } from "../audit/record-audit";
import { scopePatterns } from "../regions/scope";
import { CHECK_NOTICE_SELECT, checkNoticeBuilder, OPEN_CHECK_STATUSES, type TCheckNoticeRow } from "./check-notice-data";
import { noticeFonts } from "./notice-font";
import { newNoticeDocument, type TNoticeSize } from "./notice-layout";
import { pdfBuffer } from "./notice-stream";
import { renderCheckNotice } from "./render-check-notice";

/**
 * The check notice of one open kiosk check in the caller's regions, as a one-page PDF whose QR code
 * the kiosk accepts; the print is audited (notice.print) before the bytes leave.
 */
export async function printCheckNotice(actor: TActor, checkId: string, size: TNoticeSize): Promise<{ pdf: Buffer; fileName: string }> {
  const fonts = noticeFonts();
  const { rows } = await pool().query<TCheckNoticeRow>(
    `select ${CHECK_NOTICE_SELECT}
       from kiosk_checks c join pensioners p on p.id = c.pensioner_id
      where c.id = $1 and c.region_code like any($2)`,
    [checkId, scopePatterns(actor.regions)],
  );
  const row = rows[0];
  if (!row) throw new AppError("NOT_FOUND", "No kiosk check with this id in your regions");
  if (!OPEN_CHECK_STATUSES.includes(row.status)) {
    throw new AppError("CONFLICT", `This check is ${row.status.replace("_", " ")}, not open: only a scheduled or in-progress check gets a notice`);
  }
  if (row.payment_status === "terminated") {
    throw new AppError("CONFLICT", "The pension is terminated: a kiosk no longer serves this pensioner, so no check notice is printed");
  }
  const data = await checkNoticeBuilder(size)(row);
  const pdf = await pdfBuffer(newNoticeDocument(fonts, "养老保险待遇领取资格认证通知 Pension entitlement verification notice"), (doc) => renderCheckNotice(doc, size, data));
  await prisma().$transaction(async (tx) => {
    await recordAudit(tx, actor, {
      action: "notice.print",
      targetType: "kiosk_check",
      targetId: row.id,
      regionCode: row.region_code,
      summary: { kind: "check", count: 1, region: row.region_code, period: row.period, size },
    });
  });
  return { pdf, fileName: `check-notice-${data.maskedId.replaceAll("*", "x")}.pdf` };
}
