"use client";
import type { TProblem } from "@/lib/query-client";

export type TDownloadResult =
  | { kind: "saved"; fileName: string; bytes: number }
  /** The server refused before the first byte (problem+json). */
  | { kind: "refused"; problem: TProblem }
  /** The response broke off part-way, or ended without the PDF's closing %%EOF. */
  | { kind: "failed"; bytes: number; requestId: string | null }
  | { kind: "cancelled" };

/** Parts are folded into a Blob every few MB, so the page holds little while the browser keeps the rest. */
const FOLD_BYTES = 8 << 20;
const EOF_MARK = "%%EOF";

function fileNameOf(res: Response, fallback: string): string {
  return /filename="([^"]+)"/.exec(res.headers.get("content-disposition") ?? "")?.[1] ?? fallback;
}

/**
 * Fetches a streamed PDF and saves it only when it arrived whole: the stream did not fail and the
 * file ends with %%EOF. A batch that breaks part-way is reported to the page instead of leaving a
 * shorter PDF in the downloads folder for someone to print from.
 */
export async function downloadPdf(href: string, fallbackName: string, opts: { signal: AbortSignal; onProgress: (bytes: number) => void }): Promise<TDownloadResult> {
  let res: Response;
  try {
    res = await fetch(href, { signal: opts.signal });
  } catch {
    return opts.signal.aborted ? { kind: "cancelled" } : { kind: "failed", bytes: 0, requestId: null };
  }
  const requestId = res.headers.get("x-request-id");
  if (!res.ok || !res.body) {
    const problem = (await res.json().catch(() => ({ title: res.statusText, status: res.status, code: "INTERNAL" }))) as TProblem;
    return { kind: "refused", problem };
  }
  const reader = res.body.getReader();
  const folded: Blob[] = [];
  let parts: Uint8Array<ArrayBuffer>[] = [];
  let pending = 0;
  let bytes = 0;
  let tail = "";
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      parts.push(value);
      pending += value.byteLength;
      bytes += value.byteLength;
      tail = (tail + String.fromCharCode(...value.subarray(Math.max(0, value.byteLength - 16)))).slice(-16);
      if (pending >= FOLD_BYTES) {
        folded.push(new Blob(parts));
        parts = [];
        pending = 0;
      }
      opts.onProgress(bytes);
    }
  } catch {
    return opts.signal.aborted ? { kind: "cancelled" } : { kind: "failed", bytes, requestId };
  }
  if (!tail.trimEnd().endsWith(EOF_MARK)) return { kind: "failed", bytes, requestId };
  const file = new Blob([...folded, ...parts], { type: "application/pdf" });
  const url = URL.createObjectURL(file);
  const fileName = fileNameOf(res, fallbackName);
  const a = document.createElement("a");
  a.href = url;
  a.download = fileName;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
  return { kind: "saved", fileName, bytes };
}
