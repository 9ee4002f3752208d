import "server-only";
import { log } from "../log";

// pdfkit pushes bytes as pages are drawn and ignores backpressure, so a producer that draws 40,000
// pages in a loop would hold the whole file in memory. Here the producer draws a slice (one keyset
// page of rows), then waits until the HTTP client has taken the queued bytes below a high-water
// mark before drawing more: memory stays around one slice plus the mark, whatever the batch.

const HIGH_WATER = 1 << 20;

export type TPdfProducer = (doc: PDFKit.PDFDocument, drain: () => Promise<void>) => Promise<void>;

/** A web stream of the document's bytes, drawn by `produce` at the pace the reader reads. */
export function pdfWebStream(
  doc: PDFKit.PDFDocument,
  produce: TPdfProducer,
  context: Record<string, unknown>,
  opts: { highWater?: number; onFailure?: (e: unknown) => Promise<void> } = {},
): ReadableStream<Uint8Array> {
  const highWater = opts.highWater ?? HIGH_WATER;
  let wake: (() => void) | null = null;
  let cancelled = false;
  let ctl!: ReadableStreamDefaultController<Uint8Array>;
  const poke = () => {
    const w = wake;
    wake = null;
    w?.();
  };
  const stream = new ReadableStream<Uint8Array>(
    {
      start(controller) {
        ctl = controller;
        doc.on("data", (chunk: Buffer) => {
          if (!cancelled) controller.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
        });
        doc.on("end", () => {
          if (!cancelled) controller.close();
        });
      },
      pull: poke,
      cancel() {
        cancelled = true;
        poke();
      },
    },
    new ByteLengthQueuingStrategy({ highWaterMark: highWater }),
  );
  const drain = async () => {
    // Let pdfkit's readable flush what it buffered into the web stream first.
    await new Promise((r) => setImmediate(r));
    while (!cancelled && (ctl.desiredSize ?? 1) <= 0) await new Promise<void>((r) => (wake = r));
    if (cancelled) throw new Cancelled();
  };
  void (async () => {
    try {
      await produce(doc, drain);
      doc.end();
    } catch (e) {
      if (e instanceof Cancelled) return;
      log.error("notice stream failed", { ...context, error: String((e as Error)?.stack ?? e) });
      // The status line is sent, so the only signal left is the stream's error: Next.js then
      // aborts the response (no closing chunk), and the browser or the page's download reports a
      // failure instead of keeping a PDF that stops part-way (it would have no %%EOF either).
      ctl.error(e);
      await opts.onFailure?.(e).catch((f: unknown) => log.error("notice stream failure not recorded", { ...context, error: String(f) }));
    }
  })();
  return stream;
}

class Cancelled extends Error {}

/** The whole document as one buffer (single notices: a few hundred kilobytes). */
export function pdfBuffer(doc: PDFKit.PDFDocument, draw: (doc: PDFKit.PDFDocument) => void): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    doc.on("data", (c: Buffer) => chunks.push(c));
    doc.on("end", () => resolve(Buffer.concat(chunks)));
    doc.on("error", reject);
    try {
      draw(doc);
      doc.end();
    } catch (e) {
      reject(e);
    }
  });
}
