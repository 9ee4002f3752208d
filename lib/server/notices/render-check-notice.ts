import "server-only";
import { NoticeWriter, type TNoticeSize } from "./notice-layout";
import type { TQrMatrix } from "./notice-qr";
import { dateText, T, type TCheckReason, type TPlace } from "./notice-text";

/** Everything a check notice shows, as plain data (no database, no keys): what the renderer needs. */
export type TCheckNoticeData = {
  name: string;
  maskedId: string;
  /** YYYY-MM-DD */
  dueOn: string;
  reason: TCheckReason;
  cohortAge: number;
  county: TPlace;
  /** Active kiosks that serve the pensioner's county, nearest level first. */
  kiosks: { name: string; location: string }[];
  moreKiosks: number;
  reference: string;
  qr: TQrMatrix;
  /** The last day (YYYY-MM-DD, CST) the QR code works. */
  validUntil: string;
  /** YYYY-MM-DD */
  printedOn: string;
};

/** Kiosks listed on one notice; the rest are counted ("and 3 more"). */
export const KIOSKS_LISTED: Record<TNoticeSize, number> = { A4: 3, A5: 2 };

/** Draws one check notice on a new page of doc; `overflowed` tells whether any text had to be cut to keep it to one page. */
export function renderCheckNotice(doc: PDFKit.PDFDocument, size: TNoticeSize, d: TCheckNoticeData): { overflowed: boolean } {
  const w = new NoticeWriter(doc, size);
  const s = w.s;
  w.footer(`${T.printedOn.zh} ${T.printedOn.en}: ${d.printedOn}    ${T.staffOnly.zh} ${T.staffOnly.en}: ${d.reference}`);

  w.bi(T.bureau(d.county), { zh: s.zh * 0.9, en: s.en * 0.9, oneLine: true, after: s.gap * 0.8 });
  w.bi(T.checkTitle, { bold: true, zh: s.title, en: s.titleEn, align: "center", after: s.gap * 0.6 });
  w.rule();

  // Fields on the left, the QR code on the right.
  const top = w.y;
  const qrX = w.left + w.width - s.qr;
  const colW = w.width - s.qr - s.gap * 2;
  let fy = top;
  fy += w.field(T.name, d.name, w.left, fy, colW);
  fy += w.field(T.idNumber, d.maskedId, w.left, fy, colW);
  fy += w.field(T.dueOn, `${dateText(d.dueOn).zh}  ${dateText(d.dueOn).en}`, w.left, fy, colW, { emphasis: true });
  fy += w.field(T.reference, d.reference, w.left, fy, colW);
  w.qr(d.qr, qrX, top, s.qr);
  let qy = top + s.qr + 2;
  const cap = (str: string, size: number, bold = false) => (qy += w.text(str, { x: qrX - s.gap, y: qy, width: s.qr + 2 * s.gap, size, bold, align: "center", oneLine: true }));
  cap(T.qrCaption.zh, s.label * 1.1, true);
  cap(T.qrCaption.en, s.label);
  const valid = T.qrValid(dateText(d.validUntil));
  cap(valid.zh, s.label);
  cap(valid.en, s.label);
  w.y = Math.max(fy, qy) + s.gap;
  w.rule("#cccccc");

  w.bi(T.checkIntro(dateText(d.dueOn)), { after: s.gap * 0.6 });
  w.bi(T.checkReason(d.reason, d.cohortAge));

  w.heading(T.whereTitle);
  for (const k of d.kiosks) w.bullet(T.kioskLine(k), { oneLine: true });
  if (d.moreKiosks > 0) w.bullet(`${T.moreKiosks(d.moreKiosks).zh}  ${T.moreKiosks(d.moreKiosks).en}`, { oneLine: true });
  w.bullet(T.orOffice(d.county), { oneLine: true });
  w.y += s.gap * 0.4;
  w.bi(T.bring, { bold: true, after: s.gap });
  w.bi(T.checkLate, { zh: s.zh * 0.78, en: s.en * 0.82, color: "#333333", after: 0 });
  return { overflowed: w.overflowed };
}
