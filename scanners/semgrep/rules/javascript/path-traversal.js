// Test cases for controlgate.javascript.path-traversal
const express = require("express");
const fs = require("fs");
const path = require("path");
const app = express();
const BASE = path.join(__dirname, "uploads");

app.get("/file/:name", (req, res) => {
  // ruleid: controlgate.javascript.path-traversal
  fs.readFile(path.join(BASE, req.params.name), (err, data) => res.send(data));
});

app.get("/sync", (req, res) => {
  const p = path.resolve(BASE, req.query.file);
  // ruleid: controlgate.javascript.path-traversal
  res.send(fs.readFileSync(p, "utf8"));
});

app.get("/stream", (req, res) => {
  // ruleid: controlgate.javascript.path-traversal
  fs.createReadStream(BASE + "/" + req.query.f).pipe(res);
});

app.get("/send", (req, res) => {
  // ruleid: controlgate.javascript.path-traversal
  res.sendFile(path.join(BASE, req.query.f));
});

app.get("/dl", (req, res) => {
  // ruleid: controlgate.javascript.path-traversal
  res.download(`${BASE}/${req.params.file}`);
});

app.post("/save", async (req, res) => {
  // ruleid: controlgate.javascript.path-traversal
  await fs.promises.writeFile(path.join(BASE, req.body.name), req.body.content);
  res.end();
});

app.get("/safe/:name", (req, res) => {
  // ok: controlgate.javascript.path-traversal
  fs.readFile(path.join(BASE, path.basename(req.params.name)), (err, data) => res.send(data));
  // ok: controlgate.javascript.path-traversal
  res.sendFile(req.params.name, { root: BASE });
  // ok: controlgate.javascript.path-traversal
  fs.readFileSync(path.join(BASE, "index.html"));
});
