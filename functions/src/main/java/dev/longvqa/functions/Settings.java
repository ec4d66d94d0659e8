package dev.longvqa.functions;

import dev.longvqa.contract.FunctionEnv;

import dev.longvqa.error.ErrorCode;
import dev.longvqa.error.LongVqaException;
import dev.longvqa.video.VideoLimits;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * Everything the services are configured with. Quarkus fills it from application.properties
 * ({@link FunctionsConfig}); the local cloud and the tests build it directly.
 *
 * @param fps                 sampling rate of decode-range (TDC samples at 1 fps)
 * @param rangeSec            longest time range one decode-range invocation decodes
 * @param frameSide           longest side of the JPEG frames written for the GPU worker
 * @param maxQuestions        questions per video
 * @param maxQuestionChars    characters per question
 * @param inlineAnswersBytes  above this estimated item size, answers go to {@code result.json}
 * @param presign             read videos through a presigned GET (FFmpeg ranged reads) instead of
 *                            downloading them to {@code tmpDir}
 * @param uploadThreads       concurrent frame uploads per decode-range
 */
public record Settings(String bucket, String table, double fps, double rangeSec, int frameSide, VideoLimits limits,
                       int maxQuestions, int maxQuestionChars, long inlineAnswersBytes, boolean presign,
                       Duration presignTtl, Path tmpDir, int uploadThreads) {

    public Settings {
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(tmpDir, "tmpDir");
        Objects.requireNonNull(presignTtl, "presignTtl");
        if (!(fps > 0) || !(rangeSec >= 1) || frameSide < 8 || maxQuestions < 1 || maxQuestionChars < 1
                || inlineAnswersBytes < 1 || uploadThreads < 1) {
            throw new IllegalArgumentException("invalid settings");
        }
    }

    /** Defaults of application.properties, for a given bucket and table. */
    public static Settings defaults(String bucket, String table) {
        return new Settings(bucket, table, 1.0, 300, 384, VideoLimits.DEFAULT, 20, 2000, 350_000, true,
                Duration.ofHours(1), Path.of(System.getProperty("java.io.tmpdir"), "longvqa"), 8);
    }

    public Settings withRangeSec(double seconds) {
        return new Settings(bucket, table, fps, seconds, frameSide, limits, maxQuestions, maxQuestionChars,
                inlineAnswersBytes, presign, presignTtl, tmpDir, uploadThreads);
    }

    public Settings withLimits(VideoLimits l) {
        return new Settings(bucket, table, fps, rangeSec, frameSide, l, maxQuestions, maxQuestionChars,
                inlineAnswersBytes, presign, presignTtl, tmpDir, uploadThreads);
    }

    public Settings withPresign(boolean p) {
        return new Settings(bucket, table, fps, rangeSec, frameSide, limits, maxQuestions, maxQuestionChars,
                inlineAnswersBytes, p, presignTtl, tmpDir, uploadThreads);
    }

    public Settings withTmpDir(Path dir) {
        return new Settings(bucket, table, fps, rangeSec, frameSide, limits, maxQuestions, maxQuestionChars,
                inlineAnswersBytes, presign, presignTtl, dir, uploadThreads);
    }

    public Settings withInlineAnswersBytes(long bytes) {
        return new Settings(bucket, table, fps, rangeSec, frameSide, limits, maxQuestions, maxQuestionChars,
                bytes, presign, presignTtl, tmpDir, uploadThreads);
    }

    /** The bucket, or an INTERNAL error naming the missing variable (a deployment mistake, not bad input). */
    public String requireBucket() {
        if (bucket == null || bucket.isBlank()) throw new LongVqaException(ErrorCode.INTERNAL, FunctionEnv.BUCKET.variable() + " is not set");
        return bucket;
    }

    public String requireTable() {
        if (table == null || table.isBlank()) throw new LongVqaException(ErrorCode.INTERNAL, FunctionEnv.TABLE.variable() + " is not set");
        return table;
    }
}
