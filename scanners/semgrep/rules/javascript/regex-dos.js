// Test cases for controlgate.javascript.regex-dos
const express = require("express");
const escapeStringRegexp = require("escape-string-regexp");
const app = express();

app.get("/search", (req, res) => {
  // ruleid: controlgate.javascript.regex-dos
  const re = new RegExp(req.query.pattern, "i");
  res.json(items.filter((i) => re.test(i.name)));
});

app.get("/filter", function (req, res) {
  const term = req.query.term;
  // ruleid: controlgate.javascript.regex-dos
  const re = RegExp("^" + term);
  res.json(items.filter((i) => re.test(i.name)));
});

app.post("/email", (req, res) => {
  // ruleid: controlgate.javascript.regex-dos
  const ok = /^([a-zA-Z0-9]+)+@example\.com$/.test(req.body.email);
  // ruleid: controlgate.javascript.regex-dos
  const m = req.body.text.match(/(.*)*x/);
  // ruleid: controlgate.javascript.regex-dos
  const words = /^(\w+\s?)*$/.exec(req.query.words);
  res.json({ ok, m, words });
});

app.get("/safe", (req, res) => {
  // ok: controlgate.javascript.regex-dos
  const re = new RegExp(escapeStringRegexp(req.query.pattern), "i");
  // ok: controlgate.javascript.regex-dos
  const ok = /^[a-z0-9]+@example\.com$/.test(req.query.email);
  // ok: controlgate.javascript.regex-dos
  const fixed = new RegExp("^[a-z]+$");
  res.json({ re: String(re), ok, fixed: String(fixed) });
});

function check(text) {
  // ok: controlgate.javascript.regex-dos
  return /(a+)+$/.test(text);
}

app.get("/host", (req, res) => {
  // ok: controlgate.javascript.regex-dos
  res.json(/^(?:[a-z0-9-]+\.)*[a-z]+$/.test(req.query.host));
});
