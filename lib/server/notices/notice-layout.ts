import "server-only";
import PDFDocument from "pdfkit";
import type { TNoticeFonts } from "./notice-font";
import type { TBi } from "./notice-text";
import { QR_QUIET_MODULES, type TQrMatrix } from "./notice-qr";
import type { TNoticeSize } from "./notice-sizes";

// Page geometry and the few drawing primitives both notices share: a Chinese line with its
// English beneath, label/value fields, and a QR matrix as vector squares. Every text call is given
// the height left on the page, so pdfkit truncates (with an ellipsis) instead of starting a second
// page: a notice is one sheet whatever the data.

export type { TNoticeSize };

type TStyle = {
  w: number;
  h: number;
  margin: number;
  title: number;
  titleEn: number;
  zh: number;
  en: number;
  label: number;
  value: number;
  small: number;
  qr: number;
  gap: number;
};

/** A4 for the counter's printer, A5 for envelopes: A5 keeps the type larger than a plain 71 % scale. */
export const STYLE: Record<TNoticeSize, TStyle> = {
  A4: { w: 595.28, h: 841.89, margin: 40, title: 22, titleEn: 12.5, zh: 13.5, en: 10, label: 9, value: 14.5, small: 8.5, qr: 138, gap: 9 },
  A5: { w: 419.53, h: 595.28, margin: 24, title: 15.5, titleEn: 9, zh: 10, en: 7.4, label: 6.8, value: 10.5, small: 6.4, qr: 100, gap: 5.5 },
};

const INK = "#111111";
const GREY = "#555555";
const ACCENT = "#8b1a1a";

/** A document for notices: the CJK font as "zh"/"zhb", no standard font ever loaded, pages added by the renderers. */
export function newNoticeDocument(fonts: TNoticeFonts, title: string): PDFKit.PDFDocument {
  // font: null keeps pdfkit from loading Helvetica's AFM: every glyph comes from the embedded CJK font.
  const doc = new PDFDocument({ autoFirstPage: false, font: null as unknown as string, info: { Title: title, Producer: "pension-survival", Creator: "pension-survival" } });
  doc.registerFont("zh", fonts.regular.src, fonts.regular.name);
  doc.registerFont("zhb", fonts.bold.src, fonts.bold.name);
  return doc;
}

/** A flow of text down one page, from the top margin to `bottom`. */
export class NoticeWriter {
  readonly s: TStyle;
  y: number;
  bottom: number;
  /** Set when some text did not fit and was cut: the renderers' tests assert it never is. */
  overflowed = false;

  constructor(
    readonly doc: PDFKit.PDFDocument,
    readonly size: TNoticeSize,
  ) {
    this.s = STYLE[size];
    doc.addPage({ size, margin: 0 });
    this.y = this.s.margin;
    this.bottom = this.s.h - this.s.margin;
  }

  get left(): number {
    return this.s.margin;
  }
  get width(): number {
    return this.s.w - 2 * this.s.margin;
  }

  /** Text at (x, y) within width, never below `bottom`; returns the height used. */
  text(str: string, o: { x?: number; y?: number; width?: number; size: number; bold?: boolean; color?: string; align?: "left" | "center" | "right"; oneLine?: boolean }): number {
    const x = o.x ?? this.left;
    const y = o.y ?? this.y;
    const width = o.width ?? this.width - (x - this.left);
    this.doc.font(o.bold ? "zhb" : "zh").fontSize(o.size).fillColor(o.color ?? INK);
    const room = Math.max(0, this.bottom - y);
    const lineH = this.doc.currentLineHeight(true) + o.size * 0.18;
    const want = o.oneLine ? lineH : this.doc.heightOfString(str, { width, lineGap: o.size * 0.18 });
    const height = Math.min(want, room);
    if (height < want - 0.01) this.overflowed = true;
    if (height < lineH * 0.99) return 0;
    this.doc.text(str, x, y, { width, height, ellipsis: true, align: o.align ?? "left", lineGap: o.size * 0.18 });
    return height;
  }

  /** A Chinese line with its English beneath, advancing the flow. */
  bi(t: TBi, o: { zh?: number; en?: number; bold?: boolean; color?: string; indent?: number; align?: "left" | "center"; oneLine?: boolean; after?: number } = {}): void {
    const x = this.left + (o.indent ?? 0);
    const width = this.width - (o.indent ?? 0);
    this.y += this.text(t.zh, { x, width, size: o.zh ?? this.s.zh, bold: o.bold, color: o.color, align: o.align, oneLine: o.oneLine });
    this.y += this.text(t.en, { x, width, size: o.en ?? this.s.en, color: o.color ?? GREY, align: o.align, oneLine: o.oneLine });
    this.y += o.after ?? this.s.gap;
  }

  /** A bulleted bilingual line; `single` prints one line (for names that read the same in both languages). */
  bullet(t: TBi | string, o: { oneLine?: boolean } = {}): void {
    const indent = this.s.zh * 1.2;
    this.text("•", { x: this.left + indent * 0.3, y: this.y, width: indent, size: this.s.zh });
    if (typeof t === "string") {
      this.y += this.text(t, { x: this.left + indent, width: this.width - indent, size: this.s.zh, oneLine: o.oneLine });
      this.y += this.s.gap * 0.6;
      return;
    }
    this.bi(t, { indent, oneLine: o.oneLine, after: this.s.gap * 0.6 });
  }

  heading(t: TBi): void {
    this.bi(t, { bold: true, color: ACCENT, zh: this.s.zh * 1.05, en: this.s.en, after: this.s.gap * 0.5 });
  }

  rule(color = "#999999"): void {
    this.doc.moveTo(this.left, this.y).lineTo(this.left + this.width, this.y).lineWidth(0.8).strokeColor(color).stroke();
    this.y += this.s.gap;
  }

  /** Label (both languages, small) over a value, in a column of the given width at x. Returns the height used. */
  field(label: TBi, value: string, x: number, y: number, width: number, o: { emphasis?: boolean } = {}): number {
    let h = this.text(`${label.zh} ${label.en}`, { x, y, width, size: this.s.label, color: GREY, oneLine: true });
    h += this.text(value, { x, y: y + h, width, size: o.emphasis ? this.s.value * 1.15 : this.s.value, bold: o.emphasis, color: o.emphasis ? ACCENT : INK, oneLine: true });
    return h + this.s.gap * 0.6;
  }

  /** The QR matrix as filled squares inside its quiet zone, side points wide. */
  qr(m: TQrMatrix, x: number, y: number, side: number): void {
    const quiet = QR_QUIET_MODULES;
    const cell = side / (m.size + 2 * quiet);
    this.doc.save();
    this.doc.rect(x, y, side, side).fill("#ffffff");
    // Runs of dark modules in a row become one rectangle: fewer path operators, a smaller page.
    for (let r = 0; r < m.size; r++) {
      for (let c = 0; c < m.size; c++) {
        if (!m.dark(r, c)) continue;
        let end = c + 1;
        while (end < m.size && m.dark(r, end)) end++;
        this.doc.rect(x + (quiet + c) * cell, y + (quiet + r) * cell, (end - c) * cell + 0.01, cell + 0.01);
        c = end;
      }
    }
    this.doc.fill("#000000");
    this.doc.restore();
  }

  /** A footer line pinned to the bottom margin; the flow above must end before it. */
  footer(str: string): void {
    const size = this.s.small;
    this.doc.font("zh").fontSize(size);
    const h = this.doc.currentLineHeight(true);
    const y = this.s.h - this.s.margin * 0.6 - h;
    this.doc.fillColor(GREY).text(str, this.left, y, { width: this.width, height: h * 1.2, ellipsis: true, lineBreak: false });
    this.bottom = Math.min(this.bottom, y - this.s.gap);
  }
}

/** 5201**********1234: the first and last four digits only, never the whole number. */
export function maskNationalId(prefix: string, suffix: string, length = 18): string {
  return `${prefix}${"*".repeat(Math.max(4, length - prefix.length - suffix.length))}${suffix}`;
}
