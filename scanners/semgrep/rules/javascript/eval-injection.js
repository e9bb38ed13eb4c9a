function bad(req, userExpr, name) {
  // ruleid: controlgate.javascript.eval-injection
  const result = eval(req.body.expression);
  // ruleid: controlgate.javascript.eval-injection
  eval("var x = " + userExpr);
  // ruleid: controlgate.javascript.eval-injection
  const fn = new Function("a", "b", req.query.body);
  // ruleid: controlgate.javascript.eval-injection
  const fn2 = Function(`return ${userExpr}`);
  // ruleid: controlgate.javascript.eval-injection
  setTimeout("doWork('" + name + "')", 100);
  // ruleid: controlgate.javascript.eval-injection
  window.setInterval(`refresh(${name})`, 1000);
  // ruleid: controlgate.javascript.eval-injection
  window.eval(userExpr);
  return [result, fn, fn2];
}

function good(data, callback, name) {
  // ok: controlgate.javascript.eval-injection
  const obj = JSON.parse(data);
  // ok: controlgate.javascript.eval-injection
  eval("1 + 1");
  // ok: controlgate.javascript.eval-injection
  const add = new Function("a", "b", "return a + b");
  // ok: controlgate.javascript.eval-injection
  setTimeout(callback, 100);
  // ok: controlgate.javascript.eval-injection
  setTimeout(() => console.log(name), 100);
  // ok: controlgate.javascript.eval-injection
  setInterval(function () { poll(name); }, 5000);
  return [obj, add];
}

function timers(stream, ms) {
  // ok: controlgate.javascript.eval-injection
  const t = setTimeout(() => {
    stream.emit("error", new Error("timeout after " + ms + "ms"));
  }, ms);
  // ok: controlgate.javascript.eval-injection
  setTimeout(function () { console.log("waited " + ms); }, ms);
  // ok: controlgate.javascript.eval-injection
  setTimeout(makeHandler("id-" + ms), ms);
  return t;
}

// node:vm is not a sandbox
const vm = require("vm");
const { runInNewContext, Script } = require("node:vm");
function vmBad(req, res) {
  // ruleid: controlgate.javascript.eval-injection
  res.send(String(vm.runInNewContext(req.body.expr, { Math })));
  // ruleid: controlgate.javascript.eval-injection
  vm.runInThisContext("var x = " + req.query.x);
  // ruleid: controlgate.javascript.eval-injection
  const script = new vm.Script(req.body.code);
  // ruleid: controlgate.javascript.eval-injection
  runInNewContext(`result = ${req.query.formula}`, sandbox);
  // ruleid: controlgate.javascript.eval-injection
  const s2 = new Script(req.body.code);
  return [script, s2];
}

function vmOk() {
  // ok: controlgate.javascript.eval-injection
  vm.runInNewContext("1 + 1", {});
  // ok: controlgate.javascript.eval-injection
  const fixed = new vm.Script("globalThis.ready = true");
  return fixed;
}
