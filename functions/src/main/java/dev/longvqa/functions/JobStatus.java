package dev.longvqa.functions;

/** The job row's {@code status} values (docs/ARCHITECTURE.md). */
public enum JobStatus {
    RECEIVED, DECODING, SEGMENTING, REASONING, ANSWERING, SUCCEEDED, FAILED;

    public boolean terminal() {
        return this == SUCCEEDED || this == FAILED;
    }
}
