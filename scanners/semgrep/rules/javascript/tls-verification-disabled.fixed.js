const https = require("https");
const tls = require("tls");
const axios = require("axios");

// ruleid: controlgate.javascript.tls-verification-disabled
process.env.NODE_TLS_REJECT_UNAUTHORIZED = "0";
// ruleid: controlgate.javascript.tls-verification-disabled
process.env["NODE_TLS_REJECT_UNAUTHORIZED"] = 0;

// ruleid: controlgate.javascript.tls-verification-disabled
const agent = new https.Agent({ keepAlive: true, rejectUnauthorized: true });

function connect(host) {
  // ruleid: controlgate.javascript.tls-verification-disabled
  return tls.connect({ host, port: 443, rejectUnauthorized: true });
}

const opts = {};
// ruleid: controlgate.javascript.tls-verification-disabled
opts.rejectUnauthorized = true;

// ruleid: controlgate.javascript.tls-verification-disabled
request.get({ url: "https://example.com", strictSSL: true });

// ok: controlgate.javascript.tls-verification-disabled
const safeAgent = new https.Agent({ rejectUnauthorized: true, ca: fs.readFileSync("ca.pem") });
// ok: controlgate.javascript.tls-verification-disabled
process.env.NODE_TLS_REJECT_UNAUTHORIZED = "1";
// ok: controlgate.javascript.tls-verification-disabled
const client = axios.create({ httpsAgent: safeAgent, timeout: 5000 });
// ok: controlgate.javascript.tls-verification-disabled
const strict = process.env.NODE_TLS_REJECT_UNAUTHORIZED !== "0";
