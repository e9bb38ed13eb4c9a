// Test cases for controlgate.javascript.nosql-where-injection
app.get("/by-age", async (req, res) => {
  const age = req.query.age;
  // ruleid: controlgate.javascript.nosql-where-injection
  const a = await db.collection("users").find({ $where: "this.age > " + age }).toArray();
  // ruleid: controlgate.javascript.nosql-where-injection
  const b = await User.find({ $where: `this.name == '${req.query.name}'` });
  // ruleid: controlgate.javascript.nosql-where-injection
  const c = await User.find().$where("this.score > " + req.query.min);
  // ruleid: controlgate.javascript.nosql-where-injection
  const d = await User.find({ $where: req.body.expr });
  res.json({ a, b, c, d });
});

app.get("/ok", async (req, res) => {
  // ok: controlgate.javascript.nosql-where-injection
  const a = await User.find({ $where: "this.credits > this.debits" });
  // ok: controlgate.javascript.nosql-where-injection
  const b = await User.find({ $where: function () { return this.a === this.b; } });
  // ok: controlgate.javascript.nosql-where-injection
  const c = await User.find({ age: { $gt: Number(req.query.age) } });
  // ok: controlgate.javascript.nosql-where-injection
  const d = await User.find({ where: "name = " + req.query.name });
  res.json({ a, b, c, d });
});
