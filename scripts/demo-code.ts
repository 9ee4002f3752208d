// npm run demo:code: the demo supervisor's and admin's current authenticator code (demo only).
import { totpCode } from "../lib/auth/second-factor";
import { DEMO_TOTP_SECRET } from "../lib/db/demo-accounts";

const left = 30 - (Math.floor(Date.now() / 1000) % 30);
console.log(`${await totpCode(DEMO_TOTP_SECRET)}  (good for ${left} s more; secret ${DEMO_TOTP_SECRET})`);
