import "server-only";
import { existsSync, readFileSync } from "node:fs";
import nodePath from "node:path";
import PDFDocument from "pdfkit";
import { env } from "../../env.js";
import { AppError } from "../app-error";

// Notices are set in one CJK font (Chinese and Latin alike), embedded and subset by pdfkit through
// fontkit. By default it is Noto Sans SC from the npm package @expo-google-fonts/noto-sans-sc (a
// dependency, so no system font is needed); NOTICE_FONT_PATH names another. The file is read once
// per process: a CJK font is 10–19 MB and a batch of notices would otherwise parse it per request.

/** name: the face's PostScript name inside a collection (.ttc); undefined for a single-font file. */
export type TNoticeFonts = { regular: { src: Buffer; name: string | undefined }; bold: { src: Buffer; name: string | undefined } };

/** Only a collection needs (and accepts) a face name: fontkit looks it up with getFont. */
const isCollection = (path: string) => /\.(ttc|dfont)$/i.test(path);

let loaded: { path: string; name: string; fonts: TNoticeFonts } | null = null;

/** The bundled faces: regular and bold TrueType files of Noto Sans SC (OFL). */
function bundledFace(weight: "400Regular" | "700Bold"): string {
  return nodePath.join(/*turbopackIgnore: true*/ process.cwd(), "node_modules", "@expo-google-fonts", "noto-sans-sc", weight, `NotoSansSC_${weight}.ttf`);
}

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

/** A sibling bold face of the same collection (Debian ships NotoSansCJK-Bold.ttc next to -Regular), or the exact file given; null: none. */
function boldSibling(path: string, name: string | undefined, exact = false): { src: Buffer; name: string | undefined } | null {
  const bp = exact ? path : path.replace(/Regular(?=\.[a-z]+$)/i, "Bold");
  const bn = exact ? name : name?.replace(/Regular$/, "Bold");
  if ((!exact && bp === path) || !existsSync(bp)) return null;
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
  const path = env.NOTICE_FONT_PATH || bundledFace("400Regular");
  const name = env.NOTICE_FONT_NAME;
  if (loaded && loaded.path === path && loaded.name === name) return loaded.fonts;
  if (!existsSync(path)) throw missing(env.NOTICE_FONT_PATH ? `${path} does not exist` : `${path} is missing: run npm install`);
  const face = isCollection(path) ? name : undefined;
  let src: Buffer;
  try {
    src = readFileSync(path);
    probe(src, face);
  } catch (e) {
    throw missing(`${path} (${face ?? "single font"}) cannot be opened as a font: ${String(e)}`, e);
  }
  const regular = { src, name: face };
  const bold = env.NOTICE_FONT_PATH ? boldSibling(path, face) : boldSibling(bundledFace("700Bold"), undefined, true);
  const fonts = { regular, bold: bold ?? regular };
  loaded = { path, name, fonts };
  return fonts;
}
