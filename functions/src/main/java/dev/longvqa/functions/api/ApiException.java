package dev.longvqa.functions.api;

import dev.longvqa.error.ErrorCode;

/**
 * An error answer with its HTTP status: {@code type} is an {@link ErrorCode} name, {@code status}
 * the job's status where a 409 NOT_READY reports it. Thrown by the routes, turned into
 * {@code {"error": {...}}} by {@link ApiService}; never carries a stack trace out.
 */
final class ApiException extends RuntimeException {
    final int httpStatus;
    final String type;
    final String jobStatus;

    ApiException(int httpStatus, String type, String message, String jobStatus) {
        super(message, null, false, false);
        this.httpStatus = httpStatus;
        this.type = type;
        this.jobStatus = jobStatus;
    }

    static ApiException badRequest(String message) {
        return new ApiException(400, ErrorCode.BAD_REQUEST.name(), message, null);
    }

    static ApiException badQuestion(String message) {
        return new ApiException(400, ErrorCode.BAD_QUESTION.name(), message, null);
    }

    /** Unknown, and another caller's: the same answer, so that ids of others' jobs cannot be probed. */
    static ApiException noJob(String jobId) {
        return new ApiException(404, ErrorCode.NOT_FOUND.name(), "no job " + jobId, null);
    }

    static ApiException notFound(String message) {
        return new ApiException(404, ErrorCode.NOT_FOUND.name(), message, null);
    }

    static ApiException notReady(String jobId, String status, String what) {
        return new ApiException(409, ErrorCode.NOT_READY.name(), "job " + jobId + " is " + status + ": " + what, status);
    }
}
