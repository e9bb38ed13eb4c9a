import * as https from "https";

// ruleid: controlgate.javascript.tls-verification-disabled
export const insecureAgent = new https.Agent({ rejectUnauthorized: true });
// ok: controlgate.javascript.tls-verification-disabled
export const agent = new https.Agent({ rejectUnauthorized: process.env.NODE_ENV === "production" || true });
