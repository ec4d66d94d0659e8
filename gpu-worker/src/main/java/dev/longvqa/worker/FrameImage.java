package dev.longvqa.worker;

/** A stored frame a pass may show: its video time, its key under {@code jobs/{jobId}/frames/}, its JPEG bytes. */
record FrameImage(double timeSec, String key, byte[] jpeg) {}
