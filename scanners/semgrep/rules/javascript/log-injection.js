// Test cases for controlgate.javascript.log-injection
const express = require("express");
const logger = require("./logger");
const app = express();

app.post("/login", (req, res) => {
  // ruleid: controlgate.javascript.log-injection
  console.log("login attempt for " + req.body.username);
  // ruleid: controlgate.javascript.log-injection
  logger.info(`failed login: ${req.body.username}`);
  res.end();
});

app.get("/x", function (req, res) {
  const ua = req.headers["user-agent"];
  // ruleid: controlgate.javascript.log-injection
  console.warn("client", ua);
  res.end();
});

app.get("/safe", (req, res) => {
  // ok: controlgate.javascript.log-injection
  console.log("login attempt for " + req.body.username.replace(/[\r\n]/g, ""));
  // ok: controlgate.javascript.log-injection
  logger.info({ user: req.body.username }, "login attempt");
  // ok: controlgate.javascript.log-injection
  console.log("query", JSON.stringify(req.query));
  // ok: controlgate.javascript.log-injection
  console.log("served /safe");
  res.end();
});
