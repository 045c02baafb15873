// The camera coach in the session player. When switched on it shows a mirrored preview with the skeleton drawn over
// it, runs the pose model in this browser, and sends ONLY body-point numbers (33 x [x, y, z, visibility], the frame
// time and the video size) over a WebSocket, as one binary frame of exactly 544 bytes (too small for any picture;
// the server closes the socket on any other size). No image, canvas or video data is ever read or sent. The
// server's answers (camera rep count, phase, hold time, cues, "can't see you"), sent when something changes, are
// shown live; cues are spoken when the browser has voices. It follows the player's sc:phase / sc:paused /
// sc:resumed / sc:finished events.
import { createPoseTracker, drawSkeleton, landmarkFrame } from "./camera_pose.js";

const SEND_BUFFER_LIMIT = 64 * 1024; // skip frames rather than queue them when the connection is slow
const CUE_REPEAT_MS = 5000;

const root = document.querySelector("[data-camera]");
if (root) setUpCamera(root);

function setUpCamera(root) {
  const $ = (name) => root.querySelector(`[data-camera-${name}]`);
  const el = {
    toggle: $("toggle"),
    message: $("message"),
    live: $("live"),
    video: $("video"),
    canvas: $("canvas"),
    reps: $("reps"),
    phase: $("phase"),
    hold: $("hold"),
    seen: $("seen"),
    cue: $("cue"),
  };
  const speechAllowed = root.dataset.speech !== "off";
  // Frame times run at the session clock's speed: 1, except in tests that slow a clip down and slow the session
  // clock by the same factor, so the analyzer (and the pose model's landmark smoothing) still sees the movement at
  // its real pace.
  const clockSpeed = Number(root.dataset.clockSpeed) || 1;
  const state = {
    generation: 0, // bumped by every start and stop; async steps of an older start give up
    running: false,
    paused: false,
    phase: null, // the player's current phase (from sc:phase)
    sessionId: null,
    sent: null, // "index|side" of the last exercise message
    stream: null,
    socket: null,
    pose: null,
    posePromise: null,
    t0: 0,
    frameT: 0,
    poseBase: 0, // the pose model's clock (ms) when this camera run started ...
    poseAt: 0, // ... and the last time stamp given to it (the warm-up frame had 0)
    spokenAt: new Map(),
    finishedWaiter: null,
    shownIndex: null, // the exercise whose count the readout shows
  };

  function sessionId() {
    if (state.sessionId) return state.sessionId;
    const holder = document.querySelector("[data-session-id]");
    return holder ? holder.dataset.sessionId : null;
  }

  function say(text) {
    el.message.textContent = text;
    el.message.hidden = !text;
  }

  // ---- following the player -------------------------------------------------------------------------------
  document.addEventListener("sc:phase", (event) => {
    const detail = event.detail || {};
    if (detail.sessionId) state.sessionId = detail.sessionId;
    if (detail.phase) state.phase = detail.phase;
    sendExercise();
  });
  document.addEventListener("sc:paused", () => {
    state.paused = true;
    if (state.running) say("Paused: the camera is not counting.");
  });
  document.addEventListener("sc:resumed", () => {
    state.paused = false;
    if (state.running) say("");
  });
  document.addEventListener("sc:finished", () => {
    el.toggle.disabled = true;
    if (state.running || state.socket) stop("The session is over, so the camera is off.");
  });
  if (window.speechSynthesis) window.speechSynthesis.getVoices(); // some browsers load voices on first ask
  window.addEventListener("pagehide", () => stop(""));
  el.toggle.addEventListener("change", () => (el.toggle.checked ? start() : stop("Camera off.")));

  function sendExercise() {
    const socket = state.socket;
    const phase = state.phase;
    if (!socket || socket.readyState !== WebSocket.OPEN || !phase) return;
    const key = `${phase.exercise_index}|${phase.side || ""}`;
    if (key === state.sent) return;
    state.sent = key;
    socket.send(
      JSON.stringify({
        type: "exercise",
        exercise_id: phase.exercise_id,
        exercise_index: phase.exercise_index,
        side: phase.side || "",
      }),
    );
  }

  // ---- switching on and off -------------------------------------------------------------------------------
  async function start() {
    const generation = ++state.generation;
    const stale = () => generation !== state.generation;
    const id = sessionId();
    if (!id) return refuse("The camera works inside a session.");
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
      return refuse(
        "This browser cannot use a camera on this page (it needs a secure https address or this computer's own " +
          "address). The session carries on without the camera.",
      );
    }
    if (!(await hasCamera())) {
      if (!stale()) refuse("No camera was found. The session carries on without the camera.");
      return;
    }
    if (!state.posePromise) {
      state.posePromise = createPoseTracker(root.dataset.poseBase, onResults).catch((error) => {
        state.posePromise = null;
        throw error;
      });
    } else if (state.pose) {
      state.pose.reset();
    }
    say("Loading the body-tracking model…");
    try {
      state.pose = await state.posePromise;
    } catch (error) {
      if (!stale()) refuse("Body tracking could not start in this browser. The session carries on without the camera.");
      return;
    }
    if (stale()) return;
    say("Starting the camera…");
    let stream;
    try {
      stream = await navigator.mediaDevices.getUserMedia({
        audio: false,
        video: { facingMode: "user", width: { ideal: 640 }, height: { ideal: 480 } },
      });
    } catch (error) {
      if (!stale()) refuse(cameraProblem(error));
      return;
    }
    if (stale()) return stopTracks(stream);
    state.stream = stream;
    state.running = true;
    el.video.srcObject = stream;
    el.live.hidden = false;
    try {
      await el.video.play();
    } catch (error) {
      /* a muted preview may play without a gesture; the frame loop waits for video data anyway */
    }
    if (stale()) return;
    openSocket(id, generation);
    state.t0 = performance.now();
    state.poseBase = state.poseAt + 1; // its time stamps only ever grow, across camera runs too
    frameLoop(generation);
  }

  async function hasCamera() {
    try {
      const devices = await navigator.mediaDevices.enumerateDevices();
      return devices.some((device) => device.kind === "videoinput");
    } catch (error) {
      return true; // cannot tell: let getUserMedia say
    }
  }

  function refuse(text) {
    el.toggle.checked = false;
    say(text);
  }

  function cameraProblem(error) {
    const name = error && error.name;
    if (name === "NotAllowedError" || name === "SecurityError") {
      return (
        "Camera permission was not given. The session carries on without the camera; to use it, allow the " +
        "camera for this site in your browser's settings and switch it on again."
      );
    }
    if (name === "NotFoundError" || name === "OverconstrainedError") {
      return "No camera was found. The session carries on without the camera.";
    }
    if (name === "NotReadableError") {
      return "The camera is busy in another app. Close that app and try again; the session carries on meanwhile.";
    }
    return "The camera could not start. The session carries on without the camera.";
  }

  function openSocket(id, generation) {
    const scheme = location.protocol === "https:" ? "wss:" : "ws:";
    const socket = new WebSocket(`${scheme}//${location.host}/ws/camera/${encodeURIComponent(id)}`);
    state.socket = socket;
    state.sent = null;
    state.shownIndex = null;
    socket.addEventListener("open", () => {
      say(state.phase ? "" : "Waiting for the exercise to start…");
      sendExercise();
    });
    socket.addEventListener("message", (event) => onAnswer(event.data));
    socket.addEventListener("close", (event) => {
      if (state.socket !== socket) return;
      state.socket = null;
      if (generation === state.generation && state.running) {
        const reason = event.reason || "The connection to the coach was lost.";
        stop(`${reason} The camera is off; the session carries on.`);
      }
    });
  }

  async function stop(note) {
    state.generation++;
    state.running = false;
    el.toggle.checked = false;
    const socket = state.socket;
    state.socket = null;
    if (socket && socket.readyState === WebSocket.OPEN) {
      const finished = new Promise((resolve) => {
        state.finishedWaiter = resolve;
        setTimeout(resolve, 2000);
      });
      socket.send(JSON.stringify({ type: "finish" }));
      const answer = await finished;
      state.finishedWaiter = null;
      socket.close(1000, "camera off");
      if (answer && answer.saved && answer.saved.length) {
        const reps = answer.saved.reduce((sum, item) => sum + item.rep_count, 0);
        note = `${note} Camera results saved (${reps} ${reps === 1 ? "rep" : "reps"} counted).`.trim();
      }
    } else if (socket) {
      socket.close();
    }
    stopTracks(state.stream);
    state.stream = null;
    el.video.srcObject = null;
    el.live.hidden = true;
    say(note);
  }

  function stopTracks(stream) {
    if (stream) stream.getTracks().forEach((track) => track.stop());
  }

  // ---- frames: pose in the browser, numbers to the server ------------------------------------------------
  async function frameLoop(generation) {
    while (generation === state.generation) {
      const socket = state.socket;
      const ready =
        !state.paused &&
        socket &&
        socket.readyState === WebSocket.OPEN &&
        state.sent !== null &&
        el.video.readyState >= 2;
      if (!ready) {
        await new Promise((resolve) => setTimeout(resolve, 200));
        continue;
      }
      state.frameT = ((performance.now() - state.t0) / 1000) * clockSpeed;
      // The pose model smooths its landmarks over time: give it the frame time (at the movement's real pace, as the
      // offline analysis's 30 frames a second are), not the page's clock, which runs 12 times slower in the test.
      state.poseAt = Math.max(state.poseAt + 1, state.poseBase + state.frameT * 1000);
      try {
        await state.pose.send({ image: el.video }, state.poseAt);
      } catch (error) {
        console.warn("camera coach: pose tracking failed on a frame", error);
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
      await new Promise((resolve) => requestAnimationFrame(resolve));
    }
  }

  function onResults(results) {
    if (!state.running) return;
    const landmarks = results.poseLandmarks || null;
    drawSkeleton(el.canvas, el.video, landmarks);
    const socket = state.socket;
    if (!socket || socket.readyState !== WebSocket.OPEN || socket.bufferedAmount > SEND_BUFFER_LIMIT) return;
    socket.send(landmarkFrame(state.frameT, el.video.videoWidth, el.video.videoHeight, landmarks));
  }

  // ---- the analyzer's answers ----------------------------------------------------------------------------
  function onAnswer(raw) {
    let answer;
    try {
      answer = JSON.parse(raw);
    } catch (error) {
      return;
    }
    if (answer.type === "status") showStatus(answer);
    else if (answer.type === "finished" && state.finishedWaiter) state.finishedWaiter(answer);
    else if (answer.type === "exercise") onExercise(answer.exercise_index);
    else if (answer.type === "error") console.warn("camera coach:", answer.message);
  }

  function onExercise(index) {
    say("");
    if (index === state.shownIndex) return; // the other side of the same exercise: its count goes on
    state.shownIndex = index;
    showStatus({ rep_count: 0, phase: "", hold_seconds: 0, visible: true, cues: [] });
  }

  function showStatus(status) {
    el.reps.textContent = String(status.rep_count);
    el.phase.textContent = String(status.phase || "–").replace(/[-_]/g, " ");
    el.hold.textContent = `${Number(status.hold_seconds || 0).toFixed(1)} s`;
    el.seen.hidden = status.visible !== false;
    for (const cue of status.cues || []) showCue(cue);
  }

  function showCue(text) {
    const now = Date.now();
    if (now - (state.spokenAt.get(text) || 0) < CUE_REPEAT_MS) return;
    state.spokenAt.set(text, now);
    const synth = window.speechSynthesis;
    const speakBox = document.getElementById("speak"); // the player's "Speak the cues aloud" choice
    const speak = speechAllowed && synth && !(speakBox && !speakBox.checked);
    const voices = speak ? synth.getVoices() : [];
    // Spoken cues are not also announced by screen readers; without voices the live region announces them.
    el.cue.setAttribute("aria-live", voices.length ? "off" : "polite");
    el.cue.textContent = text;
    if (voices.length) synth.speak(new SpeechSynthesisUtterance(text));
  }
}
