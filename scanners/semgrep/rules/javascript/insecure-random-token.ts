export class Sessions {
  // ruleid: controlgate.javascript.insecure-random-token
  private csrfToken: string = Math.random().toString(36);

  newSessionId(): string {
    // ruleid: controlgate.javascript.insecure-random-token
    return Math.random().toString(36).slice(2);
  }

  pickBackoff(): number {
    // ok: controlgate.javascript.insecure-random-token
    return Math.random() * 250;
  }
}
