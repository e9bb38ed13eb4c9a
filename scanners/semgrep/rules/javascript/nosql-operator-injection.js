// Test cases for controlgate.javascript.nosql-operator-injection
const express = require("express");
const mongoose = require("mongoose");
const mongoSanitize = require("mongo-sanitize");
const User = mongoose.model("User");
const app = express();

app.post("/login", async (req, res) => {
  // ruleid: controlgate.javascript.nosql-operator-injection
  const user = await User.findOne({ username: req.body.username, password: req.body.password });
  res.json(user);
});

app.get("/users", async (req, res) => {
  // ruleid: controlgate.javascript.nosql-operator-injection
  const users = await User.find(req.query);
  res.json(users);
});

app.post("/profile", function (req, res) {
  const { email } = req.body;
  // ruleid: controlgate.javascript.nosql-operator-injection
  db.collection("users").updateOne({ email }, { $set: { seen: true } });
  // ruleid: controlgate.javascript.nosql-operator-injection
  db.collection("sessions").deleteOne({ token: req.cookies.session });
  res.end();
});

app.get("/orders/:id", async (request, response) => {
  const filter = { owner: request.params.id };
  // ruleid: controlgate.javascript.nosql-operator-injection
  response.json(await Order.find(filter).lean());
});

app.post("/login-safe", async (req, res) => {
  // ok: controlgate.javascript.nosql-operator-injection
  const a = await User.findOne({ username: String(req.body.username), password: String(req.body.password) });
  // ok: controlgate.javascript.nosql-operator-injection
  const b = await User.findOne(mongoSanitize(req.body));
  // ok: controlgate.javascript.nosql-operator-injection
  const c = await User.findOne({ username: { $eq: req.body.username } });
  // ok: controlgate.javascript.nosql-operator-injection
  const d = await User.find({ age: Number(req.query.age) });
  // ok: controlgate.javascript.nosql-operator-injection
  const e = await User.findOne({ name: `${req.query.name}` });
  // a string cannot carry an operator (nosql-where-injection covers this one)
  // ok: controlgate.javascript.nosql-operator-injection
  const f = await User.find({ $where: "this.age > " + req.query.age });
  res.json({ a, b, c, d, e, f });
});

app.get("/items", (req, res) => {
  const items = [{ id: "1" }, { id: "2" }];
  // ok: controlgate.javascript.nosql-operator-injection
  const item = items.find((i) => i.id === req.query.id);
  res.json(item);
});

async function byName(name) {
  // ok: controlgate.javascript.nosql-operator-injection
  return User.findOne({ name });
}

app.post("/sql-orm", async (req, res) => {
  // Sequelize: operators are symbols (Op.ne), a JSON body cannot produce them
  // ok: controlgate.javascript.nosql-operator-injection
  const user = await SqlUser.findOne({ where: { username: req.body.username } });
  res.json(user);
});
