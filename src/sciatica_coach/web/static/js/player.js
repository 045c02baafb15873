// The guided session player: plays the server's script phase by phase and saves after every phase.
// Emits sc:phase, sc:paused, sc:resumed and sc:finished on document (the camera panel listens).
// Space pauses wherever focus is (it never presses a button); Skip asks once; Skip and Stop can be undone for a few
// seconds; a lock or a session moved on elsewhere (seen by polling, or in a save's 409/423) stops the player at once.
// With no network the session still runs to its end: `LocalFlow` decides each next step by the server's rules, the
// saves wait in IndexedDB, and the server's answers, once they come, have the last word.
import { ApiError, SessionApi } from "./player/api.js";
import { CheckForm, StopForm } from "./player/checkform.js";
import { Confirm, Undo } from "./player/confirm.js";
import { LocalFlow } from "./player/localflow.js";
import { PhaseTimer } from "./player/clock.js";
import { PlayerView, phaseLabel } from "./player/view.js";
import { SaveState } from "./player/savestate.js";
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
const voice = new Voice(root, $("cue"), `sc-voice-${sessionId}`);
const confirmStep = new Confirm($("confirm"));
const undo = new Undo($("undo"));
const POLL_MS = 3000;
const OFFLINE_NOT_KEPT =
  "You are offline, and this session was not kept on this device. Open it again when you are back online.";
let poller = null;
const saves = new SaveState($("save-state"), root);
const api = new SessionApi(sessionId, onNetwork, keepAnswer);
let local = null; // the session as this device has it (LocalFlow)
let kept = null; // the server's last full answer, kept on the device for a reload offline
let summaryShown = false;
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

function onNetwork(offline) {
  saves.show(offline);
  if (!offline && finished && !summaryShown) showSummary(); // ended offline: every save is in now
}

// Every answer of the server is kept on the device (with the script and rules of the last full answer).
function keepAnswer(state) {
  if (!kept) return;
  const { status, position, resume, record } = state;
  kept = { ...kept, status, position, resume, record, step_down: state.step_down || null };
  api.outbox.keepState(kept).catch(() => undefined);
}

// The server's state; offline, the one kept on this device with the saves still waiting applied to it.
async function startingState() {
  const state = await api.quickState();
  if (state) {
    kept = state;
    api.outbox.keepState(state).catch(() => undefined);
    local = new LocalFlow(state);
    return state;
  }
  const last = await api.outbox.lastState().catch(() => null);
  if (!last) return null;
  kept = last;
  local = new LocalFlow(last);
  const waiting = await api.outbox.waiting().catch(() => []);
  for (const row of waiting) local.apply(row.action, row.body);
  const { status, position, record } = local;
  // The advice of a check that ended an exercise: the server's, when nothing was done since it answered.
  const stepDown = waiting.length ? local.pendingAdvice() : last.step_down;
  return { ...last, status, position, record, step_down: stepDown || null };
}

async function boot() {
  let state;
  try {
    state = await startingState();
  } catch (error) {
    return showProblem(error);
  }
  if (!state) {
    root.dataset.state = "error";
    view.problem(OFFLINE_NOT_KEPT).focus();
    return;
  }
  script = state.script;
  speed = Number(state.clock_speed) || Number(root.dataset.clockSpeed) || 1;
  Object.assign(exercises, state.exercises);
  voice.bindToggle($("speak"));
  buttons.pause.addEventListener("click", togglePause);
  buttons.skip.addEventListener("click", skipExercise);
  buttons.stop.addEventListener("click", stopForPain);
  document.addEventListener("keydown", onKey);
  document.addEventListener("keyup", (event) => spaceIsOurs(event) && event.preventDefault());
  // Back after the session ended must never show a player restored from the browser's memory.
  window.addEventListener("pageshow", (event) => event.persisted && window.location.reload());
  $("step-down-continue").addEventListener("click", () => {
    closeStepDown();
    enter(index);
    buttons.pause.focus();
  });
  root.dataset.state = "running";
  if (state.status !== "in_progress") {
    if (state.step_down && api.offline) showStepDown(state.step_down); // ended by a check, on this device
    return finish(state.status, state);
  }
  poller = setInterval(poll, POLL_MS);
  const dock = $("dock");
  const measure = () => root.style.setProperty("--dock-h", `${dock.offsetHeight}px`);
  new ResizeObserver(measure).observe(dock);
  measure();
  if (state.step_down) {
    // Reloaded while the advice after a check that ended an exercise was on screen: show it again.
    index = state.position;
    return showStepDown(state.step_down);
  }
  const resumeAt = local.resume;
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
  // A step done before (the start of a rep played again after a reload) is not sent again.
  if (i >= local.position) {
    local.complete(i);
    api.post("progress", { completed_index: i }).then(reconcile, handleError);
  }
  if (i + 1 < script.length) enter(i + 1);
}

// The server's answer to a save: once no later save is on its way, it has the last word. Ended there (a lock, another
// tab) ends it here; further on than here means it moved on elsewhere.
function reconcile(state) {
  if (api.busy || halted()) return;
  if (finished) {
    if (!summaryShown && !api.offline) showSummary();
    return;
  }
  view.progress(Math.max(index, state.position), state.total);
  if (state.status !== "in_progress") {
    local.adopt(state);
    return finish(state.status, state);
  }
  if (state.position !== local.position) return movedOn();
  local.adopt(state);
}

/** A save's answer, or null as soon as the network is found missing (the player then decides here). */
function answerOrOffline(sent) {
  return Promise.race([sent, api.whenOffline()]);
}

// Every few seconds: has the session ended, moved on or been locked elsewhere? (Only while no save of ours is on
// its way, so our own answer is never mistaken for another tab's.)
async function poll() {
  if (finished || halted() || api.busy) return;
  if (api.offline) return;
  try {
    const state = await api.state();
    if (finished || halted() || api.busy) return;
    if (state.status !== "in_progress") {
      view.status("This session ended in another window or device.");
      return finish(state.status, state);
    }
    if (state.resume > index && !stepDownOpen) movedOn();
  } catch (error) {
    if (error instanceof ApiError && (error.status === 423 || error.status === 404)) showProblem(error);
  }
}

function halted() {
  return ["gated", "error", "moved"].includes(root.dataset.state);
}

// Stop everything: no clock, no form, no button left working.
function halt(state) {
  if (timer) timer.cancel();
  timer = null;
  clearInterval(poller);
  confirmStep.close();
  undo.clear();
  check.close();
  stopForm.close();
  closeStepDown();
  voice.silence();
  Object.values(buttons).forEach((b) => (b.disabled = true));
  root.dataset.state = state;
}

function movedOn() {
  halt("moved");
  const words = "This session moved on in another window or device, so this one has stopped.";
  view.problem(words, window.location.pathname, "Carry on from where it is now.").focus();
}

async function submitCheck(phase, answers) {
  check.setBusy(true);
  const answered = api.post("check", { index: phase.index, ...answers });
  answered.catch(() => undefined); // handled below
  let state;
  try {
    state = await answerOrOffline(answered);
  } catch (error) {
    check.setBusy(false);
    if (error instanceof ApiError && error.status === 422) check.showError(error.message);
    else handleError(error);
    return;
  }
  if (state === null) {
    // No network: this device judges the answer by the server's rules; the server's answer, later, has the last word.
    answered.then(reconcile, handleError);
    return checkedHere(phase, answers);
  }
  local.check(phase.index, answers);
  checked(state);
}

function checkedHere(phase, answers) {
  check.close();
  const ended = local.check(phase.index, answers);
  if (ended) {
    index = local.position;
    showStepDown(local.advice(phase.index, ended));
    if (!local.running) finish(local.status, null);
    return;
  }
  if (!local.running) return finish(local.status, null);
  enter(local.position);
  buttons.pause.focus();
}

// The server's answer to a check, online: it decides (its step-down advice also says what the rules changed).
function checked(state) {
  check.close();
  if (!api.busy) local.adopt(state);
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
}

function showStepDown(advice) {
  if (timer) timer.cancel();
  timer = null;
  stepDownOpen = true;
  buttons.pause.disabled = true;
  view.stepDown(advice);
  voice.say(`${advice.title}. ${advice.now}`);
  $("step-down-title").focus();
}

function closeStepDown() {
  stepDownOpen = false;
  $("step-down").hidden = true;
}

function togglePause() {
  if (finished || !timer || stopForm.isOpen || confirmStep.isOpen || undo.isOpen || halted()) return;
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

// Hold the clock while a confirm step or an undo bar is shown; `release` puts it back as it was.
function hold() {
  const running = Boolean(timer) && !paused;
  if (running) timer.pause();
  voice.silence();
  buttons.pause.disabled = true;
  buttons.skip.disabled = true;
  return running;
}

function release(wasRunning) {
  buttons.skip.disabled = false;
  const phase = script[index];
  const waiting = !phase || phase.duration === null;
  buttons.pause.disabled = waiting;
  if (wasRunning && timer) timer.start();
  if (waiting) $("check-title").focus();
  else buttons.pause.focus();
}

function skipExercise() {
  if (finished || halted() || confirmStep.isOpen || undo.isOpen) return;
  const phase = script[index];
  if (!phase) return;
  const name = exercises[phase.exercise_id]?.name || phase.exercise_id;
  const isCheck = phase.duration === null;
  const wasRunning = hold();
  const question = isCheck ? "Skip this symptom check?" : `Skip the rest of the ${name.toLowerCase()}?`;
  const words = isCheck ? "Skipping this symptom check." : `Skipping the rest of the ${name.toLowerCase()}.`;
  confirmStep.ask(
    question,
    "Yes, skip",
    () => undo.start(words, sendSkip, () => release(wasRunning)),
    () => release(wasRunning),
  );
}

async function sendSkip() {
  if (finished || halted()) return;
  if (timer) timer.cancel();
  check.close();
  closeStepDown();
  buttons.skip.disabled = false;
  const at = index;
  const sent = api.post("skip", { index: at });
  sent.catch(() => undefined); // handled below
  let state;
  try {
    state = await answerOrOffline(sent);
  } catch (error) {
    return handleError(error);
  }
  local.skip(at);
  if (state === null) sent.then(reconcile, handleError);
  else if (!api.busy) local.adopt(state);
  if (!local.running) return finish(local.status, state);
  paused = false;
  view.paused(false);
  enter(local.position);
  if (script[local.position]?.duration !== null) buttons.pause.focus(); // a check focuses its own title
  view.status("Skipped. On to the next part.");
}

// "Stop: this hurts": everything stops at once, then the pain and where it is felt are asked and saved with the stop.
function stopForPain() {
  if (finished || stopForm.isOpen || halted()) return;
  // Stop always works: a skip being asked about or waiting to be undone is dropped for it.
  confirmStep.close();
  undo.clear();
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

// Stop is asked once (the form) and can be undone for a few seconds before it is sent.
function sendStop(answers) {
  stopForm.close();
  undo.start("Stopping the session.", () => commitStop(answers), cancelStop);
}

async function commitStop(answers) {
  const sent = api.post("stop", answers || {});
  sent.catch(() => undefined); // handled below
  try {
    const state = await answerOrOffline(sent);
    local.stop(answers);
    if (state === null) {
      sent.then(reconcile, handleError);
      return finish(local.status, null);
    }
    local.adopt(state);
    finish(state.status, state);
  } catch (error) {
    if (error instanceof ApiError && error.status === 422) {
      stopForm.open();
      stopForm.showError(error.message);
    } else handleError(error);
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

function troubled(record) {
  return (record?.exercises || []).some((e) => e.stopped_for_pain || e.ended);
}

// `state`: the server's answer, or null when the session ended on this device with no network.
async function finish(status, state) {
  if (finished) return;
  finished = true;
  clearInterval(poller);
  confirmStep.close();
  undo.clear();
  if (timer) timer.cancel();
  root.dataset.state = status;
  view.progress(status === "completed" ? script.length : index, script.length);
  emit("sc:finished", { status });
  // Never a "well done" over a session that pain or spreading cut short.
  if (status === "completed" && !troubled((state || local).record)) voice.say("Session complete. Well done.");
  await showSummary();
}

// The server's summary once every save is in; until then (offline) the player stays, its controls off, saying so.
async function showSummary() {
  if (summaryShown) return;
  const html = api.offline ? null : await summaryHtml();
  if (html === null) return endedHere();
  if (summaryShown) return;
  summaryShown = true;
  root.hidden = true;
  const slot = $("summary-slot");
  slot.innerHTML = html; // our own server-rendered, escaped fragment
  localizeTimes(slot);
  slot.querySelector("#summary-heading")?.focus();
}

async function summaryHtml() {
  await api.settled();
  const url = `/session/${encodeURIComponent(sessionId)}/summary`;
  const response = await fetch(url, { headers: { accept: "text/html" } }).catch(() => null);
  return response && response.ok ? response.text() : null;
}

function endedHere() {
  window.addEventListener("online", () => showSummary(), { once: true });
  check.close();
  stopForm.close();
  Object.values(buttons).forEach((b) => (b.disabled = true));
  $("dock").hidden = true; // nothing left to press; the controls would only cover the advice
  const note = $("ended-offline");
  if (!note.hidden) return;
  note.hidden = false;
  if (stepDownOpen) return; // the step-down advice keeps the focus
  $("ended-offline-title").focus();
}

async function handleError(error) {
  if (!(error instanceof ApiError)) {
    view.status(`Something went wrong: ${error.message}`);
    return;
  }
  if (error.status === 409 && !finished) {
    // The saved session moved on (another tab, or it ended): stop here and say so.
    const state = await api.state().catch((e) => e);
    if (state instanceof ApiError) return showProblem(state);
    if (state && state.status !== "in_progress") {
      view.status("This session ended in another window or device.");
      return finish(state.status, state);
    }
    return movedOn();
  }
  showProblem(error);
}

function showProblem(error) {
  halt(error.status === 423 ? "gated" : "error");
  view.problem(error.message || "Something went wrong.", error.body?.url, "Find out what to do.").focus();
}

// Space is the player's pause key wherever focus is, except in a form's own fields and buttons (the pain scales,
// the leg selects, Save), where Space keeps its usual meaning; it never presses Skip or Stop.
function spaceIsOurs(event) {
  if (event.key !== " ") return false;
  const target = event.target instanceof Element ? event.target : document.body;
  return !target.closest("input, select, textarea, [contenteditable], #check-form, #stop-form");
}

function onKey(event) {
  if (!spaceIsOurs(event)) return;
  event.preventDefault();
  if (!event.repeat) togglePause();
}

boot();
