// The quick symptom check shown inline for check phases (one between two exercises), and the same four questions asked
// by "Stop: this hurts". Nothing is chosen in advance: a form with an unanswered question names it and sends
// nothing.
const INTRO = {
  "check-before": "Before you start this exercise:",
  "check-between": "How do you feel now that you have finished it? This is also your check before the next exercise.",
  "check-after": "How do you feel now that you have finished it?",
};

/** The four answers read from a form whose fields carry data-field (input name) and data-label (words). */
export function readSymptoms(form, names) {
  const data = new FormData(form);
  const missing = [];
  const answers = {};
  for (const [key, name] of Object.entries(names)) {
    const value = data.get(name);
    if (value === null || value === "") {
      const field = form.querySelector(`[data-field="${name}"]`);
      missing.push(field ? field.dataset.label : name);
      field?.classList.add("missing");
    } else {
      form.querySelector(`[data-field="${name}"]`)?.classList.remove("missing");
      answers[key] = key === "back" || key === "leg" ? Number(value) : String(value);
    }
  }
  if (missing.length) return `Please answer every question. Still to answer: ${missing.join(", ")}.`;
  return answers;
}

function clearMarks(form) {
  form.querySelectorAll(".missing").forEach((el) => el.classList.remove("missing"));
  form.querySelectorAll(".field-error").forEach((el) => el.remove());
}

const CHECK_NAMES = { back: "back", leg: "leg", left_reach: "left_reach", right_reach: "right_reach" };
const STOP_NAMES = { back: "back_pain", leg: "leg_pain", left_reach: "left_reach", right_reach: "right_reach" };

export class CheckForm {
  constructor(form, onSubmit) {
    this.form = form;
    this.error = form.querySelector("#check-error");
    this.phase = null;
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      if (!this.phase) return;
      const answers = readSymptoms(this.form, CHECK_NAMES);
      if (typeof answers === "string") {
        this.showError(answers);
        return;
      }
      onSubmit(this.phase, answers);
    });
  }

  open(phase, exerciseName) {
    this.phase = phase;
    this.form.reset();
    clearMarks(this.form);
    this.showError("");
    this.form.querySelector("#check-intro").textContent = `${exerciseName}. ${INTRO[phase.kind] || ""}`;
    this.form.hidden = false;
    this.setBusy(false);
    this.form.querySelector("#check-title").focus();
  }

  close() {
    this.phase = null;
    this.form.hidden = true;
  }

  setBusy(busy) {
    this.form.querySelector("button[type=submit]").disabled = busy;
  }

  showError(message) {
    this.error.textContent = message;
    this.error.hidden = !message;
  }
}

/** "Stop: this hurts": asks how much and where; `onStop(answers or null)` once answered or declined. */
export class StopForm {
  constructor(form, onStop, onCancel) {
    this.form = form;
    this.error = form.querySelector("#stop-error");
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      const without = event.submitter && event.submitter.name === "without";
      if (without) return onStop(null);
      const answers = readSymptoms(this.form, STOP_NAMES);
      if (typeof answers === "string") {
        this.showError(answers);
        return;
      }
      onStop(answers);
    });
    form.querySelector("#stop-cancel")?.addEventListener("click", () => onCancel());
  }

  get isOpen() {
    return !this.form.hidden;
  }

  open() {
    this.form.reset();
    clearMarks(this.form);
    this.showError("");
    this.setBusy(false);
    this.form.hidden = false;
    this.form.querySelector("#stop-title").focus();
  }

  close() {
    this.form.hidden = true;
  }

  setBusy(busy) {
    this.form.querySelectorAll("button").forEach((b) => (b.disabled = busy));
  }

  showError(message) {
    this.error.textContent = message;
    this.error.hidden = !message;
  }
}
