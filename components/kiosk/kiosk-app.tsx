"use client";
import { useLocale, useTranslations } from "next-intl";
import { useEffect, useState } from "react";
import { LanguageSwitch } from "@/components/ui/language-switch";
import { KIOSK_RESET_SECONDS, type TChallengeStep } from "@/lib/domain/kiosk-contract";
import { nationalIdProblem } from "@/lib/domain/national-id";
import type { TCameraError } from "./camera";
import { IdKeypad, ID_LENGTH } from "./id-keypad";
import { identifyById, identifyByQr, KioskApiError, startCheck, submitCheck, type TKioskErrorKind, type TSubmission } from "./kiosk-api";
import { LivenessStep, type TLivenessOutcome } from "./liveness-step";
import { QrScan } from "./qr-scan";
import { speak, stopSpeaking } from "./speech";

type TIdentified = { checkId: string; maskedName: string; dueOn: string; triesLeft: number };
type TChallenge = { challengeId: string; steps: TChallengeStep[]; expiresAt: string };
type TScreen =
  | { name: "identify"; qr: boolean; notice?: "notFound" | "invalid" | "badQr" }
  | { name: "confirm"; who: TIdentified }
  | { name: "consent"; who: TIdentified }
  | { name: "live"; who: TIdentified; challenge: TChallenge; attempt: number }
  /** resend: the same try again after the checking service failed it (no try used; BDMI_UNAVAILABLE). */
  | { name: "retry"; who: TIdentified; reason: string; resend?: TSubmission }
  | { name: "result"; decision: "pass" | "review" | "fail"; reasons: string[] }
  | { name: "counter" }
  | { name: "error"; message: "noCamera" | "cameraDenied" | "models" | "network" | "service" | "revoked" | "expired" | "busy" | "generic" };

const START: TScreen = { name: "identify", qr: false };
/** Screens that show a masked name go back to the start when nobody touches them, so it does not linger. */
const IDLE_SECONDS = 90;

const big = "min-h-20 rounded-2xl px-8 text-3xl font-bold focus-visible:outline focus-visible:outline-4 focus-visible:outline-offset-2 focus-visible:outline-blue-700 disabled:opacity-50 sm:text-4xl";
const primary = `${big} bg-blue-800 text-white`;
const secondary = `${big} border-4 border-slate-900 bg-white text-slate-900`;

function errorScreen(kind: TKioskErrorKind): TScreen {
  const message = ({ revoked: "revoked", service: "service", network: "network", expired: "expired", busy: "busy" } as const)[kind as "revoked"] ?? "generic";
  return { name: "error", message };
}

/** The kiosk's whole flow for one pensioner: identify, confirm, consent, liveness, result, reset. */
export function KioskApp({ deviceName }: { deviceName: string }) {
  const t = useTranslations("kiosk");
  const locale = useLocale() as "zh-CN" | "en";
  const [screen, setScreen] = useState<TScreen>(START);
  const [id, setId] = useState("");
  const [busy, setBusy] = useState(false);
  const [resetIn, setResetIn] = useState(KIOSK_RESET_SECONDS);

  const reset = () => {
    stopSpeaking();
    setId("");
    setBusy(false);
    setScreen(START);
  };

  // The end screens go back to the start by themselves, for the next person in the queue.
  const ending = screen.name === "result" || screen.name === "counter" || screen.name === "error";
  useEffect(() => {
    if (!ending) return;
    setResetIn(KIOSK_RESET_SECONDS);
    const started = Date.now();
    const timer = setInterval(() => {
      const left = KIOSK_RESET_SECONDS - Math.floor((Date.now() - started) / 1000);
      if (left <= 0) reset();
      else setResetIn(left);
    }, 500);
    return () => clearInterval(timer);
  }, [ending, screen]);

  // Idle screens with a name on them.
  useEffect(() => {
    if (screen.name !== "confirm" && screen.name !== "consent" && screen.name !== "retry") return;
    let timer = setTimeout(reset, IDLE_SECONDS * 1000);
    const poke = () => {
      clearTimeout(timer);
      timer = setTimeout(reset, IDLE_SECONDS * 1000);
    };
    window.addEventListener("pointerdown", poke);
    window.addEventListener("keydown", poke);
    return () => {
      clearTimeout(timer);
      window.removeEventListener("pointerdown", poke);
      window.removeEventListener("keydown", poke);
    };
  }, [screen]);

  // Each screen says its words once on arrival (and again in the new language after a switch).
  useEffect(() => {
    const words: Record<string, string | undefined> = {
      confirm: screen.name === "confirm" ? `${t("confirm.heading")} ${screen.who.maskedName}` : undefined,
      consent: `${t("consent.heading")}. ${t("consent.body")}`,
      retry: `${t("live.retry")}`,
      counter: `${t("result.counterHeading")}. ${t("result.counterBody")}`,
      result: screen.name === "result" ? t(`result.${screen.decision}Heading`) : undefined,
      error: screen.name === "error" ? t(`error.${screen.message}`) : undefined,
    };
    const w = words[screen.name];
    if (w) speak(w, locale);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [screen, locale]);

  const identified = (who: TIdentified) => setScreen(who.triesLeft > 0 ? { name: "confirm", who } : { name: "counter" });
  const failed = (e: unknown, notice?: "notFound" | "invalid" | "badQr") => {
    if (e instanceof KioskApiError && (e.kind === "not-found" || e.kind === "invalid") && notice) setScreen({ name: "identify", qr: false, notice: e.kind === "not-found" ? "notFound" : notice });
    else setScreen(errorScreen(e instanceof KioskApiError ? e.kind : "generic"));
  };

  const submitId = async () => {
    if (id.length !== ID_LENGTH) return;
    // The check digit catches most typing slips before anything is sent.
    if (nationalIdProblem(id) !== null) return setScreen({ name: "identify", qr: false, notice: "invalid" });
    setBusy(true);
    try {
      identified(await identifyById(id));
    } catch (e) {
      failed(e, "invalid");
    } finally {
      setBusy(false);
    }
  };

  const onQr = async (token: string) => {
    setBusy(true);
    try {
      identified(await identifyByQr(token));
    } catch (e) {
      failed(e, "badQr");
    } finally {
      setBusy(false);
    }
  };

  const begin = async (who: TIdentified, attempt: number) => {
    setBusy(true);
    try {
      const challenge = await startCheck(who.checkId, locale);
      setScreen({ name: "live", who, challenge, attempt });
    } catch (e) {
      failed(e);
    } finally {
      setBusy(false);
    }
  };

  const onLiveness = async (s: Extract<TScreen, { name: "live" }>, o: TLivenessOutcome) => {
    if (o.kind === "camera") return setScreen({ name: "error", message: o.error === "denied" ? "cameraDenied" : "noCamera" });
    if (o.kind === "engine") return setScreen({ name: "error", message: "models" });
    if (o.kind === "timeout") {
      const triesLeft = s.who.triesLeft - 1;
      return setScreen(triesLeft > 0 ? { name: "retry", who: { ...s.who, triesLeft }, reason: "timeout" } : { name: "counter" });
    }
    await send(s.who, o.submission);
  };

  const send = async (who: TIdentified, submission: TSubmission, resent = false) => {
    try {
      const r = await submitCheck(who.checkId, submission);
      if (r.decision === "fail" && r.triesLeft > 0) setScreen({ name: "retry", who: { ...who, triesLeft: r.triesLeft }, reason: r.reasons[0] ?? "other" });
      else if (r.decision === "fail") setScreen({ name: "counter" });
      else setScreen({ name: "result", decision: r.decision, reasons: r.reasons });
    } catch (e) {
      // The checking service failed this try (502 BDMI_UNAVAILABLE, or 503): nothing was decided
      // and no try was used, so the same try is sent again when the pensioner is ready.
      if (e instanceof KioskApiError && e.kind === "service") setScreen({ name: "retry", who, reason: "service", resend: submission });
      // Sent again after the challenge ran out: a fresh challenge, the try still not used.
      else if (resent && e instanceof KioskApiError && e.kind === "expired") await begin(who, 2);
      else failed(e);
    }
  };

  const tryAgain = async (s: Extract<TScreen, { name: "retry" }>) => {
    if (!s.resend) return begin(s.who, 2);
    setBusy(true);
    try {
      await send(s.who, s.resend, true);
    } finally {
      setBusy(false);
    }
  };

  const reasonText = (code: string) => (t.has(`reason.${code}`) ? t(`reason.${code}`) : t("reason.other"));

  return (
    <main className="flex min-h-screen flex-col bg-white text-slate-900" data-testid="kiosk" data-screen={screen.name}>
      <header className="flex items-center justify-between gap-4 border-b-4 border-slate-900 px-4 py-3 sm:px-8">
        <h1 className="text-2xl font-bold sm:text-3xl">{t("title")}</h1>
        <div className="flex items-center gap-4">
          <span className="hidden text-xl text-slate-700 sm:inline">{deviceName}</span>
          <LanguageSwitch className="min-h-14 min-w-28 rounded-xl border-4 text-2xl font-bold" />
        </div>
      </header>

      <section className="flex flex-1 flex-col items-center justify-center gap-6 p-4 text-center sm:p-8">
        {screen.name === "identify" && (
          <>
            <h2 className="text-4xl font-bold sm:text-5xl">{t("identify.heading")}</h2>
            <p className="max-w-2xl text-2xl">{t("identify.help")}</p>
            {screen.notice && (
              <p role="alert" className="max-w-2xl rounded-2xl border-4 border-red-800 bg-red-50 p-4 text-3xl font-semibold text-red-900">
                {t(`identify.${screen.notice}`)}
              </p>
            )}
            {screen.qr ? (
              <QrScan
                onToken={(token) => void onQr(token)}
                onCameraError={(e: TCameraError) => setScreen({ name: "error", message: e === "denied" ? "cameraDenied" : "noCamera" })}
                onCancel={() => setScreen({ name: "identify", qr: false })}
              />
            ) : (
              <>
                <IdKeypad value={id} onChange={setId} onSubmit={() => void submitId()} busy={busy} />
                <button type="button" className={secondary} onClick={() => setScreen({ name: "identify", qr: true })}>
                  {t("identify.scan")}
                </button>
              </>
            )}
          </>
        )}

        {screen.name === "confirm" && (
          <>
            <h2 className="text-5xl font-bold">{t("confirm.heading")}</h2>
            <p data-testid="kiosk-masked-name" className="rounded-3xl border-4 border-slate-900 bg-yellow-50 px-12 py-6 text-7xl font-bold tracking-widest">
              {screen.who.maskedName}
            </p>
            <p className="text-2xl">{t("confirm.due", { date: screen.who.dueOn })}</p>
            <p className="text-2xl">{t("confirm.help")}</p>
            <div className="grid w-full max-w-2xl grid-cols-1 gap-4 sm:grid-cols-2">
              <button type="button" className={primary} onClick={() => setScreen({ name: "consent", who: screen.who })}>
                {t("yes")}
              </button>
              <button type="button" className={secondary} onClick={reset}>
                {t("no")}
              </button>
            </div>
          </>
        )}

        {screen.name === "consent" && (
          <>
            <h2 className="text-5xl font-bold">{t("consent.heading")}</h2>
            <p className="max-w-3xl text-3xl leading-relaxed">{t("consent.body")}</p>
            <div className="grid w-full max-w-3xl grid-cols-1 gap-4 sm:grid-cols-2">
              <button type="button" className={primary} disabled={busy} onClick={() => void begin(screen.who, 1)}>
                {t("consent.agree")}
              </button>
              <button type="button" className={secondary} onClick={() => setScreen({ name: "counter" })}>
                {t("consent.decline")}
              </button>
            </div>
            <button type="button" className="text-2xl underline" onClick={() => speak(`${t("consent.heading")}. ${t("consent.body")}`, locale)}>
              {t("consent.speak")}
            </button>
          </>
        )}

        {screen.name === "live" && <LivenessStep key={screen.challenge.challengeId} challenge={screen.challenge} onOutcome={(o) => void onLiveness(screen, o)} />}

        {screen.name === "retry" && (
          <div role="alert" className="flex flex-col items-center gap-6">
            <h2 className="text-5xl font-bold">{t("live.retry")}</h2>
            <p className="text-3xl">{reasonText(screen.reason)}</p>
            <p className="text-3xl font-semibold">{t("live.triesLeft", { n: screen.who.triesLeft })}</p>
            <div className="grid w-full max-w-3xl grid-cols-1 gap-4 sm:grid-cols-2">
              <button type="button" className={primary} disabled={busy} onClick={() => void tryAgain(screen)}>
                {t("live.tryAgain")}
              </button>
              <button type="button" className={secondary} onClick={() => setScreen({ name: "counter" })}>
                {t("consent.decline")}
              </button>
            </div>
          </div>
        )}

        {screen.name === "result" && (
          <div role="alert" data-testid="kiosk-result" data-decision={screen.decision} className="flex max-w-3xl flex-col items-center gap-6">
            <p aria-hidden className={`text-9xl ${screen.decision === "pass" ? "text-green-700" : "text-blue-800"}`}>{screen.decision === "pass" ? "✓" : "…"}</p>
            <h2 className="text-5xl font-bold">{t(`result.${screen.decision}Heading`)}</h2>
            <p className="text-3xl leading-relaxed">{t(`result.${screen.decision}Body`)}</p>
            {screen.decision === "fail" && screen.reasons.map((r) => <p key={r} className="text-2xl">{reasonText(r)}</p>)}
          </div>
        )}

        {screen.name === "counter" && (
          <div role="alert" data-testid="kiosk-counter" className="flex max-w-3xl flex-col items-center gap-6">
            <h2 className="text-5xl font-bold">{t("result.counterHeading")}</h2>
            <p className="text-3xl leading-relaxed">{t("result.counterBody")}</p>
          </div>
        )}

        {screen.name === "error" && (
          <div role="alert" data-testid="kiosk-error" data-error={screen.message} className="flex max-w-3xl flex-col items-center gap-6">
            <h2 className="text-5xl font-bold">{t("error.heading")}</h2>
            <p className="text-3xl leading-relaxed">{t(`error.${screen.message}`)}</p>
          </div>
        )}

        {ending && (
          <div className="flex flex-col items-center gap-3">
            <button type="button" className={primary} onClick={reset}>
              {t("finish")}
            </button>
            <p className="text-2xl" aria-live="off">{t("result.resetIn", { s: resetIn })}</p>
          </div>
        )}
      </section>
    </main>
  );
}
