const GREETING = "<b>Welcome</b>";

function bad(comment, params) {
  const el = document.getElementById("out");
  // ruleid: controlgate.javascript.dom-xss-innerhtml
  el.innerHTML = comment.body;
  // ruleid: controlgate.javascript.dom-xss-innerhtml
  el.innerHTML = `<p>${params.get("q")}</p>`;
  // ruleid: controlgate.javascript.dom-xss-innerhtml
  el.innerHTML += "<li>" + comment.author + "</li>";
  // ruleid: controlgate.javascript.dom-xss-innerhtml
  document.querySelector("#x").outerHTML = location.hash.slice(1);
  // ruleid: controlgate.javascript.dom-xss-innerhtml
  el.insertAdjacentHTML("beforeend", comment.html);
  // ruleid: controlgate.javascript.dom-xss-innerhtml
  document.write("<img src='" + params.get("img") + "'>");
  // ruleid: controlgate.javascript.dom-xss-innerhtml
  el.innerHTML = renderTemplate(comment);
}

function good(comment) {
  const el = document.getElementById("out");
  // ok: controlgate.javascript.dom-xss-innerhtml
  el.textContent = comment.body;
  // ok: controlgate.javascript.dom-xss-innerhtml
  el.innerHTML = "";
  // ok: controlgate.javascript.dom-xss-innerhtml
  el.innerHTML = GREETING;
  // ok: controlgate.javascript.dom-xss-innerhtml
  el.innerHTML = `<hr/>`;
  // ok: controlgate.javascript.dom-xss-innerhtml
  el.innerHTML = DOMPurify.sanitize(comment.body);
  // ok: controlgate.javascript.dom-xss-innerhtml
  el.innerHTML = escapeHtml(comment.body);
  // ok: controlgate.javascript.dom-xss-innerhtml
  el.insertAdjacentHTML("beforeend", "<br>");
  // ok: controlgate.javascript.dom-xss-innerhtml
  document.write("<p>static</p>");
  // ok: controlgate.javascript.dom-xss-innerhtml
  const html = el.innerHTML;
  return html;
}
