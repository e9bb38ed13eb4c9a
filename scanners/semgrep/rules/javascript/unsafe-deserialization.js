// Test cases for controlgate.javascript.unsafe-deserialization
const serialize = require("node-serialize");
const yaml = require("js-yaml");

app.get("/prefs", (req, res) => {
  // ruleid: controlgate.javascript.unsafe-deserialization
  const prefs = serialize.unserialize(Buffer.from(req.cookies.prefs, "base64").toString());
  res.json(prefs);
});

app.post("/config", (req, res) => {
  // ruleid: controlgate.javascript.unsafe-deserialization
  const cfg = yaml.load(req.body, { schema: yaml.DEFAULT_FULL_SCHEMA });
  // ruleid: controlgate.javascript.unsafe-deserialization
  const all = yaml.loadAll(req.body, null, { schema: yaml.DEFAULT_SCHEMA.extend(require("js-yaml-js-types").all) });
  res.json({ cfg, all });
});

app.post("/config-safe", (req, res) => {
  // ok: controlgate.javascript.unsafe-deserialization
  const cfg = yaml.load(req.body);
  // ok: controlgate.javascript.unsafe-deserialization
  const core = yaml.load(req.body, { schema: yaml.CORE_SCHEMA });
  // ok: controlgate.javascript.unsafe-deserialization
  const data = JSON.parse(req.body);
  res.json({ cfg, core, data });
});
