// Test cases for controlgate.javascript.template-injection
const express = require("express");
const ejs = require("ejs");
const pug = require("pug");
const Handlebars = require("handlebars");
const nunjucks = require("nunjucks");
const _ = require("lodash");
const template = require("lodash.template");
const app = express();

app.post("/preview", (req, res) => {
  // ruleid: controlgate.javascript.template-injection
  res.send(ejs.render(req.body.template, { user: req.user }));
});

app.get("/greet", (req, res) => {
  // ruleid: controlgate.javascript.template-injection
  const fn = pug.compile("p Hello " + req.query.name);
  res.send(fn());
});

app.post("/card", (req, res) => {
  const source = req.body.layout;
  // ruleid: controlgate.javascript.template-injection
  const render = Handlebars.compile(source);
  res.send(render({}));
});

app.get("/n", (req, res) => {
  // ruleid: controlgate.javascript.template-injection
  res.send(nunjucks.renderString(req.query.tpl, {}));
});

app.get("/l", (req, res) => {
  // ruleid: controlgate.javascript.template-injection
  const compiled = _.template(`Hi ${req.query.who}`);
  // ruleid: controlgate.javascript.template-injection
  const other = template(req.query.t);
  res.send(compiled() + other());
});

app.get("/safe", (req, res) => {
  // ok: controlgate.javascript.template-injection
  res.send(ejs.render("<p><%= name %></p>", { name: req.query.name }));
  // ok: controlgate.javascript.template-injection
  const card = Handlebars.compile("<b>{{title}}</b>");
  // ok: controlgate.javascript.template-injection
  res.send(nunjucks.renderString("Hello {{ name }}", { name: req.query.name }) + card({ title: req.query.t }));
});

function build(layout) {
  // ok: controlgate.javascript.template-injection
  return Handlebars.compile(layout);
}
