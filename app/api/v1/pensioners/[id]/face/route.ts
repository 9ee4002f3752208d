import { z } from "zod";
import { vmsg } from "@/lib/i18n/validation";
import { AppError } from "@/lib/server/app-error";
import { bdmiClient } from "@/lib/server/bdmi/bdmi-client";
import { enrolPensionerFace, MAX_PHOTO_BYTES } from "@/lib/server/kiosk/enrol-pensioner-face";
import { ZIdParams } from "@/lib/server/schemas";
import { withRoute } from "@/lib/server/with-route";

const ZFaceBody = z.object({ photo: z.string().min(4).max(Math.ceil((MAX_PHOTO_BYTES * 4) / 3) + 4, { message: vmsg("tooBig", { max: MAX_PHOTO_BYTES }) }) });

/** The photo as multipart/form-data (field "photo", a JPEG file) or JSON {photo: base64}. */
async function photoOf(request: Request): Promise<Buffer> {
  const declared = Number(request.headers.get("content-length") ?? 0);
  if (declared > 2 * MAX_PHOTO_BYTES) {
    throw new AppError("PAYLOAD_TOO_LARGE", "The photo is too large", { fieldErrors: [{ path: "body.photo", message: vmsg("tooBig", { max: MAX_PHOTO_BYTES }) }] });
  }
  if ((request.headers.get("content-type") ?? "").startsWith("multipart/form-data")) {
    const f = (await request.formData().catch(() => null))?.get("photo");
    if (!f || typeof f === "string") throw AppError.validation([{ path: "body.photo", message: vmsg("required") }]);
    return Buffer.from(await f.arrayBuffer());
  }
  const raw = await request.json().catch(() => {
    throw AppError.validation([{ path: "body", message: vmsg("invalidJson") }]);
  });
  const r = ZFaceBody.safeParse(raw);
  if (!r.success) {
    const big = r.error.issues.some((i) => i.code === "too_big");
    if (big) throw new AppError("PAYLOAD_TOO_LARGE", "The photo is too large", { fieldErrors: [{ path: "body.photo", message: vmsg("tooBig", { max: MAX_PHOTO_BYTES }) }] });
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
