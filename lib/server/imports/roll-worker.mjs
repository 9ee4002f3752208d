// Worker-thread entry for the roll import's pool (roll-pool.ts). Plain ESM so that it starts the
// same way under tsx, vitest and the Next.js server build: it loads the TypeScript half through
// tsx's scoped import, which needs no loader in the parent process (tsx docs: "tsImport()").
import { tsImport } from "tsx/esm/api";

const { prepareRows } = await tsImport("./roll-prepare.ts", import.meta.url);

export default prepareRows;
