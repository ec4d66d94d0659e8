package dev.longvqa.functions;

import dev.longvqa.contract.Handler;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import jakarta.inject.Inject;
import jakarta.inject.Named;

/** Lambda {@code plan}: probe once, enforce limits, split into time ranges. */
@Named(Handler.Names.PLAN)
public class PlanHandler implements RequestHandler<PlanRequest, PlanResult> {
    @Inject
    PlanService service;

    @Override
    public PlanResult handleRequest(PlanRequest req, Context context) {
        return Invocation.run(Handler.Names.PLAN, req == null ? null : req.jobId(), () -> service.plan(req),
                r -> new JobMetrics(Handler.Names.PLAN, req.jobId()).put("Ranges", r.ranges().size(), "Count")
                        .put("VideoSeconds", r.durationSec() == null ? 0 : r.durationSec(), "Seconds"));
    }
}
