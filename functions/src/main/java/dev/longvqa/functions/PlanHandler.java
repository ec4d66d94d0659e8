package dev.longvqa.functions;

import software.amazon.lambda.powertools.metrics.model.MetricUnit;

import dev.longvqa.contract.Handler;
import dev.longvqa.contract.PlanRequest;
import dev.longvqa.contract.PlanResult;

import jakarta.inject.Inject;
import jakarta.inject.Named;

/** Lambda {@code plan}: probe once, enforce limits, split into time ranges. */
@Named(Handler.BeanNames.PLAN)
public class PlanHandler extends StageHandler<PlanRequest, PlanResult> {
    @Inject
    PlanService service;

    public PlanHandler() {
        super(Handler.BeanNames.PLAN, PlanRequest.class);
    }

    @Override
    protected PlanResult handle(PlanRequest req) {
        return service.plan(req);
    }

    @Override
    protected String jobId(PlanRequest req) {
        return req.jobId();
    }

    @Override
    protected void metrics(PlanRequest req, PlanResult r, JobMetrics m) {
        m.put("Ranges", r.ranges().size(), MetricUnit.COUNT).put("VideoSeconds", r.durationSec() == null ? 0 : r.durationSec(), MetricUnit.SECONDS);
    }
}
