package dev.longvqa.functions;

import dev.longvqa.contract.Handler;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import jakarta.inject.Inject;
import jakarta.inject.Named;

/** Lambda {@code decode-range}: frames and embeddings of one time range. */
@Named(Handler.Names.DECODE_RANGE)
public class DecodeRangeHandler implements RequestHandler<DecodeRequest, DecodeResult> {
    @Inject
    DecodeRangeService service;

    @Override
    public DecodeResult handleRequest(DecodeRequest req, Context context) {
        return Invocation.run(Handler.Names.DECODE_RANGE, req == null ? null : req.jobId(), () -> service.decode(req),
                r -> new JobMetrics(Handler.Names.DECODE_RANGE, req.jobId()).put("Frames", r.frames(), "Count"));
    }
}
