// A confirm step in the page (never window.confirm) for Skip, and a few seconds to undo Skip or Stop before either
// is sent: the player waits, paused, while the undo bar counts down, so nothing is lost and nothing is skipped by a
// stray key.
export const UNDO_SECONDS = 5;

export class Confirm {
  constructor(panel) {
    this.panel = panel;
    this.text = panel.querySelector("#confirm-text");
    this.yes = panel.querySelector("#confirm-yes");
    this.no = panel.querySelector("#confirm-no");
    this.onYes = null;
    this.onNo = null;
    this.yes.addEventListener("click", () => this.answer(this.onYes));
    this.no.addEventListener("click", () => this.answer(this.onNo));
  }

  get isOpen() {
    return !this.panel.hidden;
  }

  /** Ask `text`; the safe answer ("Keep going") has focus, so Enter never confirms by accident. */
  ask(text, yesLabel, onYes, onNo) {
    this.text.textContent = text;
    this.yes.textContent = yesLabel;
    this.onYes = onYes;
    this.onNo = onNo;
    this.panel.hidden = false;
    this.no.focus();
  }

  answer(then) {
    this.close();
    then?.();
  }

  close() {
    this.panel.hidden = true;
    this.onYes = this.onNo = null;
  }
}

export class Undo {
  constructor(bar) {
    this.bar = bar;
    this.text = bar.querySelector("#undo-text");
    this.button = bar.querySelector("#undo-button");
    this.pending = null;
    this.button.addEventListener("click", () => this.undo());
    // Closing the tab during the undo time still saves what was chosen.
    window.addEventListener("pagehide", () => this.commit());
  }

  get isOpen() {
    return this.pending !== null;
  }

  /** Show `words` with an Undo button for UNDO_SECONDS; then `onCommit()` unless Undo was pressed (`onUndo()`). */
  start(words, onCommit, onUndo) {
    this.clear();
    const deadline = performance.now() + UNDO_SECONDS * 1000;
    const show = () => {
      const left = Math.max(0, Math.ceil((deadline - performance.now()) / 1000));
      this.text.textContent = `${words} Undo within ${left} s.`;
      this.bar.dataset.left = String(left);
    };
    const tick = () => (performance.now() >= deadline ? this.commit() : show());
    this.pending = { onCommit, onUndo, timer: setInterval(tick, 200) };
    show();
    this.bar.hidden = false;
    this.button.focus();
  }

  commit() {
    const pending = this.clear();
    pending?.onCommit();
  }

  undo() {
    const pending = this.clear();
    pending?.onUndo();
  }

  clear() {
    const pending = this.pending;
    if (pending) clearInterval(pending.timer);
    this.pending = null;
    this.bar.hidden = true;
    return pending;
  }
}
