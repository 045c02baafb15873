// A countdown for one timed phase, measured with performance.now() and scaled by the server's clock speed.
export class PhaseTimer {
  /**
   * @param {number} seconds  length of the phase in exercise seconds
   * @param {number} speed    clock speed (1 = real time; browser tests run faster)
   * @param {(remaining: number) => void} onTick
   * @param {() => void} onDone
   */
  constructor(seconds, speed, onTick, onDone) {
    this.seconds = seconds;
    this.speed = speed > 0 ? speed : 1;
    this.onTick = onTick;
    this.onDone = onDone;
    this.banked = 0; // real milliseconds run before the last pause
    this.startedAt = null;
    this.handle = null;
    this.done = false;
  }

  get running() {
    return this.startedAt !== null;
  }

  /** Exercise seconds elapsed so far. */
  elapsed() {
    const live = this.startedAt === null ? 0 : performance.now() - this.startedAt;
    return ((this.banked + live) * this.speed) / 1000;
  }

  remaining() {
    return Math.max(0, this.seconds - this.elapsed());
  }

  start() {
    if (this.done || this.running) return;
    this.startedAt = performance.now();
    this.tick();
  }

  tick() {
    if (this.done || !this.running) return;
    const left = this.remaining();
    this.onTick(left);
    if (left <= 0) {
      this.done = true;
      this.startedAt = null;
      this.onDone();
      return;
    }
    // Wake up often enough for a smooth ring, and exactly when the phase ends.
    const realLeft = (left * 1000) / this.speed;
    this.handle = setTimeout(() => this.tick(), Math.max(1, Math.min(50, realLeft)));
  }

  pause() {
    if (!this.running) return;
    this.banked += performance.now() - this.startedAt;
    this.startedAt = null;
    clearTimeout(this.handle);
  }

  resume() {
    this.start();
  }

  cancel() {
    this.done = true;
    this.startedAt = null;
    clearTimeout(this.handle);
  }
}
