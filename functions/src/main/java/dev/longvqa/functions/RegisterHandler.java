package dev.longvqa.functions;

import software.amazon.lambda.powertools.metrics.model.MetricUnit;

import dev.longvqa.contract.Handler;
import dev.longvqa.contract.RegisterResult;

import com.fasterxml.jackson.databind.JsonNode;
import jakarta.inject.Inject;
import jakarta.inject.Named;

/**
 * Lambda {@code register}: EventBridge "Object Created" event → job row (START / DUPLICATE / IGNORED).
 * The event is AWS's shape, read as a tree ({@code RegisterService.ObjectCreated}); the result is a contract record.
 */
@Named(Handler.BeanNames.REGISTER)
public class RegisterHandler extends StageHandler<JsonNode, RegisterResult> {
    @Inject
    RegisterService service;

    public RegisterHandler() {
        super(Handler.BeanNames.REGISTER, JsonNode.class);
    }

    @Override
    protected RegisterResult handle(JsonNode event) {
        return service.register(event);
    }

    @Override
    protected String jobId(JsonNode event) {
        return null; // known only once registered
    }

    @Override
    protected void metrics(JsonNode event, RegisterResult r, JobMetrics m) {
        m.jobId(r.jobId()).put(switch (r.action()) {
            case START -> "JobsStarted";
            case DUPLICATE -> "DuplicateEvents";
            case IGNORED -> "IgnoredEvents";
        }, 1, MetricUnit.COUNT);
    }
}
