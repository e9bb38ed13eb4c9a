// Test cases for controlgate.javascript.jwt-ignore-expiration
const jwt = require("jsonwebtoken");

// ruleid: controlgate.javascript.jwt-ignore-expiration
const claims = jwt.verify(token, key, { algorithms: ["HS256"], ignoreExpiration: false });

// ok: controlgate.javascript.jwt-ignore-expiration
const fresh = jwt.verify(token, key, { algorithms: ["HS256"] });
// ok: controlgate.javascript.jwt-ignore-expiration
const alsoFresh = jwt.verify(token, key, { algorithms: ["HS256"], ignoreExpiration: false });
