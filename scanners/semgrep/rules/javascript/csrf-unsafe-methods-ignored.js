// Test cases for controlgate.javascript.csrf-unsafe-methods-ignored
const csrf = require("csurf");

// ruleid: controlgate.javascript.csrf-unsafe-methods-ignored
app.use(csrf({ cookie: true, ignoreMethods: ["GET", "HEAD", "OPTIONS", "POST"] }));

// ok: controlgate.javascript.csrf-unsafe-methods-ignored
app.use(csrf({ cookie: true, ignoreMethods: ["GET", "HEAD", "OPTIONS"] }));
// ok: controlgate.javascript.csrf-unsafe-methods-ignored
app.use(csrf({ cookie: true }));
