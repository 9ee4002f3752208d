"use client";
import type { Human } from "@vladmandic/human";
import { useLocale, useTranslations } from "next-intl";
import { useEffect, useRef, useState } from "react";
import { ChallengeTracker, eyeOpenness, type TChallengeHint } from "@/lib/domain/kiosk-challenge";
import { EMBEDDING_LENGTH, KIOSK_TRY_SECONDS, MAX_FRAME_BYTES, type TChallengeStep } from "@/lib/domain/kiosk-contract";
import { CameraError, openCamera, stopCamera, type TCameraError } from "./camera";
import { loadFaceEngine } from "./face-engine";
import type { TSubmission } from "./kiosk-api";
import { speak } from "./speech";

type TChallenge = { challengeId: string; steps: TChallengeStep[]; expiresAt: string };
export type TLivenessOutcome =
  | { kind: "done"; submission: TSubmission }
  | { kind: "timeout" }
  | { kind: "camera"; error: TCameraError }
  | { kind: "engine" };

/**
 * The try's time: 60 s, or less when the server's challenge expires sooner (the server is the
 * judge of its own limit). A kiosk clock far off the server's is ignored rather than trusted.
 */
function tryMs(expiresAt: string) {
  const full = KIOSK_TRY_SECONDS * 1000;
  const left = Date.parse(expiresAt) - Date.now();
  return Number.isFinite(left) && left > 1000 && left < full ? left : full;
}

async function jpegBase64(video: HTMLVideoElement): Promise<string | null> {
  const scale = Math.min(1, 640 / (video.videoWidth || 640));
  const canvas = document.createElement("canvas");
  canvas.width = Math.round(video.videoWidth * scale);
  canvas.height = Math.round(video.videoHeight * scale);
  canvas.getContext("2d")?.drawImage(video, 0, 0, canvas.width, canvas.height);
  for (const quality of [0.85, 0.6, 0.4]) {
    const blob = await new Promise<Blob | null>((r) => canvas.toBlob(r, "image/jpeg", quality));
    if (blob && blob.size <= MAX_FRAME_BYTES) {
      const bytes = new Uint8Array(await blob.arrayBuffer());
      let s = "";
      for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
      return btoa(s);
    }
  }
  return null;
}

/** The camera view, Human on every frame, the server's challenge step by step, and the evidence. */
export function LivenessStep({ challenge, onOutcome }: { challenge: TChallenge; onOutcome: (o: TLivenessOutcome) => void }) {
  const t = useTranslations("kiosk.live");
  const locale = useLocale() as "zh-CN" | "en";
  const video = useRef<HTMLVideoElement>(null);
  const [ready, setReady] = useState(false);
  const [step, setStep] = useState<TChallengeStep | null>(challenge.steps[0] ?? null);
  const [hint, setHint] = useState<TChallengeHint>("ok");
  const [secondsLeft, setSecondsLeft] = useState(KIOSK_TRY_SECONDS);
  const [submitting, setSubmitting] = useState(false);
  // Prompts are spoken in the language on screen when it changes mid-try too.
  const tRef = useRef(t);
  tRef.current = t;
  const localeRef = useRef(locale);
  localeRef.current = locale;

  useEffect(() => {
    let stream: MediaStream | null = null;
    let stopped = false;
    let timer: ReturnType<typeof setInterval> | undefined;
    const finish = (o: TLivenessOutcome) => {
      if (stopped) return;
      stopped = true;
      clearInterval(timer);
      onOutcome(o);
    };

    (async () => {
      let human: Human;
      try {
        const [s, h] = await Promise.all([openCamera("user"), loadFaceEngine()]);
        stream = s;
        human = h;
      } catch (e) {
        return finish(e instanceof CameraError ? { kind: "camera", error: e.kind } : { kind: "engine" });
      }
      const v = video.current;
      if (stopped || !v) return stopCamera(stream);
      v.srcObject = stream;
      await v.play().catch(() => undefined);
      setReady(true);

      const tracker = new ChallengeTracker(challenge.steps);
      const limit = tryMs(challenge.expiresAt);
      const t0 = performance.now();
      speak(tRef.current(challenge.steps[0] ?? "fitFace"), localeRef.current);
      timer = setInterval(() => {
        const left = Math.max(0, Math.ceil((limit - (performance.now() - t0)) / 1000));
        setSecondsLeft(left);
      }, 250);

      const frames: string[] = [];
      let best: { embedding: number[]; live: number; real: number } | null = null;
      let lastHint: TChallengeHint = "ok";
      let spokenHintAt = 0;
      while (!stopped) {
        const atMs = performance.now() - t0;
        if (atMs > limit) return finish({ kind: "timeout" });
        let result;
        try {
          result = await human.detect(v);
        } catch {
          return finish({ kind: "engine" });
        }
        const faces = result.face.filter((f) => f.score >= 0.5);
        const f = faces[0];
        const before = tracker.current;
        const h = tracker.push({
          atMs,
          faces: faces.length,
          yaw: f?.rotation?.angle?.yaw ?? null,
          eyeOpen: f?.mesh ? eyeOpenness(f.mesh as number[][]) : null,
        });
        if (h !== lastHint) {
          lastHint = h;
          setHint(h);
          // Say what is wrong, but not over and over.
          if (h !== "ok" && performance.now() - spokenHintAt > 6000) {
            spokenHintAt = performance.now();
            speak(tRef.current(h === "no-face" ? "noFace" : "twoFaces"), localeRef.current);
          }
        }
        // Evidence from a frame where exactly one face looks straight ahead.
        if (f && faces.length === 1 && f.embedding?.length === EMBEDDING_LENGTH && Math.abs(f.rotation?.angle?.yaw ?? 1) < 0.12) {
          best = { embedding: Array.from(f.embedding), live: f.live ?? 0, real: f.real ?? 0 };
          if (frames.length === 0) {
            const jpg = await jpegBase64(v);
            if (jpg) frames.push(jpg);
          }
        }
        if (tracker.current !== before) {
          // A frame at each completed step: the frames show the movement the transcript claims.
          const jpg = await jpegBase64(v);
          if (jpg && frames.length < 3) frames.push(jpg);
          setStep(tracker.current);
          if (tracker.current) speak(tRef.current(tracker.current), localeRef.current);
        }
        if (tracker.done) {
          if (!best || frames.length < 2) {
            // Steps done but no clean frontal frame yet: keep looking until the time runs out.
            if (frames.length < 2) {
              const jpg = await jpegBase64(v);
              if (jpg) frames.push(jpg);
            }
            if (!best) continue;
          }
          setSubmitting(true);
          speak(tRef.current("done"), localeRef.current);
          return finish({
            kind: "done",
            submission: {
              challengeId: challenge.challengeId,
              transcript: tracker.transcript,
              liveness: Math.min(1, Math.max(0, best.live)),
              antispoof: Math.min(1, Math.max(0, best.real)),
              embedding: best.embedding,
              frames: frames.slice(0, 3),
            },
          });
        }
        // Yield to the page between frames so the countdown and buttons stay responsive.
        await new Promise((r) => requestAnimationFrame(r));
      }
    })();

    return () => {
      stopped = true;
      clearInterval(timer);
      stopCamera(stream);
    };
    // One try per mount: the parent remounts this with a new challenge for a retry.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  const prompt = submitting ? t("submitting") : !ready ? t("loading") : hint === "no-face" ? t("noFace") : hint === "two-faces" ? t("twoFaces") : step ? t(step) : t("done");
  return (
    <div className="flex w-full flex-col items-center gap-4">
      <p role="status" aria-live="assertive" data-testid="kiosk-prompt" className="min-h-16 text-center text-4xl font-bold text-slate-900 sm:text-5xl">
        {prompt}
      </p>
      <div className="relative aspect-[4/3] w-full max-w-2xl overflow-hidden rounded-3xl border-4 border-slate-900 bg-black">
        {/* Mirrored, like a mirror: turning left moves the picture left. */}
        <video ref={video} muted playsInline className="h-full w-full -scale-x-100 object-cover" />
        <div aria-hidden className={`pointer-events-none absolute left-1/2 top-1/2 h-[78%] w-[46%] -translate-x-1/2 -translate-y-1/2 rounded-[50%] border-[6px] ${hint === "ok" && ready ? "border-green-400" : "border-yellow-300"}`} />
      </div>
      <p data-testid="kiosk-countdown" className="text-3xl font-semibold tabular-nums text-slate-900" aria-live="off">
        {ready && !submitting ? t("secondsLeft", { s: secondsLeft }) : "\u00a0"}
      </p>
    </div>
  );
}
