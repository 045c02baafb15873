// Loads @mediapipe/pose (served by our own server from /static/vendor/pose/, never from a CDN) on first use and
// builds a Pose tracker with the full model. The wasm and model files are only downloaded when the camera is used.

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
 * (drawn here, never sent anywhere) warms the model up, so the first camera frame is not seconds late.
 */
export async function createPoseTracker(base, onResults) {
  await loadScript(base + "pose.js");
  const pose = new window.Pose({ locateFile: (file) => base + file });
  pose.setOptions({
    modelComplexity: 1, // the full model: the only one we ship
    smoothLandmarks: true,
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
  await pose.send({ image: blank });
  pose.onResults(onResults);
  return pose;
}

/** Pairs of landmark indices to join when drawing the skeleton. */
export function poseConnections() {
  return window.POSE_CONNECTIONS || [];
}
