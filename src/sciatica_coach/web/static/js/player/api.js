// Talking to the session API. Every change goes through one queue so the server sees phases in order; each save is
// kept in IndexedDB (`Outbox`) until the server has answered it, so going offline or reloading loses nothing. A
// save is idempotent on the server (by step index), so one sent again after a reload never counts twice.
import { Outbox } from "./outbox.js";

export class ApiError extends Error {
  constructor(status, detail, body) {
    super(detail);
    this.status = status;
    this.body = body;
  }
}

export class SessionApi {
  /** `onNetwork(offline)` is called when the server stops answering (true) and once every save is in (false);
   * `onAnswer(state)` with the server's answer to every save (those an earlier page made too). */
  constructor(sessionId, onNetwork, onAnswer) {
    this.base = `/api/sessions/${encodeURIComponent(sessionId)}`;
    this.outbox = new Outbox(sessionId);
    this.onNetwork = onNetwork || (() => {});
    this.onAnswer = onAnswer || (() => {});
    this.offline = false;
    this.wentOffline = []; // resolved the moment the server is found not answering
    this.pending = 0; // POSTs sent or waiting, not yet answered
    this.wake = null; // cuts a retry's wait short when the browser says the network is back
    window.addEventListener("online", () => this.wake && this.wake());
    // Saves an earlier page made but could not send go first, in the order they were made.
    this.queue = this.replay();
  }

  /** Whether a save is on its way (a poll's answer may not show it yet). */
  get busy() {
    return this.pending > 0;
  }

  async replay() {
    const rows = await this.outbox.waiting().catch(() => []);
    if (!rows.length) return;
    this.pending += 1;
    try {
      for (const row of rows) {
        const answer = await this.request(`/${row.action}`, row.body).catch(() => null); // refused: it never will be
        if (answer) this.onAnswer(answer);
        await this.outbox.remove(row.seq);
      }
    } finally {
      this.pending -= 1;
      this.saved();
    }
  }

  async request(path, body) {
    const init = { headers: { accept: "application/json" }, cache: "no-store" };
    if (body !== undefined) {
      init.method = "POST";
      init.keepalive = true; // a save made as the tab closes still arrives
      init.headers["content-type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    for (let attempt = 0; ; attempt += 1) {
      let response;
      try {
        response = await fetch(this.base + path, init);
      } catch (networkError) {
        // Offline or the server is restarting: keep trying, nothing done is thrown away.
        if (!this.offline) {
          this.offline = true;
          this.onNetwork(true);
        }
        this.wentOffline.splice(0).forEach((resolve) => resolve(null));
        await new Promise((resolve) => {
          this.wake = resolve;
          setTimeout(resolve, Math.min(5000, 300 * 2 ** attempt));
        });
        continue;
      }
      const data = await response.json().catch(() => ({}));
      if (!response.ok) throw new ApiError(response.status, data.detail || response.statusText, data);
      return data;
    }
  }

  /** The session as the server has it, once every save made before has been answered. */
  state() {
    return this.queue.then(() => this.request(""));
  }

  /** Resolves with null once the server is found not answering (at once when it is already). */
  whenOffline() {
    if (this.offline) return Promise.resolve(null);
    return new Promise((resolve) => this.wentOffline.push(resolve));
  }

  /** The session as the server has it, or null as soon as the server is found not answering. */
  quickState() {
    return Promise.race([this.state(), this.whenOffline()]);
  }

  /** Keep a POST on this device and send it after every earlier one; resolves with the server's answer. */
  post(action, body = {}) {
    this.pending += 1;
    const kept = this.outbox.add(action, body).catch(() => null);
    const result = this.queue.then(async () => {
      const seq = await kept;
      try {
        const answer = await this.request(`/${action}`, body);
        this.onAnswer(answer);
        return answer;
      } finally {
        await this.outbox.remove(seq).catch(() => undefined); // answered (or refused for good): not sent again
      }
    });
    const done = () => {
      this.pending -= 1;
      if (this.pending === 0) this.saved();
    };
    result.then(done, done);
    this.queue = result.catch(() => undefined);
    return result;
  }

  saved() {
    if (this.offline && this.pending === 0) {
      this.offline = false;
      this.onNetwork(false);
    }
  }

  /** Resolves once every queued POST has been answered. */
  settled() {
    return this.queue;
  }
}
