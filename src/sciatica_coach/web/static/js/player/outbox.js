// The player's saves kept in IndexedDB until the server has them: they survive going offline and a reload.
// One object store, keyed by an increasing number, so the saves of a session come back in the order they were made;
// a second keeps the session as the server last gave it, so a player reloaded offline can rebuild where it was
// (that state plus the saves still waiting). The service worker empties the second on the sign-in page.
const DB_NAME = "sc-outbox";
const STORE = "saves";
const STATES = "states";

function opened() {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(DB_NAME, 2);
    request.onupgradeneeded = () => {
      const db = request.result;
      if (!db.objectStoreNames.contains(STORE)) {
        db.createObjectStore(STORE, { keyPath: "seq", autoIncrement: true }).createIndex("session", "session");
      }
      if (!db.objectStoreNames.contains(STATES)) db.createObjectStore(STATES, { keyPath: "session" });
    };
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

function done(request) {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

export class Outbox {
  constructor(sessionId) {
    this.sessionId = String(sessionId);
    this.db = opened().catch(() => null); // no IndexedDB (private mode): saves still go out, only not kept
  }

  async store(mode, name = STORE) {
    const db = await this.db;
    return db ? db.transaction(name, mode).objectStore(name) : null;
  }

  /** Keep the session as the server last gave it (the full detail: script, record, offline rules). */
  async keepState(detail) {
    const store = await this.store("readwrite", STATES);
    if (store) await done(store.put({ session: this.sessionId, detail }));
  }

  /** The session as the server last gave it on this device, or null. */
  async lastState() {
    const store = await this.store("readonly", STATES);
    const row = store ? await done(store.get(this.sessionId)) : null;
    return row ? row.detail : null;
  }

  /** Keep a save; resolves with its number (null when nothing can be kept). */
  async add(action, body) {
    const store = await this.store("readwrite");
    return store ? done(store.add({ session: this.sessionId, action, body })) : null;
  }

  /** Forget a save the server has answered. */
  async remove(seq) {
    const store = await this.store("readwrite");
    if (store && seq !== null) await done(store.delete(seq));
  }

  /** This session's saves still waiting (from an earlier page), oldest first. */
  async waiting() {
    const store = await this.store("readonly");
    if (!store) return [];
    const rows = await done(store.index("session").getAll(this.sessionId));
    return rows.sort((a, b) => a.seq - b.seq);
  }
}
