// Test cases for controlgate.javascript.jwt-none-algorithm
const jwt = require("jsonwebtoken");
const jose = require("jose");

function auth(req, res, next) {
  // ruleid: controlgate.javascript.jwt-none-algorithm
  req.user = jwt.verify(req.headers.authorization, publicKey, { algorithms: ["RS256", "none"] });
  next();
}

// ruleid: controlgate.javascript.jwt-none-algorithm
const unsigned = jwt.sign({ sub: "1" }, null, { algorithm: "none" });

async function readUnsecured(token) {
  // ruleid: controlgate.javascript.jwt-none-algorithm
  return jose.UnsecuredJWT.decode(token).payload;
}

function authOk(req, res, next) {
  // ok: controlgate.javascript.jwt-none-algorithm
  req.user = jwt.verify(req.headers.authorization, publicKey, { algorithms: ["RS256"] });
  next();
}

// ok: controlgate.javascript.jwt-none-algorithm
const signed = jwt.sign({ sub: "1" }, privateKey, { algorithm: "RS256" });
