"use client";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useTranslations } from "next-intl";
import { useEffect, useId, useRef, useState } from "react";
import { ApiError, type TProblem } from "@/lib/query-client";

type TEnrolled = { enrolled: true; replaced: boolean; enrolledAt: string };

/**
 * An officer enrols a pensioner's reference face from a JPEG photo (POST /api/v1/pensioners/:id/face,
 * multipart field "photo"). The server checks the photo (JPEG, size, exactly one face) and answers
 * problem+json naming body.photo; its message is shown as it comes, already in the officer's language.
 */
export function FaceEnrol({ pensionerId }: { pensionerId: string }) {
  const t = useTranslations("faceEnrol");
  const qc = useQueryClient();
  const inputId = useId();
  const fileRef = useRef<HTMLInputElement>(null);
  const [missing, setMissing] = useState(false);
  const enrol = useMutation({
    mutationFn: async (file: File): Promise<TEnrolled> => {
      const form = new FormData();
      form.set("photo", file);
      const res = await fetch(`/api/v1/pensioners/${pensionerId}/face`, { method: "POST", body: form });
      if (!res.ok) {
        const body = await res.json().catch(() => ({ title: res.statusText, status: res.status, code: "INTERNAL" }));
        throw new ApiError(body as TProblem);
      }
      return (await res.json()) as TEnrolled;
    },
    onSuccess: () => void qc.invalidateQueries({ queryKey: ["audit", pensionerId] }),
  });
  const problem = enrol.error instanceof ApiError ? enrol.error.problem : null;
  const message = problem ? (problem.errors?.find((e) => e.path === "body.photo")?.message ?? problem.errors?.[0]?.message ?? problem.title) : enrol.error ? String(enrol.error) : null;

  return (
    <section className="rounded bg-white p-5 shadow-sm" aria-labelledby={`${inputId}-h`}>
      <h2 id={`${inputId}-h`} className="mb-2 text-xl font-semibold">{t("heading")}</h2>
      <p className="mb-4 text-slate-700">{t("intro")}</p>
      <form
        aria-label={t("heading")}
        className="flex flex-wrap items-end gap-4"
        onSubmit={(e) => {
          e.preventDefault();
          const file = fileRef.current?.files?.[0];
          setMissing(!file);
          if (file) enrol.mutate(file);
        }}
      >
        <label htmlFor={inputId} className="flex flex-col gap-1 font-medium">
          {t("choose")}
          <input
            id={inputId}
            ref={fileRef}
            type="file"
            name="photo"
            accept="image/jpeg,.jpg,.jpeg"
            aria-invalid={message !== null || missing}
            aria-describedby={`${inputId}-msg`}
            onChange={() => {
              setMissing(false);
              enrol.reset();
            }}
            className="w-full max-w-full rounded border border-slate-400 p-2 text-base file:mr-3 file:rounded file:border-0 file:bg-slate-200 file:px-4 file:py-2"
          />
        </label>
        <button type="submit" disabled={enrol.isPending} className="min-h-12 rounded bg-brand-700 px-6 py-3 text-lg font-semibold text-white disabled:opacity-60">
          {enrol.isPending ? t("sending") : t("submit")}
        </button>
      </form>
      <CameraCapture disabled={enrol.isPending} onPhoto={(file) => enrol.mutate(file)} onStart={() => enrol.reset()} />
      <div id={`${inputId}-msg`} aria-live="polite" className="mt-3 text-lg">
        {missing && <p role="alert" className="text-red-700">{t("pick")}</p>}
        {message !== null && <p role="alert" data-testid="face-enrol-error" className="text-red-700">{t("failed", { message })}</p>}
        {enrol.data && <p role="status" data-testid="face-enrol-done" className="text-green-800">{enrol.data.replaced ? t("replaced") : t("done")}</p>}
      </div>
    </section>
  );
}

/**
 * The officer's camera, for a home visit without a photo: a live preview, then one frame taken as
 * a JPEG and sent like an uploaded photo, so the server's checks (JPEG, size, exactly one face) are
 * the same. The camera is released once the photo is taken, or when the page closes.
 */
function CameraCapture({ disabled, onPhoto, onStart }: { disabled: boolean; onPhoto: (f: File) => void; onStart: () => void }) {
  const t = useTranslations("faceEnrol");
  const video = useRef<HTMLVideoElement>(null);
  const [stream, setStream] = useState<MediaStream | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => () => stream?.getTracks().forEach((tr) => tr.stop()), [stream]);
  useEffect(() => {
    if (video.current && stream) video.current.srcObject = stream;
  }, [stream]);

  async function start() {
    setError(null);
    onStart();
    try {
      setStream(await navigator.mediaDevices.getUserMedia({ video: { facingMode: "user", width: { ideal: 1280 } }, audio: false }));
    } catch (e) {
      setError((e as Error).name === "NotAllowedError" ? t("cameraDenied") : t("cameraMissing"));
    }
  }
  function take() {
    const v = video.current;
    if (!v || !v.videoWidth) return;
    const canvas = document.createElement("canvas");
    canvas.width = v.videoWidth;
    canvas.height = v.videoHeight;
    canvas.getContext("2d")!.drawImage(v, 0, 0);
    canvas.toBlob(
      (blob) => {
        if (!blob) return;
        stream?.getTracks().forEach((tr) => tr.stop());
        setStream(null);
        onPhoto(new File([blob], "camera.jpg", { type: "image/jpeg" }));
      },
      "image/jpeg",
      0.92,
    );
  }

  return (
    <div className="mt-4 space-y-3">
      {!stream ? (
        <button type="button" onClick={() => void start()} disabled={disabled} className="min-h-12 rounded border border-slate-400 px-5 py-2 text-lg">
          {t("useCamera")}
        </button>
      ) : (
        <div className="space-y-3">
          <video ref={video} autoPlay playsInline muted aria-label={t("preview")} data-testid="face-camera" className="w-full max-w-md rounded bg-black" />
          <div className="flex flex-wrap gap-3">
            <button type="button" onClick={take} disabled={disabled} className="min-h-12 rounded bg-brand-700 px-6 py-3 text-lg font-semibold text-white">
              {t("takePhoto")}
            </button>
            <button type="button" onClick={() => { stream.getTracks().forEach((tr) => tr.stop()); setStream(null); }} className="min-h-12 rounded border px-5 py-2">
              {t("closeCamera")}
            </button>
          </div>
        </div>
      )}
      {error && <p role="alert" className="text-red-700">{error}</p>}
    </div>
  );
}
