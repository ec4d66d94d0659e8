package dev.longvqa.contract;

/** The job row's {@link JobRow#STATUS} values (docs/ARCHITECTURE.md, "Job row"). */
public enum JobStatus {
    RECEIVED, DECODING, SEGMENTING, REASONING, ANSWERING, SUCCEEDED, FAILED;

    public boolean terminal() {
        return this == SUCCEEDED || this == FAILED;
    }
}
