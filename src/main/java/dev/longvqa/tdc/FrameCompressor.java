package dev.longvqa.tdc;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;

/**
 * TDC's temporal compressor as the context builder uses it: each non-static frame of a chunk
 * becomes K tokens ({@link QFormerCompressor} describes the computation). Two engines compute the
 * same function from the same checkpoint tensors: DJL/libtorch ({@link QFormerCompressor}, CPU or
 * CUDA, any {@link TdcPrecision}) and ONNX Runtime on the CPU in float32
 * ({@link OrtQFormerCompressor}); {@link TdcEngine} picks one.
 */
sealed interface FrameCompressor extends AutoCloseable permits QFormerCompressor, OrtQFormerCompressor {
    /**
     * @param statics (B, T, W) float32, the static frame of each row's chunk
     * @param frames  (B, T, W) float32, the frames to compress
     * @param ids     (1, L) int64 question ids for BERT, or null
     * @return (B, K, W) float32 on the manager (and device) of {@code frames}; the inputs stay open
     */
    NDArray compress(NDArray statics, NDArray frames, NDArray ids);

    /** K, tokens per compressed frame. */
    int queryTokens();

    /** The learned separator token (LLM width, float32) that follows every frame block. */
    NDArray separator();

    /** What the Q-Former's arithmetic runs in. */
    DataType computeType();

    /** Which engine runs it ({@link TdcEngine#DJL} or {@link TdcEngine#ONNXRUNTIME}). */
    TdcEngine engine();

    /** Frees what the engine holds outside the NDManager (ONNX Runtime's session). */
    @Override
    void close();
}
