import "server-only";
import { NoticeWriter, type TNoticeSize } from "./notice-layout";
import { dateText, periodText, T, yuanText, type THoldCause, type THoldKind, type TPlace } from "./notice-text";

/** Everything a suspension (or termination) notice shows, as plain data. */
export type TSuspensionNoticeData = {
  name: string;
  maskedId: string;
  kind: THoldKind;
  cause: THoldCause;
  /** The first period not paid (YYYY-MM). */
  startPeriod: string;
  monthlyFen: bigint;
  county: TPlace;
  appealDays: number;
  /** YYYY-MM-DD: the notice's date + appealDays. */
  appealBy: string;
  /** Kiosks listed for a suspension for a missed check (where the pensioner can verify once a check is arranged). */
  kiosks: { name: string; location: string }[];
  reference: string;
  /** YYYY-MM-DD */
  printedOn: string;
};

/** Draws one suspension or termination notice on a new page of doc. */
export function renderSuspensionNotice(doc: PDFKit.PDFDocument, size: TNoticeSize, d: TSuspensionNoticeData): { overflowed: boolean } {
  const w = new NoticeWriter(doc, size);
  const s = w.s;
  w.footer(`${T.printedOn.zh} ${T.printedOn.en}: ${d.printedOn}    ${T.caseReference.zh} ${T.caseReference.en}: ${d.reference}`);

  w.bi(T.bureau(d.county), { zh: s.zh * 0.9, en: s.en * 0.9, oneLine: true, after: s.gap * 0.8 });
  w.bi(T.holdTitle(d.kind), { bold: true, zh: s.title, en: s.titleEn, align: "center", after: s.gap * 0.6 });
  w.rule();

  // Two columns of fields.
  const colW = (w.width - s.gap * 2) / 2;
  const x2 = w.left + colW + s.gap * 2;
  const from = periodText(d.startPeriod);
  let y1 = w.y;
  let y2 = w.y;
  y1 += w.field(T.name, d.name, w.left, y1, colW);
  y2 += w.field(T.idNumber, d.maskedId, x2, y2, colW);
  y1 += w.field(T.from(d.kind), `${from.zh}  ${from.en}`, w.left, y1, colW, { emphasis: true });
  y2 += w.field(T.monthly, yuanText(d.monthlyFen), x2, y2, colW, { emphasis: true });
  y1 += w.field(T.caseReference, d.reference, w.left, y1, colW);
  y2 += w.field(T.printedOn, dateText(d.printedOn).zh, x2, y2, colW);
  w.y = Math.max(y1, y2);
  w.rule("#cccccc");

  w.bi(T.holdWhat(d.kind, from), { bold: true });
  w.bi(T.holdWhy(d.cause));

  w.heading(T.appealTitle);
  w.bullet(T.appealWhen(d.appealDays, dateText(d.appealBy)));
  w.bullet(T.appealWhere(d.county));
  if (d.cause === "unverified") {
    w.bullet(T.appealKiosk);
    for (const k of d.kiosks) w.bullet(T.kioskLine(k), { oneLine: true });
  }
  w.bullet(T.appealBring(d.cause));
  w.y += s.gap * 0.4;
  w.bi(T.appealReopens, { bold: true, after: 0 });
  return { overflowed: w.overflowed };
}
