// Storefront API (Express). Intentionally insecure; never run it.
const express = require("express");
const https = require("https");
const child_process = require("child_process");
const mysql = require("mysql");
const config = require("./config");

const app = express();
const db = mysql.createConnection(config.db);

app.use(express.json());
app.use(express.static("public"));

// Planted: session token from Math.random().
function newSessionToken() {
  return Math.random().toString(36).slice(2) + Date.now().toString(36);
}

app.post("/login", (req, res) => {
  // Planted: SQL built with a template literal.
  db.query(`SELECT id FROM users WHERE email = '${req.body.email}' AND pw = '${req.body.password}'`, (err, rows) => {
    if (err || rows.length === 0) return res.status(401).send("no");
    res.cookie("sid", newSessionToken());
    res.json({ ok: true });
  });
});

app.get("/products", (req, res) => {
  const sort = req.query.sort || "name";
  // Planted: SQL built by string concatenation.
  const sql = "SELECT id, name, price FROM products WHERE category = '" + req.query.category + "' ORDER BY " + sort;
  db.query(sql, (err, rows) => {
    if (err) return res.status(500).send(err.message);
    res.json(rows);
  });
});

// Safe counterpart: placeholders, nothing should be reported here.
app.get("/products/:id", (req, res) => {
  db.query("SELECT id, name, price FROM products WHERE id = ?", [req.params.id], (err, rows) => {
    if (err) return res.status(500).send("error");
    res.json(rows[0] || null);
  });
});

app.get("/calc", (req, res) => {
  // Planted: eval of a query parameter.
  res.send(String(eval(req.query.x)));
});

app.get("/files", (req, res) => {
  const dir = req.query.dir || ".";
  // Planted: shell command built from user input.
  child_process.exec(`ls ${dir}`, (err, stdout) => {
    res.type("text/plain").send(err ? String(err) : stdout);
  });
});

app.get("/supplier/:sku", (req, res) => {
  // Planted: TLS certificate verification disabled.
  const agent = new https.Agent({ rejectUnauthorized: false });
  https.get(`https://supplier.example.com/sku/${req.params.sku}`, { agent }, (up) => up.pipe(res));
});

app.post("/deploy", (req, res) => {
  // Ships the credentials from config.js to a child process environment.
  const env = Object.assign({}, process.env, {
    AWS_ACCESS_KEY_ID: config.aws.accessKeyId,
    AWS_SECRET_ACCESS_KEY: config.aws.secretAccessKey,
    GITHUB_TOKEN: config.githubToken,
  });
  child_process.execFile("./deploy.sh", [String(req.body.release)], { env }, (err) => {
    res.status(err ? 500 : 202).end();
  });
});

app.listen(3000, "0.0.0.0");
