// Whether the player's saves are waiting on this device or all with the server, said plainly (the line is a live
// status region; `data-saves` on the player marks it for the tests).
const OFFLINE_WORDS = "Offline: your progress is kept on this device and will be sent when you are back online.";

export class SaveState {
  constructor(line, root) {
    this.line = line;
    this.root = root;
  }

  /** The network went (true) or every save is in (false). */
  show(offline) {
    this.line.textContent = offline ? OFFLINE_WORDS : "All saved.";
    this.line.hidden = false;
    this.root.dataset.saves = offline ? "waiting" : "saved";
  }
}
