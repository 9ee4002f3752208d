// The installation's secrets, freshly generated: written once to DATA_DIR/secrets.json in embedded
// mode (lib/env.js), and printed for an operator's environment by `npm run secrets:generate`.
// Plain ESM with no other import, so that printing them reads no environment at all.
import { generateKeyPairSync, randomBytes } from "node:crypto";

function ed25519Pair() {
  const { privateKey, publicKey } = generateKeyPairSync("ed25519");
  return {
    priv: privateKey.export({ type: "pkcs8", format: "der" }).toString("base64"),
    pub: publicKey.export({ type: "spki", format: "der" }).toString("base64"),
  };
}

/** A secp256r1 private key as 64 hex digits, which NEO_BUREAU_WIF accepts as well as a WIF. */
function neoPrivateKey() {
  const { privateKey } = generateKeyPairSync("ec", { namedCurve: "prime256v1" });
  return Buffer.from(/** @type {string} */ (privateKey.export({ format: "jwk" }).d), "base64url").toString("hex");
}

/** @returns {Record<string, string>} */
export function generateSecrets() {
  const agency = ed25519Pair();
  const service = ed25519Pair();
  const audit = ed25519Pair();
  return {
    AUTH_SECRET: randomBytes(32).toString("base64url"),
    PII_KEYS: `1:${randomBytes(32).toString("base64")}`,
    PII_HMAC_KEY: randomBytes(32).toString("base64"),
    // The bureau's request-signing key pair, and the reference BDMI service's own keys.
    BDMI_AGENCY_PRIVATE_KEY: agency.priv,
    BDMI_TRUSTED_AGENCIES: `gz-hrss:${agency.pub}`,
    BDMI_SERVICE_PRIVATE_KEY: service.priv,
    BDMI_SERVICE_PUBLIC_KEY: service.pub,
    BDMI_DATA_KEY: randomBytes(32).toString("base64"),
    BDMI_SUBJECT_KEY: randomBytes(32).toString("base64"),
    // The key of the HMAC that signs the check tokens printed as QR codes on check notices.
    KIOSK_QR_KEY: randomBytes(32).toString("base64"),
    // The audit log's checkpoint signing key pair (Ed25519, C2SP signed notes).
    AUDIT_CHECKPOINT_PRIVATE_KEY: audit.priv,
    AUDIT_CHECKPOINT_PUBLIC_KEY: audit.pub,
    // The bureau's NEO N3 signing key (secp256r1, hex), used only when LEDGER_ADAPTER=neo.
    NEO_BUREAU_WIF: neoPrivateKey(),
  };
}
