import { z } from "zod";
import { vmsg } from "@/lib/i18n/validation";
import { AppError } from "@/lib/server/app-error";
import { bdmiClient } from "@/lib/server/bdmi/bdmi-client";
import { enrolPensionerFace, MAX_PHOTO_BYTES } from "@/lib/server/kiosk/enrol-pensioner-face";
import { readBodyCapped, tooLarge } from "@/lib/server/request-guard";
import { ZIdParams } from "@/lib/server/schemas";
import { withRoute } from "@/lib/server/with-route";

const ZFaceBody = z.object({ photo: z.string().min(4).max(Math.ceil((MAX_PHOTO_BYTES * 4) / 3) + 4, { message: vmsg("tooBig", { max: MAX_PHOTO_BYTES }) }) });

/**
 * The photo as multipart/form-data (field "photo", a JPEG file) or JSON {photo: base64}. Either way
 * the body is read with a cap of twice the photo's limit, counted as it streams in (a chunked body
 * or a lying Content-Length stops there too), before it is parsed.
 */
async function photoOf(request: Request): Promise<Buffer> {
  const type = request.headers.get("content-type") ?? "";
  const bytes = await readBodyCapped(request, 2 * MAX_PHOTO_BYTES, () => tooLarge(MAX_PHOTO_BYTES, "body.photo"));
  if (type.startsWith("multipart/form-data")) {
    const f = (await new Response(bytes, { headers: { "content-type": type } }).formData().catch(() => null))?.get("photo");
    if (!f || typeof f === "string") throw AppError.validation([{ path: "body.photo", message: vmsg("required") }]);
    return Buffer.from(await f.arrayBuffer());
  }
  let raw: unknown;
  try {
    raw = JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    throw AppError.validation([{ path: "body", message: vmsg("invalidJson") }]);
  }
  const r = ZFaceBody.safeParse(raw);
  if (!r.success) {
    const big = r.error.issues.some((i) => i.code === "too_big");
    if (big) throw tooLarge(MAX_PHOTO_BYTES, "body.photo");
    throw AppError.validation([{ path: "body.photo", message: vmsg("required") }]);
  }
  return Buffer.from(r.data.photo.replace(/^data:image\/jpeg;base64,/, ""), "base64");
}

export const POST = withRoute({
  permission: "faces.enrol",
  schemas: { params: ZIdParams },
  rawBody: true,
  handler: async ({ request, actor, params }) => enrolPensionerFace(actor, params.id, await photoOf(request), bdmiClient()),
});
