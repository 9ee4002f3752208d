// Spoken prompts (Web Speech API). Speech is a help, never required: without a voice for the
// language, or without speechSynthesis at all, the same words are on screen in large type.

export function speak(text: string, locale: "zh-CN" | "en") {
  if (typeof window === "undefined" || !("speechSynthesis" in window)) return;
  try {
    const synth = window.speechSynthesis;
    synth.cancel();
    const u = new SpeechSynthesisUtterance(text);
    u.lang = locale;
    // Slower than the default: many listeners are over 80.
    u.rate = 0.85;
    const voice = synth.getVoices().find((v) => v.lang.replace("_", "-").toLowerCase().startsWith(locale === "en" ? "en" : "zh"));
    if (voice) u.voice = voice;
    synth.speak(u);
  } catch {
    // A browser without voices: the text on screen is enough.
  }
}

export function stopSpeaking() {
  if (typeof window !== "undefined" && "speechSynthesis" in window) window.speechSynthesis.cancel();
}
