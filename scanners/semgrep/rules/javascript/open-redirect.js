// Test cases for controlgate.javascript.open-redirect
const express = require("express");
const app = express();
const ALLOWED = ["/home", "/account"];

app.get("/login/done", (req, res) => {
  // ruleid: controlgate.javascript.open-redirect
  res.redirect(req.query.next);
});

app.get("/out", function (req, res) {
  const to = req.query.to;
  // ruleid: controlgate.javascript.open-redirect
  res.redirect(302, to);
});

app.get("/loc", (req, res) => {
  // ruleid: controlgate.javascript.open-redirect
  res.location(req.headers.referer).sendStatus(302);
});

app.get("/proto", (req, res) => {
  // ruleid: controlgate.javascript.open-redirect
  res.redirect("/" + req.query.path);
});

app.get("/safe", (req, res) => {
  // ok: controlgate.javascript.open-redirect
  res.redirect("/profile/" + req.query.id);
  // ok: controlgate.javascript.open-redirect
  res.redirect(`/items/${req.params.id}`);
});

app.get("/checked", (req, res) => {
  const next = req.query.next;
  if (ALLOWED.includes(next)) {
    // ok: controlgate.javascript.open-redirect
    return res.redirect(next);
  }
  // ok: controlgate.javascript.open-redirect
  res.redirect("/home");
});
