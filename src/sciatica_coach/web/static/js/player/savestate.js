// Whether the player's saves are waiting on this device or all with the server, said plainly (the line is a live
// status region; `data-saves` on the player marks it for the tests).
const OFFLINE_WORDS = "Offline: your progress is kept on this device and will be sent when you are back online.";
// A symptom check answered offline waits: the server decides whether the answer ends the exercise.
const CHECK_WAITS = " Your answers are kept too; the next part starts once they are sent, as they decide what comes next.";

export class SaveState {
  constructor(line, root) {
    this.line = line;
    this.root = root;
    this.checkWaiting = false;
    this.offline = false;
  }

  /** The network went (true) or every save is in (false). */
  show(offline) {
    this.offline = offline;
    this.line.textContent = offline ? OFFLINE_WORDS + (this.checkWaiting ? CHECK_WAITS : "") : "All saved.";
    this.line.hidden = false;
    this.root.dataset.saves = offline ? "waiting" : "saved";
  }

  /** A check's answer is (or is no longer) waiting to be sent. */
  waitingCheck(waiting) {
    this.checkWaiting = waiting;
    if (this.offline) this.show(true);
  }
}
