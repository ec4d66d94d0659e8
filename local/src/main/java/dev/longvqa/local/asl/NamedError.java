package dev.longvqa.local.asl;

/**
 * Implemented by exceptions that know their ASL error name. A Task resource (for example a
 * registered Lambda function) that throws one fails the state with exactly that Error, the way a
 * Lambda adapter's errorType does on AWS; its message becomes the Cause.
 */
interface NamedError {
    String errorName();
}
