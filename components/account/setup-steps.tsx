"use client";
import { useRouter } from "next/navigation";
import { OwnPasswordForm } from "./own-password-form";
import { TotpEnrol } from "./totp-enrol";

/** The set-up an account owes before any page: its own password, then (where required) a second factor. */
export function SetupSteps({ step, startLabel }: { step: "password" | "second_factor"; startLabel: string }) {
  const router = useRouter();
  // The server decides the next step (or the home page) from the account's state.
  const next = () => router.refresh();
  return step === "password" ? <OwnPasswordForm onDone={next} /> : <TotpEnrol startLabel={startLabel} onDone={() => window.location.assign("/")} />;
}
