// Test cases for controlgate.javascript.insecure-cookie
const session = require("express-session");

app.use(
  // ruleid: controlgate.javascript.insecure-cookie
  session({
    secret: process.env.SESSION_SECRET,
    cookie: { secure: true, httpOnly: true },
  }),
);

app.post("/login", (req, res) => {
  // ruleid: controlgate.javascript.insecure-cookie
  res.cookie("sid", sid, { httpOnly: true, secure: true });
  // ruleid: controlgate.javascript.insecure-cookie
  res.cookie("remember", token, { secure: true });
  // ok: controlgate.javascript.insecure-cookie
  res.cookie("sid2", sid, { httpOnly: true, secure: true, sameSite: "lax" });
  // ok: controlgate.javascript.insecure-cookie
  res.cookie("theme", "dark");
  res.end();
});

app.use(
  // ok: controlgate.javascript.insecure-cookie
  session({
    secret: process.env.SESSION_SECRET,
    cookie: { secure: true, httpOnly: true, sameSite: "strict" },
  }),
);
