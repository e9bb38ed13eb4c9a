export function show(container: HTMLElement, message: string): void {
  // ruleid: controlgate.javascript.dom-xss-innerhtml
  container.innerHTML = `<div class="msg">${message}</div>`;
  // ok: controlgate.javascript.dom-xss-innerhtml
  container.innerText = message;
}
