// The quick symptom check shown inline for check-before and check-after phases.
const INTRO = {
  "check-before": "Before you start this exercise:",
  "check-after": "How do you feel now that you have finished it?",
};

export class CheckForm {
  constructor(form, onSubmit) {
    this.form = form;
    this.error = form.querySelector("#check-error");
    this.phase = null;
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      if (!this.phase) return;
      const answers = this.read();
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

  read() {
    const data = new FormData(this.form);
    if (data.get("back") === null) return "Choose a number for your back pain.";
    if (data.get("leg") === null) return "Choose a number for your leg pain.";
    return {
      back: Number(data.get("back")),
      leg: Number(data.get("leg")),
      left_reach: String(data.get("left_reach")),
      right_reach: String(data.get("right_reach")),
    };
  }

  setBusy(busy) {
    this.form.querySelector("button[type=submit]").disabled = busy;
  }

  showError(message) {
    this.error.textContent = message;
    this.error.hidden = !message;
  }
}
