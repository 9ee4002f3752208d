import "server-only";
import { existsSync, readFileSync } from "node:fs";
import PDFDocument from "pdfkit";
import { env } from "../../env.js";
import { AppError } from "../app-error";

// Notices are set in one CJK font (Chinese and Latin alike), embedded and subset by pdfkit through
// fontkit. The file is read once per process: Noto Sans CJK's collection is ~19 MB and a batch of
// notices would otherwise parse it per request.

/** name: the face's PostScript name inside a collection (.ttc); undefined for a single-font file. */
export type TNoticeFonts = { regular: { src: Buffer; name: string | undefined }; bold: { src: Buffer; name: string | undefined } };

/** Only a collection needs (and accepts) a face name: fontkit looks it up with getFont. */
const isCollection = (path: string) => /\.(ttc|dfont)$/i.test(path);

let loaded: { path: string; name: string; fonts: TNoticeFonts } | null = null;

function missing(detail: string, cause?: unknown): AppError {
  return new AppError("NOTICE_FONT_MISSING", "The notice font is not installed; set NOTICE_FONT_PATH (and NOTICE_FONT_NAME for a .ttc collection)", {
    logMessage: `notice font: ${detail}`,
    cause,
  });
}

/** Proves a font source opens as a font (a wrong name inside a .ttc otherwise fails mid-document). */
function probe(src: Buffer, name: string | undefined): void {
  const doc = new PDFDocument({ autoFirstPage: false, font: null as unknown as string });
  doc.registerFont("probe", src, name);
  doc.font("probe");
}

/** A sibling bold face of the same collection (Debian ships NotoSansCJK-Bold.ttc next to -Regular); the regular face otherwise. */
function boldSibling(path: string, name: string | undefined): { src: Buffer; name: string | undefined } | null {
  const bp = path.replace(/Regular(?=\.[a-z]+$)/i, "Bold");
  const bn = name?.replace(/Regular$/, "Bold");
  if (bp === path || !existsSync(bp)) return null;
  try {
    const src = readFileSync(bp);
    probe(src, bn);
    return { src, name: bn };
  } catch {
    return null;
  }
}

/**
 * The notice fonts from NOTICE_FONT_PATH / NOTICE_FONT_NAME, or NOTICE_FONT_MISSING (a 500 with
 * the setting to fix) when the file is absent or is not a font: never a crash inside a half-sent PDF.
 */
export function noticeFonts(): TNoticeFonts {
  const path = env.NOTICE_FONT_PATH;
  const name = env.NOTICE_FONT_NAME;
  if (loaded && loaded.path === path && loaded.name === name) return loaded.fonts;
  if (!path || !existsSync(path)) throw missing(`${path || "(unset)"} does not exist`);
  const face = isCollection(path) ? name : undefined;
  let src: Buffer;
  try {
    src = readFileSync(path);
    probe(src, face);
  } catch (e) {
    throw missing(`${path} (${face ?? "single font"}) cannot be opened as a font: ${String(e)}`, e);
  }
  const regular = { src, name: face };
  const fonts = { regular, bold: boldSibling(path, face) ?? regular };
  loaded = { path, name, fonts };
  return fonts;
}
