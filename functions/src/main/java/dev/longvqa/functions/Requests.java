package dev.longvqa.functions;

import dev.longvqa.contract.VideoRef;
import dev.longvqa.error.ErrorCode;
import dev.longvqa.pipeline.JobId;
import dev.longvqa.error.LongVqaException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Validation shared by the stage services: a payload is checked before any side effect. */
final class Requests {
    private Requests() {}

    /** A missing payload (an empty Lambda event) is a request error, not an internal one. */
    static <T> T present(T request) {
        if (request == null) throw LongVqaException.badInput(ErrorCode.BAD_REQUEST, "no payload");
        return request;
    }

    static VideoRef video(String jobId, VideoRef video, Settings settings) {
        jobId(jobId);
        if (video == null || video.key() == null || video.bucket() == null) {
            throw LongVqaException.badInput(ErrorCode.BAD_REQUEST, "video.bucket and video.key are required");
        }
        // Stages only ever read uploads from our bucket: a payload cannot point them elsewhere.
        if (!video.bucket().equals(settings.requireBucket()) || !Keys.isVideoUpload(video.key())) {
            throw LongVqaException.badInput(ErrorCode.BAD_REQUEST, "s3://" + video.bucket() + "/" + video.key() + " is not an upload of this workflow");
        }
        return video;
    }

    static String jobId(String jobId) {
        try {
            return new JobId(jobId).value();
        } catch (RuntimeException e) {
            throw LongVqaException.badInput(ErrorCode.BAD_REQUEST, "not a job id: " + jobId);
        }
    }

    static Path tmp(Settings settings) {
        try {
            return Files.createDirectories(settings.tmpDir());
        } catch (IOException e) {
            throw new LongVqaException(ErrorCode.TRANSIENT, "cannot create " + settings.tmpDir() + ": " + e.getMessage(), e);
        }
    }
}
