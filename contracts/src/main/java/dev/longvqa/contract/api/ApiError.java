package dev.longvqa.contract.api;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Every error answer: {@code {"error": {"type", "message", "status"?}}}. {@code type} is an
 * {@code ErrorCode} name; {@code status} is the job's status with NOT_READY (409).
 */
public record ApiError(Detail error) {
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Detail(String type, String message, String status) {}

    public static ApiError of(String type, String message, String status) {
        return new ApiError(new Detail(type, message, status));
    }
}
