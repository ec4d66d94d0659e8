package dev.longvqa.functions;

import software.amazon.lambda.powertools.metrics.model.MetricUnit;

import dev.longvqa.contract.Handler;
import dev.longvqa.contract.JobStatus;
import dev.longvqa.contract.RecordRequest;
import dev.longvqa.contract.RecordResult;

import jakarta.inject.Inject;
import jakarta.inject.Named;

/** Lambda {@code record}: SUCCEEDED with answers and costs, or FAILED with the error the Catch saw. */
@Named(Handler.BeanNames.RECORD)
public class RecordHandler extends StageHandler<RecordRequest, RecordResult> {
    @Inject
    RecordService service;

    public RecordHandler() {
        super(Handler.BeanNames.RECORD, RecordRequest.class);
    }

    @Override
    protected RecordResult handle(RecordRequest req) {
        return service.record(req);
    }

    @Override
    protected String jobId(RecordRequest req) {
        return req.jobId();
    }

    @Override
    protected void metrics(RecordRequest req, RecordResult r, JobMetrics m) {
        m.put(JobStatus.SUCCEEDED.name().equals(r.status()) ? "JobsSucceeded" : "JobsFailed", 1, MetricUnit.COUNT);
    }
}
