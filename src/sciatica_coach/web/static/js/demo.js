// Moving demonstrations: animates every <figure class="demo"> (templates/exercises/_demo.html) from its
// <script type="application/json" class="demo-data"> block with requestAnimationFrame, at the prescribed timing.
// A figure loops one rep (rest, move, hold, return) with a Play/Pause button; with data-sync="player" it follows
// the player's events instead (sc:phase plays that phase over its duration, sc:paused / sc:resumed / sc:finished;
// such a figure is hidden until a phase of its exercise starts and again during another exercise's phases).
// Under prefers-reduced-motion: reduce it shows a still key frame (the top of the movement) and never moves.

const reducedMotion = window.matchMedia("(prefers-reduced-motion: reduce)");

class Demo {
  constructor(figure) {
    const data = JSON.parse(figure.querySelector("script.demo-data").textContent);
    this.figure = figure;
    this.exercise = data.exercise;
    this.labels = data.labels;
    this.views = data.views;
    this.view = this.views[data.first];
    this.speed = Number(figure.dataset.speed) || 1;
    this.sync = figure.dataset.sync === "player";
    this.bones = [...figure.querySelectorAll("line.bone")].map((el) => [el, Number(el.dataset.a), Number(el.dataset.b)]);
    this.head = figure.querySelector("circle.demo-head");
    this.button = figure.querySelector("button.demo-toggle");
    this.phaseLabel = figure.querySelector(".demo-phase");
    this.t = 0;
    this.until = this.view.duration; // sync mode: where the current phase ends
    this.rate = 1; // seconds of demonstration per second of real time
    this.playing = false;
    this.last = null;
    this.frame = null;
    this.tick = (now) => this.step(now);
  }

  start() {
    this.figure.dataset.state = "still";
    if (this.sync) {
      this.figure.hidden = true; // shown when the player reaches this exercise
      this.showStill(this.view.phases[0].start);
      return;
    }
    this.button.addEventListener("click", () => (this.playing ? this.pause() : this.play()));
    if (!reducedMotion.matches) {
      this.button.hidden = false;
      this.t = 0;
      this.play();
    }
  }

  play() {
    if (reducedMotion.matches || this.playing) return;
    this.playing = true;
    this.last = null;
    this.button.textContent = "Pause the demonstration";
    this.figure.dataset.state = "playing";
    this.frame = requestAnimationFrame(this.tick);
  }

  pause() {
    this.playing = false;
    if (this.frame !== null) cancelAnimationFrame(this.frame);
    this.frame = null;
    this.button.textContent = "Play the demonstration";
    this.figure.dataset.state = "paused";
  }

  // Motion switched off while the page is open: stop on the key frame.
  stopForReducedMotion() {
    this.pause();
    this.button.hidden = true;
    this.figure.dataset.state = "still";
    this.draw(this.view.frames[this.view.still].t);
  }

  step(now) {
    if (!this.playing) return;
    if (this.last !== null) {
      const dt = ((now - this.last) / 1000) * this.rate * this.speed;
      if (this.sync) {
        this.t = Math.min(this.t + dt, this.until);
      } else {
        this.t = (this.t + dt) % this.view.duration;
      }
    }
    this.last = now;
    this.draw(this.t);
    // Following the player, the figure waits at the end of the phase for the next one.
    this.frame = this.sync && this.t >= this.until ? null : requestAnimationFrame(this.tick);
  }

  // The player started a phase: play the matching part of the rep over the phase's real duration.
  follow(phase) {
    this.figure.hidden = phase.exercise_id !== this.exercise;
    if (this.figure.hidden) {
      this.pause();
      return;
    }
    this.view = this.views[phase.side] || this.view;
    const part = this.view.phases.find((p) => p.kind === phase.kind);
    if (!part || !phase.duration) {
      this.pause();
      this.showStill(this.view.phases[0].start); // get ready, switch side, rest, checks: the resting pose
      return;
    }
    if (reducedMotion.matches) {
      this.showStill(part.kind === "return" ? part.start + part.duration : this.view.frames[this.view.still].t);
      return;
    }
    this.t = part.start;
    this.until = part.start + part.duration;
    // phase.duration is in session seconds; the player's clock runs `speed` times faster than real time.
    this.rate = part.duration / phase.duration;
    this.pause();
    this.draw(this.t); // the phase's first pose at once, not a frame later
    this.play();
  }

  showStill(t) {
    this.t = t;
    this.draw(t);
  }

  draw(t) {
    const frames = this.view.frames;
    let i = 0;
    while (i < frames.length - 2 && frames[i + 1].t <= t) i += 1;
    const a = frames[i];
    const b = frames[Math.min(i + 1, frames.length - 1)];
    const k = b.t > a.t ? Math.min(1, Math.max(0, (t - a.t) / (b.t - a.t))) : 0;
    const at = (n) => [a.p[n][0] + (b.p[n][0] - a.p[n][0]) * k, a.p[n][1] + (b.p[n][1] - a.p[n][1]) * k];
    for (const [el, from, to] of this.bones) {
      const p = at(from);
      const q = at(to);
      el.setAttribute("x1", p[0].toFixed(1));
      el.setAttribute("y1", p[1].toFixed(1));
      el.setAttribute("x2", q[0].toFixed(1));
      el.setAttribute("y2", q[1].toFixed(1));
    }
    const head = at(0);
    this.head.setAttribute("cx", head[0].toFixed(1));
    this.head.setAttribute("cy", head[1].toFixed(1));
    this.label(t);
  }

  label(t) {
    const part = this.view.phases.find((p) => t >= p.start && t < p.start + p.duration) || this.view.phases.at(-1);
    const left = Math.max(1, Math.ceil(part.start + part.duration - t - 1e-6));
    const text = `${this.labels[part.kind]} · ${left} s`;
    if (this.phaseLabel.textContent !== text) this.phaseLabel.textContent = text;
  }
}

export function attachDemos(root = document) {
  const demos = [...root.querySelectorAll("figure.demo")].map((figure) => new Demo(figure));
  demos.forEach((demo) => demo.start());
  reducedMotion.addEventListener("change", () => {
    if (reducedMotion.matches) demos.forEach((demo) => demo.stopForReducedMotion());
  });
  document.addEventListener("sc:phase", (event) => demos.filter((d) => d.sync).forEach((d) => d.follow(event.detail.phase)));
  document.addEventListener("sc:paused", () => demos.filter((d) => d.sync).forEach((d) => d.pause()));
  document.addEventListener("sc:resumed", () => demos.filter((d) => d.sync).forEach((d) => d.play()));
  document.addEventListener("sc:finished", () => demos.filter((d) => d.sync).forEach((d) => d.pause()));
  return demos;
}

attachDemos();
