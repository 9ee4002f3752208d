import "server-only";

/** A PDF response: never cached (it carries personal data), inline for printing or as an attachment to save. */
export function pdfResponse(body: Buffer | ReadableStream<Uint8Array>, fileName: string, requestId: string, disposition: "inline" | "attachment" = "inline"): Response {
  const headers: Record<string, string> = {
    "content-type": "application/pdf",
    "content-disposition": `${disposition}; filename="${fileName}"`,
    "cache-control": "no-store",
    "x-request-id": requestId,
  };
  if (Buffer.isBuffer(body)) {
    headers["content-length"] = String(body.length);
    return new Response(new Uint8Array(body), { headers });
  }
  return new Response(body, { headers });
}
