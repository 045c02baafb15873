// Drawing the player: counter, cue, countdown ring, breath indicator, illustration and progress.
const RING_LENGTH = 2 * Math.PI * 52;
const KIND_WORDS = {
  "check-before": "Symptom check",
  "check-between": "Symptom check",
  "check-after": "Symptom check",
  "get-ready": "Get ready",
  "switch-side": "Switch sides",
  move: "Move",
  hold: "Hold",
  return: "Return",
  rest: "Rest",
};

const $ = (id) => document.getElementById(id);

function lines(container, texts) {
  container.replaceChildren(
    ...texts.map((text) => {
      const p = document.createElement("p");
      p.textContent = text;
      return p;
    }),
  );
}

export function phaseLabel(phase) {
  const parts = [];
  if (phase.rep) parts.push(`Rep ${phase.rep} of ${phase.reps}`);
  if (phase.side) parts.push(`${phase.side} leg`);
  return parts.join(" · ");
}

export class PlayerView {
  constructor(root, exercises) {
    this.root = root;
    this.exercises = exercises;
    this.ring = $("ring-fill");
    this.ring.style.strokeDasharray = `${RING_LENGTH}`;
  }

  showPhase(phase, next, index, total) {
    const exercise = this.exercises[phase.exercise_id];
    this.root.dataset.index = String(index);
    this.root.dataset.kind = phase.kind;
    this.root.dataset.exercise = phase.exercise_id;
    $("exercise-name").textContent = exercise ? exercise.name : phase.exercise_id;
    const label = phaseLabel(phase);
    $("counter").textContent = [KIND_WORDS[phase.kind] || phase.kind, label].filter(Boolean).join(" — ");
    $("cue").textContent = phase.cue;
    $("next-cue").textContent = next ? next.cue : "That is the last step.";
    this.progress(index, total);
    const timed = phase.duration !== null && phase.duration !== undefined;
    $("timed").hidden = !timed;
    this.breath(phase.breath);
    this.illustration(phase);
    if (timed) this.countdown(phase.duration, phase.duration);
  }

  progress(done, total) {
    const bar = $("overall");
    bar.max = total;
    bar.value = Math.min(done, total);
    $("overall-text").textContent = `${Math.round((100 * Math.min(done, total)) / total)}%`;
  }

  countdown(remaining, duration) {
    const fraction = duration > 0 ? remaining / duration : 0;
    this.ring.style.strokeDashoffset = `${RING_LENGTH * (1 - fraction)}`;
    $("seconds").textContent = String(Math.ceil(remaining - 1e-6));
  }

  breath(breath) {
    const el = $("breath");
    el.hidden = !breath;
    el.className = breath ? `breath breath-${breath}` : "breath";
    el.textContent = breath === "out" ? "Breathe out" : breath === "in" ? "Breathe in" : "";
  }

  illustration(phase) {
    const figure = $("phase-illustration");
    const pictures = document.querySelectorAll(`#illustrations template[data-exercise="${phase.exercise_id}"]`);
    if (!pictures.length) {
      figure.replaceChildren();
      return;
    }
    // The lifted or pressed position for move and hold; the starting position otherwise.
    const top = phase.kind === "move" || phase.kind === "hold";
    const picture = pictures[top ? pictures.length - 1 : 0];
    if (figure.dataset.key === picture.dataset.exercise + picture.dataset.index) return;
    figure.dataset.key = picture.dataset.exercise + picture.dataset.index;
    figure.replaceChildren(picture.content.cloneNode(true));
  }

  paused(isPaused) {
    this.root.dataset.paused = isPaused ? "true" : "false";
    const button = $("pause");
    button.textContent = isPaused ? "Resume" : "Pause";
    button.setAttribute("aria-pressed", isPaused ? "true" : "false");
  }

  status(text) {
    $("status").textContent = text;
  }

  /** Why the player stopped, with a link to what to do (when there is one); returns what to focus. */
  problem(text, href, linkText) {
    const status = $("status");
    status.textContent = `${text} `;
    status.classList.add("problem");
    status.setAttribute("tabindex", "-1");
    if (!href) return status;
    const link = document.createElement("a");
    link.href = href;
    link.textContent = linkText;
    status.append(link);
    return link;
  }

  /** The step-down advice after a check that ended an exercise. */
  stepDown(advice) {
    this.root.dataset.kind = "step-down";
    $("timed").hidden = true;
    $("step-down-title").textContent = advice.title;
    lines($("step-down-why"), advice.why);
    $("step-down-now").textContent = advice.now;
    lines($("step-down-program"), advice.program);
    $("step-down-worsening").textContent = advice.worsening;
    $("step-down-continue").hidden = advice.ends_session;
    $("step-down-calls").hidden = !advice.ends_session;
    $("next-cue").parentElement.hidden = advice.ends_session; // nothing comes next
    $("step-down").hidden = false;
  }
}
