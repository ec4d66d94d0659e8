package dev.longvqa.functions;

import dev.longvqa.contract.JobStatus;

import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.util.Map;

/** Moves the job row along; a missing row is a request error, a finished one is left as it is. */
final class JobProgress {
    private static final System.Logger LOG = System.getLogger(JobProgress.class.getName());

    private JobProgress() {}

    static void advance(JobStore jobs, String jobId, JobStatus status, String stage, Map<String, AttributeValue> attrs,
                        Long millis) {
        if (jobs.advance(jobId, status, stage, attrs, millis)) return;
        var row = jobs.get(jobId).orElseThrow(() -> JobStore.missing(jobId));
        LOG.log(System.Logger.Level.WARNING, "job {0} is already {1}; {2} leaves it so", jobId,
                row.get("status") == null ? "?" : row.get("status").s(), stage);
    }
}
