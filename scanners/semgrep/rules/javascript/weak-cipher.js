// Test cases for controlgate.javascript.weak-cipher
const crypto = require("crypto");

// ruleid: controlgate.javascript.weak-cipher
const c1 = crypto.createCipher("aes-256-cbc", password);
// ruleid: controlgate.javascript.weak-cipher
const c2 = crypto.createCipheriv("des-ede3-cbc", key, iv);
// ruleid: controlgate.javascript.weak-cipher
const c3 = crypto.createCipheriv("aes-128-ecb", key, null);
// ruleid: controlgate.javascript.weak-cipher
const d1 = crypto.createDecipheriv("rc4", key, "");

// ok: controlgate.javascript.weak-cipher
const c4 = crypto.createCipheriv("aes-256-gcm", key, iv);
// ok: controlgate.javascript.weak-cipher
const c5 = crypto.createCipheriv("chacha20-poly1305", key, iv, { authTagLength: 16 });
