package dev.longvqa.runtime.vision;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.longvqa.video.RgbImage;

import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** An ONNX vision tower run by ONNX Runtime (CPU); the session is created once. */
final class OnnxVisionEncoder implements VisionEncoder {
    private final OrtEnvironment env;
    private final OrtSession session;
    private final String input;
    private final ImagePreprocessor pre;
    private final String id;

    private OnnxVisionEncoder(OrtEnvironment env, OrtSession session, ImagePreprocessor pre, String id) {
        this.env = env;
        this.session = session;
        this.input = session.getInputNames().iterator().next();
        this.pre = pre;
        this.id = id;
    }

    public static OnnxVisionEncoder open(Path file, ImagePreprocessor pre) throws IOException {
        try {
            OrtEnvironment env = OrtEnvironment.getEnvironment();
            try (OrtSession.SessionOptions opts = dev.longvqa.runtime.OrtSessions.options(dev.longvqa.runtime.OrtSessions.threads())) {
                return new OnnxVisionEncoder(env, env.createSession(file.toString(), opts), pre,
                        "onnx:" + file.getFileName() + ":" + pre.size());
            }
        } catch (OrtException e) {
            throw new IOException("cannot load ONNX encoder " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public ImagePreprocessor preprocessor() {
        return pre;
    }

    @Override
    public synchronized PatchTokens encode(List<RgbImage> frames) {
        int s = pre.size(), n = frames.size();
        float[] data = new float[n * 3 * s * s];
        for (int i = 0; i < n; i++) System.arraycopy(pre.apply(frames.get(i)), 0, data, i * 3 * s * s, 3 * s * s);
        try (OnnxTensor t = OnnxTensor.createTensor(env, FloatBuffer.wrap(data), new long[]{n, 3, s, s});
             OrtSession.Result r = session.run(Map.of(input, t))) {
            OnnxTensor out = (OnnxTensor) r.get(0);
            long[] shape = out.getInfo().getShape();
            FloatBuffer fb = out.getFloatBuffer();
            float[] values = new float[fb.remaining()];
            fb.get(values);
            return new PatchTokens((int) shape[0], (int) shape[1], (int) shape[2], values);
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX encoder failed: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        try {
            session.close();
        } catch (OrtException e) {
            throw new IllegalStateException(e);
        }
    }
}
