// Talking to the session API. Every change goes through one queue so the server sees phases in order.
export class ApiError extends Error {
  constructor(status, detail, body) {
    super(detail);
    this.status = status;
    this.body = body;
  }
}

export class SessionApi {
  constructor(sessionId, onRetry) {
    this.base = `/api/sessions/${encodeURIComponent(sessionId)}`;
    this.queue = Promise.resolve();
    this.onRetry = onRetry || (() => {});
    this.pending = 0; // POSTs sent or waiting, not yet answered
  }

  /** Whether a save is on its way (a poll's answer may not show it yet). */
  get busy() {
    return this.pending > 0;
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
        this.onRetry(attempt);
        await new Promise((r) => setTimeout(r, Math.min(5000, 300 * 2 ** attempt)));
        continue;
      }
      const data = await response.json().catch(() => ({}));
      if (!response.ok) throw new ApiError(response.status, data.detail || response.statusText, data);
      return data;
    }
  }

  state() {
    return this.request("");
  }

  /** Queue a POST after every earlier one; resolves with the server's answer. */
  post(action, body = {}) {
    this.pending += 1;
    const result = this.queue.then(() => this.request(`/${action}`, body));
    const done = () => {
      this.pending -= 1;
    };
    result.then(done, done);
    this.queue = result.catch(() => undefined);
    return result;
  }

  /** Resolves once every queued POST has been answered. */
  settled() {
    return this.queue;
  }
}
