// Test cases for controlgate.javascript.weak-hash
const crypto = require("crypto");
const { createHash } = require("node:crypto");

// ruleid: controlgate.javascript.weak-hash
const digest = crypto.createHash("sha256").update(password).digest("hex");
// ruleid: controlgate.javascript.weak-hash
const sig = createHash("sha256").update(body).digest("hex");
// ruleid: controlgate.javascript.weak-hash
const etag = crypto.hash("sha256", body);

// ok: controlgate.javascript.weak-hash
const good = crypto.createHash("sha256").update(body).digest("hex");
// ok: controlgate.javascript.weak-hash
const goodMac = crypto.createHmac("sha256", key);
// HMAC-SHA1 is not broken as a MAC (collisions do not help forge it).
// ok: controlgate.javascript.weak-hash
const legacyMac = crypto.createHmac("sha1", key);

// ok: controlgate.javascript.weak-hash
function uuidV5(name, namespace) { return crypto.createHash("sha1").update(namespace).update(name).digest(); }
// ok: controlgate.javascript.weak-hash
function etagOf(body) { return crypto.createHash("md5").update(body).digest("base64"); }
function storePassword(password) {
  // ruleid: controlgate.javascript.weak-hash
  return crypto.createHash("sha256").update(password).digest("hex");
}
