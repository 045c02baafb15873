"""Video adapter: decode a clip, run the MediaPipe pose model, feed the motion analyzer, draw the results."""
