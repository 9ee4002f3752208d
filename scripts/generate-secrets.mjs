// npm run --silent secrets:generate > pension.env: a fresh set of the installation's secrets as
// KEY=value lines, for a deployment whose secrets come from the environment (DATABASE_URL set).
// It prints them only: nothing is written, and nothing is read from the environment.
import { generateSecrets } from "../lib/installation-secrets.js";

const secrets = generateSecrets();
console.log(`# Pension survival verification: secrets generated ${new Date().toISOString()}. Keep them in a secret store.`);
console.log("# AUDIT_CHECKPOINT_PUBLIC_KEY goes to the auditors; BDMI_SERVICE_* and BDMI_TRUSTED_AGENCIES only to the reference BDMI service.");
for (const [k, v] of Object.entries(secrets)) console.log(`${k}=${v}`);
