// The pose model in the browser: loads @mediapipe/pose (served by our own server from /static/vendor/pose/, never
// from a CDN) on first use with the full model, turns a result into the numbers the coach receives, and draws the
// skeleton. The wasm and model files are only downloaded when the camera is switched on.

let scriptPromise = null;

function loadScript(src) {
  if (window.Pose) return Promise.resolve();
  if (!scriptPromise) {
    scriptPromise = new Promise((resolve, reject) => {
      const script = document.createElement("script");
      script.src = src;
      script.async = true;
      script.onload = () => resolve();
      script.onerror = () => {
        scriptPromise = null;
        reject(new Error("The body-tracking model could not be loaded from this server."));
      };
      document.head.appendChild(script);
    });
  }
  return scriptPromise;
}

/**
 * Load pose.js from `base` and return a ready tracker calling `onResults` with each result. A first blank frame
 * (drawn here, never sent anywhere) warms the model up, so the first camera frame is not seconds late. It has time
 * stamp 0: the caller gives every camera frame a later one (milliseconds), its own frame time.
 */
export async function createPoseTracker(base, onResults) {
  await loadScript(base + "pose.js");
  const pose = new window.Pose({ locateFile: (file) => base + file });
  pose.setOptions({
    modelComplexity: 1, // the full model: the only one we ship
    smoothLandmarks: true, // as in the offline analysis (video/pose.py), so live and offline landmarks agree
    enableSegmentation: false,
    minDetectionConfidence: 0.5,
    minTrackingConfidence: 0.5,
  });
  pose.onResults(() => {});
  await pose.initialize();
  const blank = document.createElement("canvas");
  blank.width = 64;
  blank.height = 64;
  blank.getContext("2d").fillRect(0, 0, 64, 64);
  await pose.send({ image: blank }, 0);
  pose.onResults(onResults);
  return pose;
}

const finite = (value) => (Number.isFinite(Number(value)) ? Number(value) : 0);

/** The landmark numbers of one result as one binary frame. Nothing else leaves the page. */
// One binary frame, as `web/camera_messages.py` reads it: a 16-byte header (float64 frame time in seconds, uint16
// video width and height, uint32 flags: 1 = a person, 0 = nobody and all zeros) and 33 x 4 float32 numbers, all
// little-endian: 544 bytes, whatever the picture.
export const FRAME_BYTES = 16 + 33 * 4 * 4;

export function landmarkFrame(t, width, height, landmarks) {
  const buffer = new ArrayBuffer(FRAME_BYTES);
  const view = new DataView(buffer);
  view.setFloat64(0, Math.max(0, t), true);
  view.setUint16(8, Math.min(Math.max(width, 1), 8192), true);
  view.setUint16(10, Math.min(Math.max(height, 1), 8192), true);
  const person = landmarks && landmarks.length === 33;
  view.setUint32(12, person ? 1 : 0, true);
  if (person) {
    landmarks.forEach((p, i) => {
      const at = 16 + i * 16;
      view.setFloat32(at, finite(p.x), true);
      view.setFloat32(at + 4, finite(p.y), true);
      view.setFloat32(at + 8, finite(p.z), true);
      view.setFloat32(at + 12, Math.min(Math.max(finite(p.visibility), 0), 1), true);
    });
  }
  return buffer;
}

/** Draw the skeleton of `landmarks` (or clear it) on a canvas laid over the video; the canvas only holds lines. */
export function drawSkeleton(canvas, video, landmarks) {
  if (canvas.width !== video.videoWidth || canvas.height !== video.videoHeight) {
    canvas.width = video.videoWidth;
    canvas.height = video.videoHeight;
  }
  const ctx = canvas.getContext("2d");
  ctx.clearRect(0, 0, canvas.width, canvas.height);
  if (!landmarks) return;
  const w = canvas.width;
  const h = canvas.height;
  const seen = (p) => (p.visibility ?? 1) > 0.5;
  ctx.lineWidth = Math.max(2, w / 160);
  ctx.strokeStyle = "#31c48d";
  for (const [a, b] of window.POSE_CONNECTIONS || []) {
    const p = landmarks[a];
    const q = landmarks[b];
    if (!p || !q || !seen(p) || !seen(q)) continue;
    ctx.beginPath();
    ctx.moveTo(p.x * w, p.y * h);
    ctx.lineTo(q.x * w, q.y * h);
    ctx.stroke();
  }
  ctx.fillStyle = "#ffffff";
  for (const p of landmarks) {
    if (!seen(p)) continue;
    ctx.beginPath();
    ctx.arc(p.x * w, p.y * h, ctx.lineWidth * 1.5, 0, 2 * Math.PI);
    ctx.fill();
  }
}
