package dev.longvqa.functions;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import jakarta.inject.Inject;
import jakarta.inject.Named;

/** Lambda {@code plan}: probe once, enforce limits, split into time ranges. */
@Named("plan")
public class PlanHandler implements RequestHandler<PlanRequest, PlanResult> {
    @Inject
    PlanService service;

    @Override
    public PlanResult handleRequest(PlanRequest req, Context context) {
        return Invocation.run("plan", req == null ? null : req.jobId(), () -> service.plan(req),
                r -> new JobMetrics("plan", req.jobId()).put("Ranges", r.ranges().size(), "Count")
                        .put("VideoSeconds", r.durationSec() == null ? 0 : r.durationSec(), "Seconds"));
    }
}
