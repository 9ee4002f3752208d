"use client";
import jsQR from "jsqr";
import { useTranslations } from "next-intl";
import { useEffect, useRef } from "react";
import { CameraError, openCamera, stopCamera, type TCameraError } from "./camera";

/** Reads the signed token in a check notice's QR code from the camera (jsQR on canvas frames). */
export function QrScan({ onToken, onCameraError, onCancel }: { onToken: (token: string) => void; onCameraError: (e: TCameraError) => void; onCancel: () => void }) {
  const t = useTranslations("kiosk.identify");
  const video = useRef<HTMLVideoElement>(null);

  useEffect(() => {
    let stream: MediaStream | null = null;
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const canvas = document.createElement("canvas");
    const ctx = canvas.getContext("2d", { willReadFrequently: true });
    const scan = () => {
      if (stopped) return;
      const v = video.current;
      if (v && ctx && v.videoWidth > 0) {
        canvas.width = v.videoWidth;
        canvas.height = v.videoHeight;
        ctx.drawImage(v, 0, 0);
        const code = jsQR(ctx.getImageData(0, 0, canvas.width, canvas.height).data, canvas.width, canvas.height, { inversionAttempts: "dontInvert" });
        if (code?.data) {
          stopped = true;
          onToken(code.data);
          return;
        }
      }
      // A few scans a second are plenty for a slip held still, and leave the CPU to the page.
      timer = setTimeout(scan, 200);
    };
    openCamera("environment")
      .then((s) => {
        if (stopped) return stopCamera(s);
        stream = s;
        if (video.current) {
          video.current.srcObject = s;
          void video.current.play().catch(() => undefined);
        }
        scan();
      })
      .catch((e) => onCameraError(e instanceof CameraError ? e.kind : "failed"));
    return () => {
      stopped = true;
      clearTimeout(timer);
      stopCamera(stream);
    };
    // The callbacks are stable for the life of this scan.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  return (
    <div className="flex w-full max-w-xl flex-col items-center gap-4">
      <p className="text-3xl">{t("scanHelp")}</p>
      <video ref={video} muted playsInline className="aspect-[4/3] w-full rounded-2xl border-4 border-slate-900 bg-black object-cover" />
      <button type="button" className="h-20 w-full rounded-2xl border-4 border-slate-900 bg-white text-3xl font-bold" onClick={onCancel}>
        {t("scanStop")}
      </button>
    </div>
  );
}
