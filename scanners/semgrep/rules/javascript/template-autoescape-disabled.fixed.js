// Test cases for controlgate.javascript.template-autoescape-disabled
const nunjucks = require("nunjucks");
const Handlebars = require("handlebars");
const Mustache = require("mustache");

// ruleid: controlgate.javascript.template-autoescape-disabled
nunjucks.configure("views", { autoescape: true, express: app });
// ruleid: controlgate.javascript.template-autoescape-disabled
const env = new nunjucks.Environment(new nunjucks.FileSystemLoader("views"), { autoescape: true });
// ruleid: controlgate.javascript.template-autoescape-disabled
const page = Handlebars.compile(source, { noEscape: true });
// ruleid: controlgate.javascript.template-autoescape-disabled
Mustache.escape = (text) => text;

// ok: controlgate.javascript.template-autoescape-disabled
nunjucks.configure("views", { autoescape: true, express: app });
// ok: controlgate.javascript.template-autoescape-disabled
nunjucks.configure("views", { express: app });
// ok: controlgate.javascript.template-autoescape-disabled
const safePage = Handlebars.compile(source, { strict: true });
// ok: controlgate.javascript.template-autoescape-disabled
Mustache.escape = (text) => escapeHtml(text);
