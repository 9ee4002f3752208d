// Opening the camera, with the failures a kiosk meets told apart so the page can say which.

export type TCameraError = "no-camera" | "denied" | "failed";

export class CameraError extends Error {
  constructor(readonly kind: TCameraError) {
    super(`camera: ${kind}`);
  }
}

export async function openCamera(facingMode: "user" | "environment" = "user"): Promise<MediaStream> {
  if (!navigator.mediaDevices?.getUserMedia) throw new CameraError("no-camera");
  try {
    return await navigator.mediaDevices.getUserMedia({ audio: false, video: { facingMode, width: { ideal: 640 }, height: { ideal: 480 } } });
  } catch (e) {
    const name = (e as { name?: string })?.name;
    if (name === "NotAllowedError" || name === "SecurityError") throw new CameraError("denied");
    if (name === "NotFoundError" || name === "OverconstrainedError" || name === "NotReadableError") throw new CameraError("no-camera");
    throw new CameraError("failed");
  }
}

export function stopCamera(stream: MediaStream | null) {
  for (const t of stream?.getTracks() ?? []) t.stop();
}
