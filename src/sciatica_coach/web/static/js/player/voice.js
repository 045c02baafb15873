// Cues: spoken with the Web Speech API when a voice exists and speech is on; otherwise the cue flashes,
// an assertive live region announces it, and a short beep sounds through WebAudio. Never both: while cues are
// spoken the live region is off, so a screen reader does not read each cue a second time. With the session open in
// several tabs only one speaks: the one last opened, shown or used claims the voice on a BroadcastChannel.
const STORAGE_KEY = "sc-speech";

export class Voice {
  constructor(root, cueEl, channelName) {
    this.root = root;
    this.cueEl = cueEl;
    this.leader = true;
    this.channel = channelName && "BroadcastChannel" in window ? new BroadcastChannel(channelName) : null;
    this.allowed = root.dataset.speech === "on" && "speechSynthesis" in window;
    this.enabled = this.allowed && localStorage.getItem(STORAGE_KEY) !== "off";
    this.audio = null;
    this.beeps = 0;
    this.root.dataset.beeps = "0";
    if ("speechSynthesis" in window) {
      window.speechSynthesis.addEventListener?.("voiceschanged", () => this.updateMode());
    }
    // Browsers only let audio start after a gesture: unlock it on the first one.
    const unlock = () => this.audioContext()?.resume?.();
    document.addEventListener("pointerdown", unlock, { once: true });
    document.addEventListener("keydown", unlock, { once: true });
    if (this.channel) {
      this.channel.onmessage = (event) => {
        if (event.data === "claim") this.setLeader(false);
      };
      const claim = () => {
        if (!this.leader) this.setLeader(true);
        this.channel.postMessage("claim");
      };
      document.addEventListener("visibilitychange", () => document.visibilityState === "visible" && claim());
      window.addEventListener("focus", claim);
      document.addEventListener("pointerdown", claim);
      document.addEventListener("keydown", claim);
      claim();
    }
    this.setLeader(true);
  }

  /** Whether this tab gives the cues (spoken or beeped); another tab showing the same session stays quiet. */
  setLeader(leader) {
    this.leader = leader;
    this.root.dataset.voice = leader ? "this-tab" : "other-tab";
    if (!leader) this.silence();
    this.updateMode();
  }

  bindToggle(checkbox) {
    if (!checkbox) return;
    checkbox.checked = this.enabled;
    checkbox.addEventListener("change", () => {
      this.enabled = this.allowed && checkbox.checked;
      localStorage.setItem(STORAGE_KEY, checkbox.checked ? "on" : "off");
      if (!this.enabled) window.speechSynthesis?.cancel();
      this.updateMode();
    });
  }

  voices() {
    return "speechSynthesis" in window ? window.speechSynthesis.getVoices() : [];
  }

  /** "speech" when cues are spoken, "visual" when the fallback is used. */
  updateMode() {
    const mode = this.enabled && this.voices().length > 0 ? "speech" : "visual";
    this.root.dataset.cueMode = mode;
    this.cueEl.setAttribute("aria-live", mode === "visual" && this.leader ? "assertive" : "off");
    return mode;
  }

  say(text) {
    this.cueEl.textContent = text;
    const mode = this.updateMode();
    if (!this.leader) return; // another tab speaks for this session
    if (mode === "speech") {
      window.speechSynthesis.cancel();
      const utterance = new SpeechSynthesisUtterance(text);
      utterance.rate = 0.95;
      window.speechSynthesis.speak(utterance);
      return;
    }
    this.flash();
    this.beep();
  }

  flash() {
    this.cueEl.classList.remove("flash");
    void this.cueEl.offsetWidth; // restart the animation
    this.cueEl.classList.add("flash");
  }

  audioContext() {
    if (this.audio === null) {
      const Ctx = window.AudioContext || window.webkitAudioContext;
      this.audio = Ctx ? new Ctx() : false;
    }
    return this.audio || null;
  }

  beep(frequency = 880, seconds = 0.15) {
    const ctx = this.audioContext();
    if (!ctx) return;
    const osc = ctx.createOscillator();
    const gain = ctx.createGain();
    osc.frequency.value = frequency;
    gain.gain.setValueAtTime(0.0001, ctx.currentTime);
    gain.gain.exponentialRampToValueAtTime(0.2, ctx.currentTime + 0.02);
    gain.gain.exponentialRampToValueAtTime(0.0001, ctx.currentTime + seconds);
    osc.connect(gain).connect(ctx.destination);
    osc.start();
    osc.stop(ctx.currentTime + seconds + 0.02);
    this.beeps += 1;
    this.root.dataset.beeps = String(this.beeps);
  }

  silence() {
    if ("speechSynthesis" in window) window.speechSynthesis.cancel();
  }
}
