// Test cases for controlgate.javascript.jwt-decode-without-verify
const jwt = require("jsonwebtoken");

function currentUser(req) {
  const token = req.headers.authorization.replace("Bearer ", "");
  // ruleid: controlgate.javascript.jwt-decode-without-verify
  const claims = jwt.decode(token);
  return claims.sub;
}

const isAdmin = (req) => {
  // ruleid: controlgate.javascript.jwt-decode-without-verify
  return jwt.decode(req.cookies.token).role === "admin";
};

function verifiedUser(req) {
  const token = req.headers.authorization.replace("Bearer ", "");
  jwt.verify(token, publicKey, { algorithms: ["RS256"] });
  // ok: controlgate.javascript.jwt-decode-without-verify
  const header = jwt.decode(token, { complete: true }).header;
  return header.kid;
}

function rotate(req) {
  const claims = jwt.verify(req.cookies.token, key, { algorithms: ["HS256"] });
  // ok: controlgate.javascript.jwt-decode-without-verify
  return jwt.decode(req.cookies.token).iat + claims.exp;
}
