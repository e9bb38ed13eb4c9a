const crypto = require("crypto");

// ruleid: controlgate.javascript.insecure-random-token
const resetToken = Math.random().toString(36).substring(2);
// ruleid: controlgate.javascript.insecure-random-token
let sessionId = Date.now() + "-" + Math.floor(Math.random() * 1e9);

const user = {
  name: "alice",
  // ruleid: controlgate.javascript.insecure-random-token
  apiKey: Math.random().toString(16).slice(2),
};

function generateToken(length) {
  let out = "";
  for (let i = 0; i < length; i++) {
    // ruleid: controlgate.javascript.insecure-random-token
    out += CHARS[Math.floor(Math.random() * CHARS.length)];
  }
  return out;
}

const makePassword = () =>
  // ruleid: controlgate.javascript.insecure-random-token
  Math.random().toString(36).slice(-10);

class Auth {
  createNonce() {
    // ruleid: controlgate.javascript.insecure-random-token
    return Math.random().toString(36);
  }
}

// ok: controlgate.javascript.insecure-random-token
const secureToken = crypto.randomBytes(32).toString("hex");
// ok: controlgate.javascript.insecure-random-token
const delay = Math.random() * 1000;
// ok: controlgate.javascript.insecure-random-token
const color = COLORS[Math.floor(Math.random() * COLORS.length)];
// ok: controlgate.javascript.insecure-random-token
const tokenIndex = Math.floor(Math.random() * tokens.length);

function shuffle(items) {
  // ok: controlgate.javascript.insecure-random-token
  return items.sort(() => Math.random() - 0.5);
}

function jitter(ms) {
  // ok: controlgate.javascript.insecure-random-token
  return ms + Math.random() * 100;
}

function generateId() {
  // ruleid: controlgate.javascript.insecure-random-token
  return Math.random().toString(36).slice(2, 10);
}

function randomGrid(n) {
  // ok: controlgate.javascript.insecure-random-token
  return Array.from({ length: n }, () => Math.random());
}
