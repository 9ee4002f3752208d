import { BadImageError, type TAnalysis } from "./face-image";
import { analyseHere, humanHere } from "./face-model";

// One face-inference worker of the BDMI service's pool (face-engine.ts). Human and its models are
// loaded while the worker starts, before it takes its first frame.

await humanHere();

/** A frame's analysis, or why its bytes are not a usable JPEG (an Error does not keep its class across threads). */
export type TFrameResult = TAnalysis | { bad: string };

export async function analyseFrame(buf: Uint8Array): Promise<TFrameResult> {
  try {
    return await analyseHere(buf);
  } catch (e) {
    if (e instanceof BadImageError) return { bad: e.message };
    throw e;
  } finally {
    // This thread's copy of the frame; the caller zeroes its own.
    buf.fill(0);
  }
}

/** Nothing: answered once the worker's models are loaded (the pool's warm-up). */
export async function warm(): Promise<void> {}
