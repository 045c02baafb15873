// The guided session player: plays the server's script phase by phase and saves after every phase.
// Emits sc:phase, sc:paused, sc:resumed and sc:finished on document (the camera panel listens).
import { ApiError, SessionApi } from "./player/api.js";
import { CheckForm, StopForm } from "./player/checkform.js";
import { PhaseTimer } from "./player/clock.js";
import { PlayerView, phaseLabel } from "./player/view.js";
import { Voice } from "./player/voice.js";
import { localizeTimes } from "./localtime.js";

const root = document.getElementById("player");
const sessionId = root.dataset.sessionId;
const $ = (id) => document.getElementById(id);
const buttons = { pause: $("pause"), skip: $("skip"), stop: $("stop") };

let script = [];
let speed = 1;
let index = 0;
let timer = null;
let paused = false;
let cueSpoken = false;
let finished = false;
let exercises = {};
const view = new PlayerView(root, exercises);
const voice = new Voice(root, $("cue"));
const api = new SessionApi(sessionId, () => view.status("Saving… trying to reach the server again."));
const check = new CheckForm($("check-form"), submitCheck);
const stopForm = new StopForm($("stop-form"), sendStop, cancelStop);
let stepDownOpen = false;

function emit(name, detail = {}) {
  document.dispatchEvent(new CustomEvent(name, { detail: { sessionId, ...detail } }));
}

function describe(phase) {
  const name = exercises[phase.exercise_id]?.name || phase.exercise_id;
  const label = phaseLabel(phase);
  return label ? `${name}, ${label}` : name;
}

async function boot() {
  let state;
  try {
    state = await api.state();
  } catch (error) {
    return showProblem(error);
  }
  script = state.script;
  speed = Number(state.clock_speed) || Number(root.dataset.clockSpeed) || 1;
  Object.assign(exercises, state.exercises);
  voice.bindToggle($("speak"));
  buttons.pause.addEventListener("click", togglePause);
  buttons.skip.addEventListener("click", skipExercise);
  buttons.stop.addEventListener("click", stopForPain);
  document.addEventListener("keydown", onKey);
  $("step-down-continue").addEventListener("click", () => {
    closeStepDown();
    enter(index);
    buttons.pause.focus();
  });
  root.dataset.state = "running";
  if (state.status !== "in_progress") return finish(state.status, state);
  if (state.step_down) {
    // Reloaded while the advice after a check that ended an exercise was on screen: show it again.
    index = state.position;
    return showStepDown(state.step_down);
  }
  const resumeAt = state.resume;
  const resumed = state.position > 0;
  // A resumed session waits, paused, at the start of the rep under way until the person is in position.
  paused = resumed && resumeAt < script.length && script[resumeAt].duration !== null;
  view.paused(paused);
  enter(resumeAt);
  if (resumed) {
    const how = paused ? " Press Resume (or Space) when you are in position." : "";
    view.status(`Welcome back. Picking up at ${describe(script[resumeAt])}.${how}`);
  }
}

function enter(i) {
  if (timer) timer.cancel();
  timer = null;
  index = i;
  if (i >= script.length) return;
  const phase = script[i];
  view.showPhase(phase, script[i + 1], i, script.length);
  emit("sc:phase", { index: i, phase });
  if (phase.duration === null) {
    paused = false;
    view.paused(false);
    buttons.pause.disabled = true;
    check.open(phase, exercises[phase.exercise_id]?.name || "");
    voice.say(phase.cue);
    return;
  }
  check.close();
  buttons.pause.disabled = false;
  cueSpoken = false;
  timer = new PhaseTimer(
    phase.duration,
    speed,
    (left) => view.countdown(left, phase.duration),
    () => phaseDone(i),
  );
  if (!paused) startTimer(phase);
}

function startTimer(phase) {
  if (!cueSpoken) {
    voice.say(phase.cue);
    cueSpoken = true;
  }
  timer.start();
}

function phaseDone(i) {
  api.post("progress", { completed_index: i }).then(afterSave, handleError);
  if (i + 1 < script.length) enter(i + 1);
}

function afterSave(state) {
  view.progress(Math.max(index, state.position), state.total);
  if (state.status !== "in_progress") return finish(state.status, state);
  if (state.position > index) {
    // Another tab or device moved the session on: follow it rather than repeat what is already done.
    if (timer) timer.cancel();
    enter(state.resume);
    view.status(`Your session moved on in another window; picked up at ${describe(script[state.resume])}.`);
  }
}

function submitCheck(phase, answers) {
  check.setBusy(true);
  api.post("check", { index: phase.index, ...answers }).then(
    (state) => {
      check.close();
      if (state.step_down) {
        // The check showed spreading or pain above the red line: that exercise ends here, with advice.
        index = state.position;
        showStepDown(state.step_down);
        if (state.status !== "in_progress") finish(state.status, state);
        return;
      }
      if (state.status !== "in_progress") return finish(state.status, state);
      enter(state.position);
      buttons.pause.focus();
    },
    (error) => {
      check.setBusy(false);
      if (error instanceof ApiError && error.status === 422) check.showError(error.message);
      else handleError(error);
    },
  );
}

function lines(container, texts) {
  container.replaceChildren(
    ...texts.map((text) => {
      const p = document.createElement("p");
      p.textContent = text;
      return p;
    }),
  );
}

function showStepDown(advice) {
  if (timer) timer.cancel();
  timer = null;
  stepDownOpen = true;
  root.dataset.kind = "step-down";
  $("timed").hidden = true;
  $("step-down-title").textContent = advice.title;
  lines($("step-down-why"), advice.why);
  $("step-down-now").textContent = advice.now;
  lines($("step-down-program"), advice.program);
  $("step-down-worsening").textContent = advice.worsening;
  $("step-down-continue").hidden = advice.ends_session;
  buttons.pause.disabled = true;
  $("step-down").hidden = false;
  voice.say(`${advice.title}. ${advice.now}`);
  $("step-down-title").focus();
}

function closeStepDown() {
  stepDownOpen = false;
  $("step-down").hidden = true;
}

function togglePause() {
  if (finished || !timer || stopForm.isOpen) return;
  paused = !paused;
  if (paused) {
    timer.pause();
    voice.silence();
    emit("sc:paused");
    view.status("Paused. Press Resume (or Space) to carry on.");
  } else {
    startTimer(script[index]);
    emit("sc:resumed");
    view.status("");
  }
  view.paused(paused);
}

async function skipExercise() {
  if (finished) return;
  if (timer) timer.cancel();
  check.close();
  closeStepDown();
  try {
    const state = await api.post("skip", { index });
    if (state.status !== "in_progress") return finish(state.status, state);
    paused = false;
    view.paused(false);
    enter(state.position);
    view.status("Skipped. On to the next part.");
  } catch (error) {
    handleError(error);
  }
}

// "Stop: this hurts": everything stops at once, then the pain and where it is felt are asked and saved with the stop.
function stopForPain() {
  if (finished || stopForm.isOpen) return;
  if (timer && !paused) timer.pause();
  paused = true;
  view.paused(true);
  voice.silence();
  check.form.hidden = true;
  closeStepDown();
  emit("sc:paused");
  Object.values(buttons).forEach((b) => (b.disabled = true));
  stopForm.open();
}

async function sendStop(answers) {
  stopForm.setBusy(true);
  try {
    const state = await api.post("stop", answers || {});
    stopForm.close();
    finish(state.status, state);
  } catch (error) {
    stopForm.setBusy(false);
    if (error instanceof ApiError && error.status === 422) stopForm.showError(error.message);
    else handleError(error);
  }
}

function cancelStop() {
  stopForm.close();
  Object.values(buttons).forEach((b) => (b.disabled = false));
  const phase = script[index];
  if (phase && phase.duration === null) {
    check.open(phase, exercises[phase.exercise_id]?.name || "");
    buttons.pause.disabled = true;
    return;
  }
  view.status("Paused. Press Resume (or Space) to carry on.");
  buttons.pause.focus();
}

function troubled(state) {
  return (state?.record?.exercises || []).some((e) => e.stopped_for_pain || e.ended);
}

async function finish(status, state) {
  if (finished) return;
  finished = true;
  if (timer) timer.cancel();
  root.dataset.state = status;
  view.progress(status === "completed" ? script.length : index, script.length);
  emit("sc:finished", { status });
  // Never a "well done" over a session that pain or spreading cut short.
  if (status === "completed" && !troubled(state)) voice.say("Session complete. Well done.");
  const response = await fetch(`/session/${encodeURIComponent(sessionId)}/summary`, {
    headers: { accept: "text/html" },
  });
  root.hidden = true;
  const slot = $("summary-slot");
  slot.innerHTML = await response.text(); // our own server-rendered, escaped fragment
  localizeTimes(slot);
  slot.querySelector("#summary-heading")?.focus();
}

async function handleError(error) {
  if (!(error instanceof ApiError)) {
    view.status(`Something went wrong: ${error.message}`);
    return;
  }
  if (error.status === 409 && !finished) {
    // The saved session moved on (another tab, or it ended): pick up from what the server has.
    const state = await api.state().catch(() => null);
    if (state && state.status !== "in_progress") return finish(state.status, state);
    if (state) {
      enter(state.resume);
      view.status(`Picked up at ${describe(script[state.resume])}, where your saved session is.`);
    }
    return;
  }
  showProblem(error);
}

function showProblem(error) {
  if (timer) timer.cancel();
  const status = $("status");
  status.textContent = error.message || "Something went wrong.";
  if (error.body?.url) {
    const link = document.createElement("a");
    link.href = error.body.url;
    link.textContent = " Find out what to do.";
    status.append(link);
  }
  status.classList.add("problem");
  root.dataset.state = error.status === 423 ? "gated" : "error";
}

function onKey(event) {
  if (event.key !== " " || event.repeat) return;
  const target = event.target;
  if (target.closest("button, a, input, select, textarea, summary, [contenteditable]")) return;
  event.preventDefault();
  togglePause();
}

boot();
