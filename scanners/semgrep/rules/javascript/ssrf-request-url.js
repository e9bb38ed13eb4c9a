// Test cases for controlgate.javascript.ssrf-request-url
const express = require("express");
const axios = require("axios");
const got = require("got");
const http = require("http");
const request = require("request");
const app = express();

app.get("/proxy", async (req, res) => {
  // ruleid: controlgate.javascript.ssrf-request-url
  const r = await axios.get(req.query.url);
  res.send(r.data);
});

app.post("/hook", async (req, res) => {
  const target = req.body.callback;
  // ruleid: controlgate.javascript.ssrf-request-url
  await fetch(target, { method: "POST" });
  // ruleid: controlgate.javascript.ssrf-request-url
  await axios.post(target, { ok: true });
  // ruleid: controlgate.javascript.ssrf-request-url
  await got(target);
  res.end();
});

app.get("/img", (req, res) => {
  // ruleid: controlgate.javascript.ssrf-request-url
  http.get(`http://${req.query.host}/image.png`, (r) => r.pipe(res));
  // ruleid: controlgate.javascript.ssrf-request-url
  request(req.query.src).pipe(res);
  // ruleid: controlgate.javascript.ssrf-request-url
  axios({ method: "get", url: req.query.src });
});

app.get("/weather", async (req, res) => {
  // ok: controlgate.javascript.ssrf-request-url
  const a = await axios.get("https://api.weather.example/v1/" + encodeURIComponent(req.query.city));
  // ok: controlgate.javascript.ssrf-request-url
  const b = await fetch(`https://api.weather.example/v1/${req.query.city}`);
  // ok: controlgate.javascript.ssrf-request-url
  const c = await axios.get("https://api.weather.example/v1/today", { params: { city: req.query.city } });
  res.json({ a: a.data, b: await b.json(), c: c.data });
});

async function load(url) {
  // ok: controlgate.javascript.ssrf-request-url
  return fetch(url);
}
