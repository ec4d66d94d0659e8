package dev.longvqa.functions;

import dev.longvqa.contract.Handler;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import jakarta.inject.Inject;
import jakarta.inject.Named;

/** Lambda {@code record}: SUCCEEDED with answers and costs, or FAILED with the error the Catch saw. */
@Named(Handler.Names.RECORD)
public class RecordHandler implements RequestHandler<RecordRequest, RecordResult> {
    @Inject
    RecordService service;

    @Override
    public RecordResult handleRequest(RecordRequest req, Context context) {
        return Invocation.run(Handler.Names.RECORD, req == null ? null : req.jobId(), () -> service.record(req),
                r -> new JobMetrics(Handler.Names.RECORD, req.jobId()).put("SUCCEEDED".equals(r.status()) ? "JobsSucceeded" : "JobsFailed", 1, "Count"));
    }
}
