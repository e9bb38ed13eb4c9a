// Test cases for controlgate.javascript.express-reflected-xss
const express = require("express");
const escapeHtml = require("escape-html");
const app = express();

app.get("/search", (req, res) => {
  // ruleid: controlgate.javascript.express-reflected-xss
  res.send("<h1>Results for " + req.query.q + "</h1>");
});

app.get("/hello/:name", function (req, res) {
  const name = req.params.name;
  // ruleid: controlgate.javascript.express-reflected-xss
  res.write(`<p>Hello ${name}</p>`);
  res.end();
});

app.get("/err", (req, res) => {
  // ruleid: controlgate.javascript.express-reflected-xss
  res.status(400).send(`<pre>${req.headers["user-agent"]}</pre>`);
});

app.get("/safe", (req, res) => {
  // ok: controlgate.javascript.express-reflected-xss
  res.send("<h1>Results for " + escapeHtml(req.query.q) + "</h1>");
  // ok: controlgate.javascript.express-reflected-xss
  res.json({ q: req.query.q });
  // ok: controlgate.javascript.express-reflected-xss
  res.render("search", { q: req.query.q });
  // ok: controlgate.javascript.express-reflected-xss
  res.send(`<p>page ${Number(req.query.page)}</p>`);
});

function report(res, total) {
  // ok: controlgate.javascript.express-reflected-xss
  res.send(`<p>${total} items</p>`);
}
