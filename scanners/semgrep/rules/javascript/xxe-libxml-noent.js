// Test cases for controlgate.javascript.xxe-libxml-noent
const libxmljs = require("libxmljs");
const xml2js = require("xml2js");

app.post("/import", (req, res) => {
  // ruleid: controlgate.javascript.xxe-libxml-noent
  const doc = libxmljs.parseXml(req.body, { noent: true });
  // ruleid: controlgate.javascript.xxe-libxml-noent
  const doc2 = libxmljs.parseXmlString(req.body.toString(), { noblanks: true, noent: true });
  res.send(doc.root().text() + doc2.root().text());
});

app.post("/import-safe", (req, res) => {
  // ok: controlgate.javascript.xxe-libxml-noent
  const doc = libxmljs.parseXml(req.body);
  // ok: controlgate.javascript.xxe-libxml-noent
  const doc2 = libxmljs.parseXmlString(req.body, { noent: false, noblanks: true });
  // ok: controlgate.javascript.xxe-libxml-noent
  const fixed = libxmljs.parseXml("<a>&amp;</a>", { noent: true });
  // ok: controlgate.javascript.xxe-libxml-noent
  xml2js.parseString(req.body, (err, out) => res.json(out));
});
