// bdmi:assess — the command-line face of the survival model (see docs/survival-model.md).
// Reads JSON Lines on stdin, writes exactly one JSON line per input line, in order. Streams, so a
// monthly file of millions of pensioners never has to fit in memory.
import { once } from "node:events";
import { createInterface } from "node:readline";
import { ZodError } from "zod";
import { assess, stateOf, ZAssessInput } from "../lib/bdmi/survival-model";

function describe(err: unknown): string {
  if (err instanceof ZodError) {
    return err.issues.map((i) => `${i.path.length ? i.path.join(".") : "(root)"}: ${i.message}`).join("; ");
  }
  return err instanceof Error ? err.message : String(err);
}

async function write(line: string): Promise<void> {
  // Respect backpressure so a slow consumer does not make us buffer the whole output.
  if (!process.stdout.write(line + "\n")) await once(process.stdout, "drain");
}

async function main(): Promise<void> {
  const rl = createInterface({ input: process.stdin, crlfDelay: Infinity });
  let lineNo = 0;
  let failed = false;
  for await (const line of rl) {
    lineNo++;
    let out: string;
    try {
      // An empty line is still a line: it gets an error in its place so output stays aligned.
      if (line.trim() === "") throw new Error("empty line");
      const input = ZAssessInput.parse(JSON.parse(line));
      const r = assess(input.previous, input.period, input.evidence);
      // Key order is part of the contract.
      out = JSON.stringify({ pensionerId: input.pensionerId, ...stateOf(r), modelVersion: r.modelVersion });
    } catch (err) {
      failed = true;
      out = JSON.stringify({ line: lineNo, error: describe(err) });
    }
    await write(out);
  }
  process.exitCode = failed ? 1 : 0;
}

main().catch((err: unknown) => {
  process.stderr.write(`bdmi:assess: ${describe(err)}\n`);
  process.exitCode = 2;
});
